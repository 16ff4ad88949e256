#include "protocol/telegram_webhook.hpp"

#include "protocol/utf8.hpp"
#include "protocol/json_read.hpp"
#include "protocol/language.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {
using json::Value;
}

bool verify_telegram_secret(std::string_view configured, std::string_view header) {
  return !configured.empty() && constant_time_equals(configured, header);
}

bool valid_telegram_secret(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  for (char c : token)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

Result<WebhookBatch> parse_telegram_update(std::string_view channel_name, std::string_view raw_body) {
  std::string text = repair_utf8(raw_body);  // invalid bytes become U+FFFD, never stored
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject())
    return Error{Errc::bad_request, "the body is not a JSON object"};
  WebhookBatch out;
  bool edited = false;
  const Value* m = json::object(doc, "message");
  if (!m) {
    m = json::object(doc, "edited_message");
    edited = m != nullptr;
  }
  if (!m) return out;
  const Value* chat = json::object(*m, "chat");
  const Value* from = json::object(*m, "from");
  if (!chat || !from || json::text(*chat, "type") != "private" || json::flag(*from, "is_bot"))
    return out;
  std::string chat_id = json::text(*chat, "id"), message_id = json::text(*m, "message_id");
  std::string user_id = json::text(*from, "id");
  if (chat_id.empty() || message_id.empty() || user_id.empty()) return out;

  InboundContact c;
  c.channel_type = "telegram";
  c.channel_name = std::string(channel_name);
  // message_id is unique within a chat; an edit keeps it, so its time tells edits apart.
  c.external_id = chat_id + ":" + message_id;
  if (edited) c.external_id += ":edit:" + json::text(*m, "edit_date");
  c.thread_key = chat_id;
  c.from = {{"telegram", user_id}};
  c.from_name = json::text(*from, "first_name");
  if (auto last = json::text(*from, "last_name"); !last.empty())
    c.from_name += (c.from_name.empty() ? "" : " ") + last;
  if (c.from_name.empty()) c.from_name = json::text(*from, "username");
  c.language = language_tag(json::text(*from, "language_code"));
  c.sent_at = json::integer(*m, "date");

  c.text = json::text(*m, "text");
  if (c.text.empty()) c.text = json::text(*m, "caption");
  auto media = [&](const char* kind, const Value& v, std::string filename) {
    std::string line = "[" + std::string(kind) + (filename.empty() ? "" : ": " + filename) + "]";
    c.text = c.text.empty() ? line : line + " " + c.text;
    out.media.push_back({0, kind, json::text(v, "file_id"), json::text(v, "mime_type"),
                         std::move(filename)});
  };
  if (auto* photos = json::array(*m, "photo"); photos && !photos->Empty()) {
    // Sizes come smallest first; the largest is the photo as sent.
    media("image", (*photos)[photos->Size() - 1], "");
  }
  for (const char* kind : {"document", "video", "audio", "voice", "animation"})
    if (auto* v = json::object(*m, kind)) media(kind, *v, json::text(*v, "file_name"));
  if (auto* st = json::object(*m, "sticker")) c.text = "[sticker " + json::text(*st, "emoji") + "]";
  if (auto* loc = json::object(*m, "location"))
    c.text = location_text(json::number(*loc, "latitude").value_or(0),
                           json::number(*loc, "longitude").value_or(0), "", "");
  if (auto* ct = json::object(*m, "contact"))
    c.text = "Shared contact: " + json::text(*ct, "first_name") + " " + json::text(*ct, "last_name") +
             " " + json::text(*ct, "phone_number");
  if (c.text.empty()) return out;  // a service message (joined, pinned, ...): nothing to answer
  if (json::object(*m, "reply_to_message")) c.text = "(in reply to an earlier message)\n" + c.text;
  if (edited) c.text = "(edited) " + c.text;
  c.subject = subject_from_text(c.text);
  out.contacts.push_back(std::move(c));
  return out;
}

}  // namespace touchpoint::protocol
