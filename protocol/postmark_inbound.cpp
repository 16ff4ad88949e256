#include "protocol/postmark_inbound.hpp"

#include <rapidjson/document.h>

#include "protocol/email_parse.hpp"
#include "protocol/json_read.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

// A header value as one line: a CR or LF in a field must never start a header of its own.
std::string one_line(std::string v) {
  for (auto& c : v)
    if (c == '\r' || c == '\n') c = ' ';
  return v;
}

std::string rebuild(const rapidjson::Value& d) {
  std::string h;
  auto add = [&h](std::string_view name, const std::string& value) {
    if (!value.empty()) h += std::string(name) + ": " + one_line(value) + "\r\n";
  };
  std::string from_name, from_email;
  if (const auto* f = json::object(d, "FromFull")) {
    from_name = json::text(*f, "Name");
    from_email = json::text(*f, "Email");
  }
  if (from_email.empty()) from_email = json::text(d, "From");
  if (from_name.empty()) from_name = json::text(d, "FromName");
  std::string quoted;
  for (char c : from_name)
    if (c != '"' && c != '\\') quoted += c;
  add("From", quoted.empty() ? "<" + from_email + ">" : "\"" + quoted + "\" <" + from_email + ">");
  add("To", json::text(d, "To"));
  add("Cc", json::text(d, "Cc"));
  add("Reply-To", json::text(d, "ReplyTo"));
  add("Subject", json::text(d, "Subject"));
  add("Date", json::text(d, "Date"));
  if (const auto* headers = json::array(d, "Headers"))
    for (const auto& x : headers->GetArray()) {
      std::string name = json::text(x, "Name");
      bool token = !name.empty() && name.size() < 100;
      for (char c : name) token = token && c > 32 && c < 127 && c != ':';
      if (token) add(name, json::text(x, "Value"));
    }
  std::string text = json::text(d, "TextBody"), html = json::text(d, "HtmlBody");
  std::string boundary = "tp-" + sha256_hex(text + html).substr(0, 24);
  std::string body = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  body += "--" + boundary + "\r\nContent-Type: multipart/alternative; boundary=\"" + boundary + "a\"\r\n\r\n";
  body += "--" + boundary + "a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text + "\r\n";
  if (!html.empty())
    body += "--" + boundary + "a\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + html + "\r\n";
  body += "--" + boundary + "a--\r\n";
  if (const auto* files = json::array(d, "Attachments"))
    for (const auto& a : files->GetArray()) {
      std::string name = one_line(json::text(a, "Name"));
      std::string quoted_name;
      for (char c : name)
        if (c != '"' && c != '\\') quoted_name += c;
      std::string type = one_line(json::text(a, "ContentType"));
      body += "--" + boundary + "\r\nContent-Type: " + (type.empty() ? "application/octet-stream" : type) +
              "\r\nContent-Disposition: attachment; filename=\"" + quoted_name +
              "\"\r\nContent-Transfer-Encoding: base64\r\n";
      if (std::string cid = one_line(json::text(a, "ContentID")); !cid.empty()) body += "Content-ID: <" + cid + ">\r\n";
      body += "\r\n" + json::text(a, "Content") + "\r\n";
    }
  body += "--" + boundary + "--\r\n";
  return h + body;
}

}  // namespace

Result<InboundContact> parse_postmark_inbound(const std::string& channel_name, std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject())
    return Error{Errc::bad_request, "the body is not Postmark's inbound JSON"};
  std::string raw = json::text(d, "RawEmail");
  if (raw.empty()) raw = rebuild(d);
  std::string from = json::text(d, "From");
  auto mail = parse_email(raw, from);
  auto contact = email_contact(channel_name, mail, raw);
  // Without a Message-ID, Postmark's own id is stable across its retries.
  if (mail.message_id.empty())
    if (std::string id = json::text(d, "MessageID"); !id.empty()) contact.external_id = "postmark:" + id;
  return contact;
}

}  // namespace touchpoint::protocol
