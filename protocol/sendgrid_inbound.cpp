#include "protocol/sendgrid_inbound.hpp"

#include <rapidjson/document.h>

#include "protocol/email_parse.hpp"
#include "protocol/json_read.hpp"
#include "protocol/mail_rebuild.hpp"

namespace touchpoint::protocol {
namespace {

std::string rebuild(const Form& form) {
  MailPieces p;
  p.headers = split_header_block(form.get("headers"));
  p.text = form.get("text");
  p.html = form.get("html");
  rapidjson::Document charsets;  // {"text":"iso-8859-1","html":"utf-8",...}
  std::string declared = form.get("charsets");
  charsets.Parse(declared.data(), declared.size());
  if (!charsets.HasParseError() && charsets.IsObject()) {
    if (std::string c = json::text(charsets, "text"); !c.empty()) p.text_charset = c;
    if (std::string c = json::text(charsets, "html"); !c.empty()) p.html_charset = c;
  }
  // attachment-info: {"attachment1": {"filename":..,"type":..,"content-id":..}}
  rapidjson::Document info;
  std::string described = form.get("attachment-info");
  info.Parse(described.data(), described.size());
  for (const auto& f : form.fields) {
    if (!f.is_file() || f.name.rfind("attachment", 0) != 0) continue;
    MailPieces::File file{f.filename, f.content_type, {}, f.value};
    if (!info.HasParseError() && info.IsObject())
      if (const auto* about = json::object(info, f.name.c_str())) {
        if (std::string name = json::text(*about, "filename"); !name.empty()) file.filename = name;
        if (std::string type = json::text(*about, "type"); !type.empty()) file.content_type = type;
        file.content_id = json::text(*about, "content-id");
      }
    p.files.push_back(std::move(file));
  }
  return rebuild_mail(p);
}

std::string envelope_from(const Form& form) {
  rapidjson::Document d;
  std::string envelope = form.get("envelope");
  d.Parse(envelope.data(), envelope.size());
  return d.HasParseError() ? std::string() : json::text(d, "from");
}

}  // namespace

Result<InboundContact> parse_sendgrid_inbound(const std::string& channel_name, const Form& form) {
  std::string raw = form.get("email");
  if (raw.empty()) {
    if (!form.find("headers"))
      return Error{Errc::bad_request, "neither email nor SendGrid's parsed headers are in the form"};
    raw = rebuild(form);
  }
  std::string mail_from = envelope_from(form);
  auto mail = parse_email(raw, mail_from.empty() ? form.get("from") : mail_from);
  return email_contact(channel_name, mail, std::move(raw));
}

}  // namespace touchpoint::protocol
