#include "protocol/mailgun_inbound.hpp"

#include <rapidjson/document.h>

#include <charconv>

#include "protocol/email_parse.hpp"
#include "protocol/mail_rebuild.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

// Headers as Mailgun lists them in message-headers ([[name, value], ...], in order), else the
// few it always posts as fields of their own.
std::vector<std::pair<std::string, std::string>> headers_of(const Form& form) {
  std::vector<std::pair<std::string, std::string>> out;
  rapidjson::Document d;
  std::string listed = form.get("message-headers");
  d.Parse(listed.data(), listed.size());
  if (!d.HasParseError() && d.IsArray())
    for (const auto& pair : d.GetArray())
      if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString())
        out.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                         std::string(pair[1].GetString(), pair[1].GetStringLength()));
  if (!out.empty()) return out;
  for (const char* name : {"From", "To", "Cc", "Subject", "Date", "Message-Id", "In-Reply-To",
                           "References", "Auto-Submitted", "Precedence", "List-Id", "X-Autoreply"}) {
    std::string value = form.get(name);
    if (value.empty() && std::string_view(name) == "From") value = form.get("from");
    if (value.empty() && std::string_view(name) == "Subject") value = form.get("subject");
    if (!value.empty()) out.emplace_back(name, value);
  }
  return out;
}

std::string rebuild(const Form& form) {
  MailPieces p;
  p.headers = headers_of(form);
  p.text = form.get("body-plain");
  p.html = form.get("body-html");
  // content-id-map: {"<cid>": "attachment-1"} names the inline images.
  rapidjson::Document cids;
  std::string map = form.get("content-id-map");
  cids.Parse(map.data(), map.size());
  for (const auto& f : form.fields) {
    if (!f.is_file() || f.name.rfind("attachment-", 0) != 0) continue;
    std::string cid;
    if (!cids.HasParseError() && cids.IsObject())
      for (const auto& m : cids.GetObject())
        if (m.value.IsString() && f.name == m.value.GetString()) cid = m.name.GetString();
    p.files.push_back({f.filename, f.content_type, cid, f.value});
  }
  return rebuild_mail(p);
}

}  // namespace

std::string check_mailgun_signature(std::string_view signing_key, const Form& form, int64_t now) {
  if (signing_key.empty()) return "the channel has no mailgun_signing_key";
  std::string timestamp = form.get("timestamp"), token = form.get("token");
  int64_t at = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), at);
  if (timestamp.empty() || token.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size())
    return "missing timestamp, token or signature";
  if (!constant_time_equals(form.get("signature"), hmac_sha256_hex(signing_key, timestamp + token)))
    return "wrong signature";
  if (at < now - kMailgunFreshnessSeconds || at > now + kMailgunFreshnessSeconds)
    return "the signed timestamp is not within 5 minutes of now";
  return {};
}

Result<InboundContact> parse_mailgun_inbound(const std::string& channel_name, const Form& form) {
  std::string raw = form.get("body-mime");
  if (raw.empty()) {
    if (!form.find("body-plain") && !form.find("message-headers") && !form.find("from"))
      return Error{Errc::bad_request, "neither body-mime nor Mailgun's parsed fields are in the form"};
    raw = rebuild(form);
  }
  std::string sender = form.get("sender");
  auto mail = parse_email(raw, sender.empty() ? form.get("from") : sender);
  return email_contact(channel_name, mail, std::move(raw));
}

}  // namespace touchpoint::protocol
