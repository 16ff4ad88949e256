#include "protocol/reply_rules.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

namespace touchpoint::protocol {
namespace {

constexpr int64_t kDay = 24 * 3600;
constexpr std::size_t kCaptionCharacters = 1024;  // WhatsApp's and Telegram's, alike

Error unprocessable(std::string why) { return Error{Errc::unprocessable, std::move(why)}; }
Error bad_request(std::string why) { return Error{Errc::bad_request, std::move(why)}; }

bool twilio_whatsapp(std::string_view channel_type, std::string_view thread) {
  return channel_type == "twilio" && thread.substr(0, 9) == "whatsapp:";
}

bool windowed(std::string_view channel_type, std::string_view thread) {
  return channel_type == "whatsapp" || channel_type == "messenger" ||
         channel_type == "instagram" || twilio_whatsapp(channel_type, thread);
}

bool inside(std::optional<int64_t> last_inbound_at, int64_t now, int64_t window) {
  return last_inbound_at && now - *last_inbound_at <= window;
}

Status check_length(std::string_view channel_type, std::string_view body) {
  std::size_t limit = channel_type == "whatsapp"    ? 4096
                      : channel_type == "messenger" ? 2000
                      : channel_type == "instagram" ? 1000
                      : channel_type == "telegram"  ? 4096
                      : channel_type == "twilio"    ? 1600
                                                    : 0;
  if (!limit) return ok();
  std::size_t n = count_characters(body);
  if (n <= limit) return ok();
  return unprocessable(std::string(channel_type) + " takes at most " + std::to_string(limit) +
                       " characters in one message; this reply has " + std::to_string(n) +
                       ". Shorten it or send it in parts.");
}

// Email sends every file after the text. WhatsApp, Telegram and Twilio send one file per
// message, with the reply's text: as its caption on WhatsApp and Telegram, beside it on Twilio
// (MMS, or WhatsApp through Twilio). The others take no files from us yet.
Status check_files(std::string_view channel_type, std::string_view thread, const AgentMessage& m) {
  if (m.attachments.empty() || channel_type == "email") return ok();
  std::string name = channel_type == "whatsapp"   ? "WhatsApp"
                     : channel_type == "telegram" ? "Telegram"
                     : channel_type == "twilio"   ? "Twilio"
                                                  : "";
  if (name.empty())
    return unprocessable("replies on " + std::string(channel_type) +
                         " cannot carry files yet; attach them to an internal note");
  if (m.attachments.size() > 1)
    return unprocessable(name + " sends one file per message: attach one, and send the others "
                                "in more replies");
  if (channel_type == "twilio") {
    // Twilio's own limits on what it fetches: 5 MB for an MMS, 16 MB on WhatsApp.
    std::size_t limit = (twilio_whatsapp(channel_type, thread) ? 16 : 5) * 1024 * 1024;
    std::size_t size = m.attachments.front().data.size();
    if (size > limit)
      return unprocessable("Twilio sends at most " + std::to_string(limit >> 20) + " MB of media " +
                           (twilio_whatsapp(channel_type, thread) ? "on WhatsApp" : "in an MMS") +
                           "; this file has " + std::to_string((size + (1 << 20) - 1) >> 20) + " MB");
    return ok();
  }
  std::size_t n = count_characters(m.body);
  if (n > kCaptionCharacters)
    return unprocessable(name + " takes at most 1024 characters as a file's caption; this reply has " +
                         std::to_string(n) + ". Send the text as a reply of its own.");
  return ok();
}

// Meta's own limits on a template parameter (error 132018 otherwise).
Status check_parameter(std::size_t index, std::string_view p) {
  std::string where = "parameter " + std::to_string(index + 1);
  if (p.empty()) return bad_request(where + " is empty");
  if (p.find_first_of("\n\t") != std::string_view::npos)
    return unprocessable(where + " holds a new line or tab, which WhatsApp refuses in a template");
  if (p.find("     ") != std::string_view::npos)
    return unprocessable(where + " holds more than four spaces in a row, which WhatsApp refuses");
  return ok();
}

std::string render(std::string_view text, const std::vector<std::string>& params) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      std::size_t close = text.find("}}", i + 2);
      if (close != std::string_view::npos) {
        std::string_view digits = text.substr(i + 2, close - i - 2);
        int n = 0;
        bool number = !digits.empty() && digits.size() < 4;
        for (char c : digits) number = number && c >= '0' && c <= '9', n = n * 10 + (c - '0');
        if (number && n >= 1 && static_cast<std::size_t>(n) <= params.size()) {
          out += params[static_cast<std::size_t>(n - 1)];
          i = close + 2;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

Result<const ReplyTemplate*> find_template(const AgentMessage& m,
                                           const std::vector<ReplyTemplate>& templates) {
  std::vector<const ReplyTemplate*> named;
  for (const auto& t : templates)
    if (t.name == m.template_name) named.push_back(&t);
  if (named.empty())
    return unprocessable("this channel has no template named '" + m.template_name +
                         "'; an admin configures the approved ones");
  if (!m.template_language.empty()) {
    for (const auto* t : named)
      if (t->language == m.template_language) return t;
    return unprocessable("template '" + m.template_name + "' has no language '" +
                         m.template_language + "'");
  }
  if (named.size() > 1) {
    std::string langs;
    for (const auto* t : named) langs += (langs.empty() ? "" : ", ") + t->language;
    return unprocessable("template '" + m.template_name + "' exists in " + langs +
                         "; say which with template_language");
  }
  return named.front();
}

std::string template_options(const ReplyTemplate& t, const std::vector<std::string>& params) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("template");
  w.StartObject();
  w.Key("name");
  str(t.name);
  w.Key("language");
  str(t.language);
  if (!t.content_sid.empty()) {
    w.Key("content_sid");
    str(t.content_sid);
  }
  w.Key("parameters");
  w.StartArray();
  for (const auto& p : params) str(p);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Result<PreparedReply> prepare_template(std::string_view channel_type, const AgentMessage& m,
                                       const std::vector<ReplyTemplate>& templates) {
  if (channel_type != "whatsapp" && channel_type != "twilio")
    return unprocessable("templates are sent on WhatsApp channels (Cloud API or Twilio) only");
  if (!m.body.empty()) return bad_request("send either body or template, not both");
  auto t = find_template(m, templates);
  if (!t) return t.error();
  const ReplyTemplate& tpl = *t.value();
  auto wanted = static_cast<std::size_t>(template_parameter_count(tpl.text));
  if (m.parameters.size() != wanted)
    return unprocessable("template '" + tpl.name + "' takes " + std::to_string(wanted) +
                         " parameter(s); " + std::to_string(m.parameters.size()) + " given");
  for (std::size_t i = 0; i < m.parameters.size(); ++i)
    if (auto s = check_parameter(i, m.parameters[i]); !s) return s.error();
  PreparedReply r{render(tpl.text, m.parameters), template_options(tpl, m.parameters)};
  if (auto s = check_length(channel_type, r.body); !s) return s.error();
  return r;
}

constexpr std::array<std::string_view, 3> kMessengerUpdateTags = {
    "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE", "CONFIRMED_EVENT_UPDATE"};

Result<PreparedReply> prepare_tagged(std::string_view channel_type, const AgentMessage& m,
                                     std::optional<int64_t> last_inbound_at, int64_t now) {
  if (channel_type != "messenger" && channel_type != "instagram")
    return unprocessable("message tags are for Messenger and Instagram channels only");
  bool human_agent = m.tag == "HUMAN_AGENT";
  bool update = false;
  for (auto t : kMessengerUpdateTags) update = update || m.tag == t;
  if (!human_agent && !(update && channel_type == "messenger"))
    return bad_request(channel_type == "instagram"
                           ? "Instagram takes only the HUMAN_AGENT tag"
                           : "tag must be HUMAN_AGENT, ACCOUNT_UPDATE, POST_PURCHASE_UPDATE or "
                             "CONFIRMED_EVENT_UPDATE");
  if (auto s = check_length(channel_type, m.body); !s) return s.error();
  // HUMAN_AGENT reaches 7 days after the customer's last message; update tags are not timed.
  if (human_agent && !inside(last_inbound_at, now, 7 * kDay))
    return unprocessable("the customer's last message is more than 7 days old: even the "
                         "HUMAN_AGENT tag no longer reaches them; the conversation reopens when "
                         "the customer writes again");
  return PreparedReply{m.body, R"({"tag":")" + m.tag + R"("})"};
}

}  // namespace

std::size_t count_characters(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

int template_parameter_count(std::string_view text) {
  int highest = 0;
  for (std::size_t i = text.find("{{"); i != std::string_view::npos; i = text.find("{{", i + 2)) {
    std::size_t close = text.find("}}", i + 2);
    if (close == std::string_view::npos) break;
    std::string_view digits = text.substr(i + 2, close - i - 2);
    if (digits.empty() || digits.size() > 3) continue;
    int n = 0;
    bool number = true;
    for (char c : digits) number = number && c >= '0' && c <= '9', n = n * 10 + (c - '0');
    if (number && n > highest) highest = n;
  }
  return highest;
}

Status check_reply(std::string_view channel_type, std::string_view thread, std::string_view body,
                   std::optional<int64_t> last_inbound_at, int64_t now) {
  if (auto s = check_length(channel_type, body); !s) return s;
  if (windowed(channel_type, thread) && !inside(last_inbound_at, now, kDay)) {
    bool whatsapp = channel_type == "whatsapp" || twilio_whatsapp(channel_type, thread);
    return unprocessable(
        std::string("the customer's last message is more than 24 hours old: ") +
        (whatsapp ? "WhatsApp only delivers an approved template now (send one with template)"
                  : "Meta only delivers a tagged message now (tag HUMAN_AGENT reaches 7 days)") +
        "; the conversation reopens when the customer writes again");
  }
  return ok();
}

Result<PreparedReply> prepare_reply(std::string_view channel_type, std::string_view thread,
                                    const AgentMessage& m,
                                    const std::vector<ReplyTemplate>& templates,
                                    std::optional<int64_t> last_inbound_at, int64_t now) {
  bool special = !m.template_name.empty() || !m.tag.empty();
  if (m.internal) {
    if (special) return bad_request("an internal note has no template or tag");
    return PreparedReply{m.body, ""};
  }
  if (!m.template_name.empty() && !m.tag.empty())
    return bad_request("send either a template or a tag, not both");
  if (!m.attachments.empty() && !m.template_name.empty())
    return bad_request("a template carries no files");
  if (auto s = check_files(channel_type, thread, m); !s) return s.error();
  if (!m.template_name.empty()) return prepare_template(channel_type, m, templates);
  if (!m.tag.empty()) return prepare_tagged(channel_type, m, last_inbound_at, now);
  if (auto s = check_reply(channel_type, thread, m.body, last_inbound_at, now); !s) return s.error();
  return PreparedReply{m.body, ""};
}

}  // namespace touchpoint::protocol
