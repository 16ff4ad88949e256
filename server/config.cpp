#include "server/config.hpp"

#include "protocol/origin.hpp"

#include "server/config_sla.hpp"
#include "server/config_routing.hpp"
#include "server/config_survey.hpp"

#include "protocol/ascii.hpp"
#include "protocol/imap.hpp"
#include "protocol/telegram_webhook.hpp"
#include "protocol/url.hpp"

#include <cctype>
#include <cstdlib>
#include <set>
#include <toml++/toml.h>

namespace touchpoint::server {
namespace {

Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }

Result<std::string> resolve(const std::string& where, const std::string& v) {
  if (v.rfind("env:", 0) != 0) return v;
  const char* e = std::getenv(v.substr(4).c_str());
  if (!e) return bad(where + ": environment variable " + v.substr(4) + " is not set");
  return std::string(e);
}

const std::set<std::string> kTypes = {"api",       "email",     "whatsapp", "messenger",
                                      "instagram", "telegram",  "twilio",   "webchat"};

// Keys a channel cannot work without.
std::vector<std::string> required_keys(const std::string& type) {
  if (type == "api") return {"token"};
  if (type == "whatsapp") return {"phone_number_id", "access_token", "app_secret", "verify_token"};
  if (type == "messenger" || type == "instagram")
    return {"page_id", "page_access_token", "app_secret", "verify_token"};
  if (type == "telegram") return {"bot_token", "secret_token"};
  if (type == "twilio") return {"account_sid", "auth_token", "from"};
  if (type == "webchat") return {"website_token"};
  return {};
}

// [[channel.template]] tables: string keys name, language, text, content_sid.
Result<std::vector<protocol::ReplyTemplate>> read_templates(const std::string& where,
                                                            const toml::node& node) {
  auto* arr = node.as_array();
  if (!arr) return bad(where + " must be an array of tables ([[channel.template]])");
  std::vector<protocol::ReplyTemplate> out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string at = where + " #" + std::to_string(i + 1);
    auto* t = (*arr)[i].as_table();
    if (!t) return bad(at + " must be a table");
    protocol::ReplyTemplate tpl;
    for (auto&& [key, value] : *t) {
      std::string k(key.str());
      auto v = value.value<std::string>();
      if (!v) return bad(at + "." + k + " must be a string");
      if (k == "name") tpl.name = *v;
      else if (k == "language") tpl.language = *v;
      else if (k == "text") tpl.text = *v;
      else if (k == "content_sid") tpl.content_sid = *v;
      else return bad(at + ": unknown key " + k);
    }
    out.push_back(std::move(tpl));
  }
  return out;
}

Status validate_templates(const ChannelConfig& ch) {
  if (ch.templates.empty()) return ok();
  std::string where = "channel " + ch.name + ": template";
  if (ch.type != "whatsapp" && ch.type != "twilio")
    return bad(where + "s are for whatsapp and twilio channels only");
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& t : ch.templates) {
    if (t.name.empty() || t.language.empty() || t.text.empty())
      return bad(where + " needs name, language and text");
    if (ch.type == "twilio" && t.content_sid.empty())
      return bad(where + " " + t.name + " needs content_sid (Twilio sends templates by Content SID)");
    if (!seen.insert({t.name, t.language}).second)
      return bad(where + " " + t.name + " (" + t.language + ") is defined twice");
  }
  return ok();
}

// An email channel's support addresses, lowercased: address and every one of addresses.
std::vector<std::string> support_addresses(const ChannelConfig& ch) {
  std::vector<std::string> all;
  if (ch.type != "email") return all;
  if (!ch.get("address").empty()) all.push_back(ch.get("address"));
  if (auto it = ch.lists.find("addresses"); it != ch.lists.end())
    all.insert(all.end(), it->second.begin(), it->second.end());
  for (auto& a : all) a = protocol::ascii_lower(a);
  return all;
}

}  // namespace

std::shared_ptr<const protocol::SlaPolicies> no_sla_policies() {
  static const auto none = protocol::SlaPolicies::build({}, {}).value();
  return none;
}

std::string ChannelConfig::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

std::string ChannelConfig::api_base() const {
  std::string base = get("api_base");
  if (base.empty()) {
    if (type == "whatsapp" || type == "messenger" || type == "instagram")
      base = "https://graph.facebook.com/v21.0";
    else if (type == "telegram")
      base = "https://api.telegram.org";
    else if (type == "twilio")
      base = "https://api.twilio.com";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

const ChannelConfig* Config::channel(std::string_view type, std::string_view name) const {
  for (const auto& c : channels)
    if (c.type == type && c.name == name) return &c;
  return nullptr;
}

Result<Config> load_config(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return bad(path + ": " + std::string(e.description()) + " at line " +
               std::to_string(e.source().begin.line));
  }
  Config c;
  if (auto* server = root["server"].as_table()) {
    for (auto&& [key, node] : *server) {
      std::string k(key.str());
      if (k == "min_free_disk_mb") {
        auto v = node.value<int64_t>();
        if (!v || *v < 0 || *v > 1000000)
          return bad(path + ": server.min_free_disk_mb must be a number of MiB, 0..1000000");
        c.min_free_disk_mb = *v;
        continue;
      }
      if (k == "io_threads" || k == "outbox_retry_base_seconds" || k == "outbox_poll_ms") {
        auto v = node.value<int64_t>();
        if (!v || *v < 0 || *v > 86400000) return bad(path + ": server." + k + " must be a number");
        if (k == "io_threads") {
          if (*v < 1 || *v > 64) return bad(path + ": server.io_threads must be 1..64");
          c.io_threads = static_cast<int>(*v);
        } else if (k == "outbox_poll_ms") {
          c.outbox_poll_ms = std::max<int64_t>(*v, 10);
        } else {
          c.outbox_retry_base_seconds = *v;
        }
        continue;
      }
      auto v = node.value<std::string>();
      if (!v) return bad(path + ": server." + k + " must be a string");
      if (k == "public_url") c.public_url = *v;
      else if (k == "data") c.data_dir = *v;
      else if (k == "http") c.http = *v;
      else if (k == "smtp") c.smtp = *v;
      else if (k == "lmtp") c.lmtp = *v;
      else return bad(path + ": unknown key server." + k);
    }
  }
  if (auto* node = root.get("channel")) {
    auto* arr = node->as_array();
    if (!arr) return bad(path + ": channel must be an array of tables ([[channel]])");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto* t = (*arr)[i].as_table();
      std::string where = path + ": channel #" + std::to_string(i + 1);
      if (!t) return bad(where + " must be a table");
      ChannelConfig ch;
      for (auto&& [key, value] : *t) {
        std::string k(key.str());
        if (k == "template") {
          auto t2 = read_templates(where + ".template", value);
          if (!t2) return t2.error();
          ch.templates = std::move(t2).value();
        } else if (auto s = value.value<std::string>()) {
          auto r = resolve(where + "." + k, *s);
          if (!r) return r.error();
          ch.values[k] = r.value();
        } else if (value.is_integer()) {  // e.g. imap_poll_seconds = 60
          ch.values[k] = std::to_string(*value.value<int64_t>());
        } else if (auto* a = value.as_array()) {
          std::vector<std::string> items;
          for (auto& item : *a) {
            auto s2 = item.value<std::string>();
            if (!s2) return bad(where + "." + k + " must be an array of strings");
            auto r = resolve(where + "." + k, *s2);
            if (!r) return r.error();
            items.push_back(r.value());
          }
          ch.lists[k] = std::move(items);
        } else {
          return bad(where + "." + k + " must be a string or an array of strings");
        }
      }
      ch.type = ch.get("type");
      ch.name = ch.get("name");
      c.channels.push_back(std::move(ch));
    }
  }
  auto sla = read_sla_config(path, root);
  if (!sla) return sla.error();
  c.sla = std::move(sla).value();
  auto survey = read_survey_config(path, root, c.channels);
  if (!survey) return survey.error();
  c.survey = std::move(survey).value();
  auto routing = read_routing_config(path, root);
  if (!routing) return routing.error();
  c.routing = routing.value();
  if (auto s = validate(c); !s) return Error{s.error().code, path + ": " + s.error().message};
  return c;
}

protocol::TemplateCatalog Config::template_catalog() const {
  protocol::TemplateCatalog catalog;
  for (const auto& ch : channels)
    if (!ch.templates.empty()) catalog[{ch.type, ch.name}] = ch.templates;
  return catalog;
}

EmailRoutes Config::email_routes() const {
  EmailRoutes routes;
  for (const auto& ch : channels)
    for (const auto& a : support_addresses(ch)) routes.emplace(a, ch.name);
  return routes;
}

namespace {
Status validate_imap(const ChannelConfig& ch) {
  if (ch.get("imap_url").empty()) {
    if (!ch.get("imap_user").empty() || !ch.get("imap_poll_seconds").empty())
      return bad("channel " + ch.name + ": imap_user and imap_poll_seconds need imap_url");
    return ok();
  }
  if (ch.type != "email") return bad("channel " + ch.name + ": only email channels read an IMAP mailbox");
  if (!protocol::parse_imap_url(ch.get("imap_url")))
    return bad("channel " + ch.name + ": imap_url must be imaps://host[:port]/mailbox or imap://...");
  if (auto seconds = ch.get("imap_poll_seconds"); !seconds.empty()) {
    char* end = nullptr;
    long v = std::strtol(seconds.c_str(), &end, 10);
    if (*end != '\0' || v < 1 || v > 86400) return bad("channel " + ch.name + ": imap_poll_seconds must be 1..86400");
  }
  return ok();
}
// Web chat: origins that are origins, a website token no other chat channel has, an
// email_channel that is an email channel.
Status validate_webchat(const Config& c) {
  std::set<std::string> tokens;
  for (const auto& ch : c.channels) {
    if (ch.type != "webchat") continue;
    std::string where = "channel " + ch.name;
    if (!tokens.insert(ch.get("website_token")).second)
      return bad(where + ": website_token is another webchat channel's too");
    if (auto it = ch.lists.find("allowed_origins"); it != ch.lists.end())
      for (const auto& o : it->second)
        if (auto origin = protocol::origin_of(o); !origin || *origin != protocol::ascii_lower(o))
          return bad(where + ": allowed_origins: '" + o + "' is not an origin (scheme://host[:port])");
    if (auto email = ch.get("email_channel"); !email.empty() && !c.channel("email", email))
      return bad(where + ": email_channel '" + email + "' is no email channel");
    if (auto grace = ch.get("away_grace_seconds"); !grace.empty()) {
      char* end = nullptr;
      long v = std::strtol(grace.c_str(), &end, 10);
      if (*end != '\0' || v < 0 || v > 110)
        return bad(where + ": away_grace_seconds must be 0..110 (the contract mails within 2 minutes)");
    }
  }
  return ok();
}
}  // namespace

Status validate(const Config& c) {
  // Names are unique across types (the contract): deduplication is keyed on the name, so an
  // api and an email channel of one name would swallow each other's messages.
  std::map<std::string, std::string> seen;  // name -> type
  for (const auto& ch : c.channels) {
    if (!kTypes.count(ch.type)) return bad("channel type '" + ch.type + "' is not known");
    if (ch.name.empty() || ch.name.find('/') != std::string::npos)
      return bad("every channel needs a name without '/'");
    if (auto [it, fresh] = seen.emplace(ch.name, ch.type); !fresh)
      return bad(it->second == ch.type
                     ? "channel " + ch.type + "/" + ch.name + " is defined twice"
                     : "channel name '" + ch.name + "' is used by a " + it->second + " and a " +
                           ch.type + " channel; names must be unique across types");
    for (const auto& k : required_keys(ch.type))
      if (ch.get(k).empty()) return bad("channel " + ch.name + " needs " + k);
    if (ch.type == "telegram" && !protocol::valid_telegram_secret(ch.get("secret_token")))
      return bad("channel " + ch.name + ": secret_token must be 1-256 of A-Z a-z 0-9 _ - "
                 "(what Telegram's setWebhook accepts)");
    if (auto base = ch.get("api_base"); !base.empty() && !protocol::parse_url(base))
      return bad("channel " + ch.name + ": api_base must be an http(s) URL");
    if (auto s = validate_templates(ch); !s) return s;
    if (ch.type == "email" && ch.get("address").empty() && !ch.lists.count("addresses"))
      return bad("channel " + ch.name + " needs address (or addresses = [...])");
    if (auto s = validate_imap(ch); !s) return s;
  }
  if (auto s = validate_webchat(c); !s) return s;
  if (auto hp = parse_host_port(c.http); !hp) return hp.error();
  std::map<std::string, std::string> owner;
  for (const auto& ch : c.channels) {
    for (const auto& a : support_addresses(ch)) {
      if (a.find('@') == std::string::npos) return bad("'" + a + "' is not an email address");
      if (auto [it, fresh] = owner.emplace(a, ch.name); !fresh && it->second != ch.name)
        return bad("address " + a + " belongs to two email channels");
    }
  }
  return ok();
}

Result<HostPort> parse_host_port(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("'" + s + "' is not HOST:PORT");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  long port = std::strtol(s.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == s.size())
    return bad("'" + s + "' has no valid port");
  return HostPort{host, static_cast<unsigned short>(port)};
}

}  // namespace touchpoint::server
