#include "protocol/postmark_inbound.hpp"

#include <rapidjson/document.h>

#include "protocol/base64.hpp"
#include "protocol/email_parse.hpp"
#include "protocol/json_read.hpp"
#include "protocol/mail_rebuild.hpp"

namespace touchpoint::protocol {
namespace {

std::string rebuild(const rapidjson::Value& d) {
  MailPieces p;
  std::string from_name, from_email;
  if (const auto* f = json::object(d, "FromFull")) {
    from_name = json::text(*f, "Name");
    from_email = json::text(*f, "Email");
  }
  if (from_email.empty()) from_email = json::text(d, "From");
  if (from_name.empty()) from_name = json::text(d, "FromName");
  p.headers = {{"From", mailbox(from_name, from_email)},
               {"To", json::text(d, "To")},
               {"Cc", json::text(d, "Cc")},
               {"Reply-To", json::text(d, "ReplyTo")},
               {"Subject", json::text(d, "Subject")},
               {"Date", json::text(d, "Date")}};
  if (const auto* headers = json::array(d, "Headers"))
    for (const auto& x : headers->GetArray()) p.headers.emplace_back(json::text(x, "Name"), json::text(x, "Value"));
  p.text = json::text(d, "TextBody");
  p.html = json::text(d, "HtmlBody");
  if (const auto* files = json::array(d, "Attachments"))
    for (const auto& a : files->GetArray()) {
      auto bytes = base64_decode(json::text(a, "Content"));
      if (!bytes) continue;  // never half a file
      p.files.push_back({json::text(a, "Name"), json::text(a, "ContentType"), json::text(a, "ContentID"),
                         std::move(*bytes)});
    }
  return rebuild_mail(p);
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
