#include "protocol/meta_webhook.hpp"

#include "protocol/utf8.hpp"
#include "protocol/identity.hpp"
#include "protocol/json_read.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

using json::Value;

Result<rapidjson::Document> parse_json(std::string_view raw) {
  // Checked for UTF-8 before parsing: invalid bytes can only sit inside strings, and become
  // U+FFFD there, so nothing invalid reaches the store.
  std::string text = repair_utf8(raw);
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject())
    return Error{Errc::bad_request, "the body is not a JSON object"};
  return doc;
}

template <class F>
void each(const Value& v, const char* key, F&& f) {
  if (auto* a = json::array(v, key))
    for (const auto& item : a->GetArray()) f(item);
}

// "[image] caption" etc.: what the agent reads while the file itself is fetched.
std::string media_line(std::string_view kind, std::string_view caption, std::string_view filename) {
  std::string out = "[" + std::string(kind);
  if (!filename.empty()) out += ": " + std::string(filename);
  out += "]";
  if (!caption.empty()) out += " " + std::string(caption);
  return out;
}

std::string graph_error_text(const Value& err) {
  std::string out = json::text(err, "code");
  std::string title = json::text(err, "title");
  if (title.empty()) title = json::text(err, "message");
  if (!title.empty()) out += (out.empty() ? "" : ": ") + title;
  if (auto* data = json::object(err, "error_data")) {
    std::string details = json::text(*data, "details");
    if (!details.empty()) out += " (" + details + ")";
  }
  return out.empty() ? "the provider reported a failure" : out;
}

// One WhatsApp message → one contact (and maybe one media reference).
void whatsapp_message(const Value& m, std::string_view channel_name,
                      const std::map<std::string, std::string>& names, WebhookBatch& out) {
  std::string id = json::text(m, "id");
  std::string from = json::text(m, "from");
  std::string user_id = json::text(m, "from_user_id");
  if (id.empty() || (from.empty() && user_id.empty())) return;
  std::string type = json::text(m, "type");
  if (type == "reaction" || type == "ephemeral") return;  // not a message to answer

  InboundContact c;
  c.channel_type = "whatsapp";
  c.channel_name = std::string(channel_name);
  c.external_id = id;
  if (!from.empty()) {
    auto phone = normalize_phone(from);
    if (!phone) return;
    c.from = {{"whatsapp", *phone}, {"phone", *phone}};
    c.thread_key = from;  // the wa_id: where replies go
  } else {
    c.from = {{"whatsapp", user_id}};
    c.thread_key = user_id;  // a business-scoped user id
  }
  if (auto it = names.find(from.empty() ? user_id : from); it != names.end()) c.from_name = it->second;
  c.sent_at = json::integer(m, "timestamp");

  const Value* body = json::object(m, type.c_str());
  if (type == "text" && body) {
    c.text = json::text(*body, "body");
  } else if ((type == "image" || type == "video" || type == "audio" || type == "document" ||
              type == "sticker") && body) {
    std::string filename = json::text(*body, "filename");
    c.text = media_line(type, json::text(*body, "caption"), filename);
    out.media.push_back({out.contacts.size(), type, json::text(*body, "id"),
                         json::text(*body, "mime_type"), filename});
  } else if (type == "location" && body) {
    c.text = location_text(json::number(*body, "latitude").value_or(0),
                           json::number(*body, "longitude").value_or(0),
                           json::text(*body, "name"), json::text(*body, "address"));
  } else if (type == "contacts") {
    c.text = "Shared contact:";
    each(m, "contacts", [&](const Value& card) {
      if (auto* n = json::object(card, "name")) c.text += " " + json::text(*n, "formatted_name");
      each(card, "phones", [&](const Value& p) { c.text += " " + json::text(p, "phone"); });
    });
  } else if (type == "button" && body) {
    c.text = json::text(*body, "text");
  } else if (type == "interactive" && body) {
    for (const char* k : {"button_reply", "list_reply"})
      if (auto* r = json::object(*body, k)) c.text = json::text(*r, "title");
  } else {
    c.text = "[a " + (type.empty() ? std::string("message") : type) +
             " this channel cannot show; open it in WhatsApp]";
  }
  if (auto* ctx = json::object(m, "context"); ctx && !json::text(*ctx, "id").empty())
    c.text = "(in reply to an earlier message)\n" + c.text;
  c.subject = subject_from_text(c.text);
  out.contacts.push_back(std::move(c));
}

void whatsapp_status(const Value& s, WebhookBatch& out) {
  DeliveryReceipt r{json::text(s, "id"), json::text(s, "status"), ""};
  if (r.status == "played") r.status = "read";
  if (r.provider_id.empty() ||
      (r.status != "sent" && r.status != "delivered" && r.status != "read" && r.status != "failed"))
    return;
  if (r.status == "failed") {
    r.error = "the provider reported a failure";
    if (auto* errs = json::array(s, "errors"); errs && !errs->Empty())
      r.error = graph_error_text((*errs)[0]);
  }
  out.receipts.push_back(std::move(r));
}

}  // namespace

std::optional<std::string> meta_handshake(const std::map<std::string, std::string>& query,
                                          std::string_view verify_token) {
  auto mode = query.find("hub.mode"), token = query.find("hub.verify_token"),
       challenge = query.find("hub.challenge");
  if (mode == query.end() || token == query.end() || challenge == query.end()) return std::nullopt;
  if (mode->second != "subscribe" || verify_token.empty() ||
      !constant_time_equals(token->second, verify_token))
    return std::nullopt;
  if (challenge->second.empty() || challenge->second.size() > 256) return std::nullopt;
  return challenge->second;
}

bool verify_meta_signature(std::string_view app_secret, std::string_view raw_body,
                           std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (app_secret.empty() || header.substr(0, kPrefix.size()) != kPrefix) return false;
  return constant_time_equals(header.substr(kPrefix.size()), hmac_sha256_hex(app_secret, raw_body));
}

Result<WebhookBatch> parse_whatsapp_webhook(std::string_view channel_name,
                                            std::string_view phone_number_id,
                                            std::string_view raw_body) {
  auto doc = parse_json(raw_body);
  if (!doc) return doc.error();
  WebhookBatch out;
  if (json::text(*doc, "object") != "whatsapp_business_account") return out;
  each(*doc, "entry", [&](const Value& entry) {
    each(entry, "changes", [&](const Value& change) {
      const Value* value = json::object(change, "value");
      if (json::text(change, "field") != "messages" || !value) return;
      const Value* meta = json::object(*value, "metadata");
      if (!meta || json::text(*meta, "phone_number_id") != phone_number_id) return;
      std::map<std::string, std::string> names;
      each(*value, "contacts", [&](const Value& contact) {
        std::string name;
        if (auto* p = json::object(contact, "profile")) name = json::text(*p, "name");
        for (const char* k : {"wa_id", "user_id"})
          if (auto key = json::text(contact, k); !key.empty()) names[key] = name;
      });
      each(*value, "messages", [&](const Value& m) { whatsapp_message(m, channel_name, names, out); });
      each(*value, "statuses", [&](const Value& s) { whatsapp_status(s, out); });
    });
  });
  return out;
}

Result<WebhookBatch> parse_meta_messaging_webhook(std::string_view channel_type,
                                                  std::string_view channel_name,
                                                  std::string_view page_id,
                                                  std::string_view raw_body) {
  auto doc = parse_json(raw_body);
  if (!doc) return doc.error();
  WebhookBatch out;
  if (json::text(*doc, "object") != (channel_type == "instagram" ? "instagram" : "page")) return out;
  each(*doc, "entry", [&](const Value& entry) {
    if (json::text(entry, "id") != page_id) return;
    each(entry, "messaging", [&](const Value& ev) {
      const Value* sender = json::object(ev, "sender");
      std::string psid = sender ? json::text(*sender, "id") : "";
      if (psid.empty() || psid == page_id) return;
      if (auto* d = json::object(ev, "delivery")) {
        each(*d, "mids", [&](const Value& mid) {
          if (mid.IsString()) out.receipts.push_back({mid.GetString(), "delivered", ""});
        });
        return;
      }
      if (auto* r = json::object(ev, "read")) {
        if (auto mid = json::text(*r, "mid"); !mid.empty())  // Instagram names the message
          out.receipts.push_back({mid, "read", ""});
        else if (auto w = json::integer(*r, "watermark"))  // Messenger: all up to a time
          out.reads.push_back({psid, *w / 1000});
        return;
      }
      const Value* m = json::object(ev, "message");
      const Value* postback = json::object(ev, "postback");
      if ((!m && !postback) || (m && json::flag(*m, "is_echo"))) return;
      InboundContact c;
      std::vector<MediaRef> media;
      c.channel_type = std::string(channel_type);
      c.channel_name = std::string(channel_name);
      c.from = {{std::string(channel_type), psid}};
      c.thread_key = psid;
      if (auto ts = json::integer(ev, "timestamp")) c.sent_at = *ts / 1000;
      if (m) {
        c.external_id = json::text(*m, "mid");
        c.text = json::text(*m, "text");
        each(*m, "attachments", [&](const Value& a) {
          std::string type = json::text(a, "type");
          const Value* payload = json::object(a, "payload");
          std::string url = payload ? json::text(*payload, "url") : "";
          if (type == "location" && payload) {
            if (auto* co = json::object(*payload, "coordinates"))
              c.text += (c.text.empty() ? "" : "\n") +
                        location_text(json::number(*co, "lat").value_or(0),
                                      json::number(*co, "long").value_or(0), "", "");
            return;
          }
          c.text += (c.text.empty() ? "" : "\n") + media_line(type.empty() ? "file" : type, "", "");
          if (!url.empty()) media.push_back({out.contacts.size(), type, url, "", ""});
        });
        if (auto* reply = json::object(*m, "reply_to"); reply && !json::text(*reply, "mid").empty())
          c.text = "(in reply to an earlier message)\n" + c.text;
      } else {
        // A button press: the title is what the customer saw and chose.
        c.external_id = json::text(*postback, "mid");
        if (c.external_id.empty())
          c.external_id = "postback:" + psid + ":" + json::text(ev, "timestamp");
        c.text = json::text(*postback, "title");
      }
      if (c.external_id.empty()) return;
      c.subject = subject_from_text(c.text);
      out.contacts.push_back(std::move(c));
      out.media.insert(out.media.end(), media.begin(), media.end());
    });
  });
  return out;
}

}  // namespace touchpoint::protocol
