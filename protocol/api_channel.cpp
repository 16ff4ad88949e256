#include "protocol/api_channel.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/attachments_json.hpp"
#include "protocol/identity.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {

using Value = rapidjson::Value;

Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }

// Reads an optional string member. Fails when present with another type or over max bytes.
Result<std::optional<std::string>> optional_string(const Value& obj, const char* key,
                                                   std::size_t max_bytes) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<std::string>{};
  if (!it->value.IsString()) return bad(std::string(key) + " must be a string");
  if (it->value.GetStringLength() > max_bytes)
    return bad(std::string(key) + " is longer than " + std::to_string(max_bytes) + " bytes");
  return std::optional<std::string>{std::string(it->value.GetString(), it->value.GetStringLength())};
}


Status parse_from(std::string_view channel_name, const Value& doc, InboundContact& c) {
  auto it = doc.FindMember("from");
  if (it == doc.MemberEnd() || !it->value.IsObject()) return bad("from must be an object");
  const Value& from = it->value;
  auto id = optional_string(from, "id", kMaxExternalIdBytes);
  auto name = optional_string(from, "name", kMaxNameBytes);
  auto email = optional_string(from, "email", 254);
  auto phone = optional_string(from, "phone", 32);
  for (auto* r : {&id, &name, &email, &phone})
    if (!*r) return r->error();
  if (id.value() && !id.value()->empty())
    c.from.push_back({"api", std::string(channel_name) + ":" + *id.value()});
  if (email.value()) {
    auto e = normalize_email(*email.value());
    if (!e) return bad("from.email is not an email address");
    c.from.push_back({"email", *e});
  }
  if (phone.value()) {
    auto p = normalize_phone(*phone.value());
    if (!p) return bad("from.phone is not a phone number");
    c.from.push_back({"phone", *p});
  }
  if (c.from.empty()) return bad("from needs at least one of id, email, phone");
  c.from_name = name.value().value_or("");
  return ok();
}

Status parse_attachments(const Value& doc, InboundContact& c) {
  auto it = doc.FindMember("attachments");
  if (it == doc.MemberEnd()) return ok();
  auto files = read_attachments(it->value);
  if (!files) return files.error();
  c.attachments = std::move(files).value();
  return ok();
}

std::string default_subject(const std::string& text) {
  auto line = text.substr(0, text.find('\n'));
  if (line.size() <= 80) return line;
  std::size_t cut = 80;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 safe
  return line.substr(0, cut) + "…";
}

}  // namespace

Result<InboundContact> parse_api_message(std::string_view channel_name, std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError())
    return bad(std::string("body is not valid JSON: ") +
               rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return bad("body must be a JSON object");

  InboundContact c;
  c.channel_type = "api";
  c.channel_name = std::string(channel_name);

  auto message_id = optional_string(doc, "message_id", kMaxExternalIdBytes);
  if (!message_id) return message_id.error();
  if (!message_id.value() || message_id.value()->empty()) return bad("message_id is required");
  c.external_id = *message_id.value();

  auto thread = optional_string(doc, "thread", kMaxThreadBytes);
  auto subject = optional_string(doc, "subject", kMaxSubjectBytes);
  auto text = optional_string(doc, "text", body.size());
  auto html = optional_string(doc, "html", body.size());
  auto sent_at = optional_string(doc, "sent_at", 64);
  for (auto* r : {&thread, &subject, &text, &html, &sent_at})
    if (!*r) return r->error();

  if (auto s = parse_from(channel_name, doc, c); !s) return s.error();
  if (auto s = parse_attachments(doc, c); !s) return s.error();

  c.thread_key = thread.value().value_or("");
  c.text = text.value().value_or("");
  c.html = html.value();
  if (c.text.empty() && c.attachments.empty()) return bad("text is required");
  c.subject = subject.value() ? *subject.value() : default_subject(c.text);
  if (sent_at.value()) {
    c.sent_at = parse_rfc3339(*sent_at.value());
    if (!c.sent_at) return bad("sent_at must be an RFC 3339 time");
  }
  return c;
}

std::string encode_outbound(const OutboundItem& o) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("message_id");
  w.Int64(o.message_id);
  w.Key("ticket_id");
  w.Int64(o.ticket_id);
  w.Key("thread");
  if (o.thread.empty())
    w.Null();
  else
    str(o.thread);
  w.Key("to");
  w.StartObject();
  std::string own_prefix = o.channel_name + ":";
  for (const auto& id : o.to) {
    if (id.type == "api" && id.address.rfind(own_prefix, 0) == 0) {
      w.Key("id");
      str(std::string_view(id.address).substr(own_prefix.size()));
    } else if (id.type == "email" || id.type == "phone") {
      w.Key(id.type.c_str());
      str(id.address);
    }
  }
  w.EndObject();
  w.Key("text");
  str(o.body);
  // A survey's message says which survey and which step it is (the contract's surveys).
  if (!o.send_options.empty()) {
    rapidjson::Document options;
    options.Parse(o.send_options.data(), o.send_options.size());
    if (!options.HasParseError() && options.IsObject()) {
      auto it = options.FindMember("survey");
      if (it != options.MemberEnd() && it->value.IsObject()) {
        w.Key("survey");
        it->value.Accept(w);
      }
    }
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_ack(const Recorded& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(r.ticket_id);
  w.Key("message_id");
  w.Int64(r.message_id);
  w.Key("customer_id");
  w.Int64(r.customer_id);
  w.Key("duplicate");
  w.Bool(r.duplicate);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace touchpoint::protocol
