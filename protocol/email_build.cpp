#include "protocol/email_build.hpp"

#include <gmime/gmime.h>

#include "protocol/ascii.hpp"
#include "protocol/gmime_support.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

std::string bracketed(const std::string& id) { return "<" + id + ">"; }

std::string html_of(const std::string& text) {
  char* escaped = g_markup_escape_text(text.c_str(), static_cast<gssize>(text.size()));
  std::string body(escaped);
  g_free(escaped);
  std::string out = "<!DOCTYPE html><html><body><div>";
  for (char c : body) {
    if (c == '\n')
      out += "<br>\n";
    else
      out += c;
  }
  return out + "</div></body></html>";
}

GMimeObject* text_part(const char* subtype, const std::string& content) {
  GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
  g_mime_text_part_set_charset(part, "utf-8");
  g_mime_text_part_set_text(part, content.c_str());
  g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT(part);
}

GMimeObject* file_part(const OutboundEmail::File& f) {
  GMimePart* part = g_mime_part_new();
  // A type we cannot parse would make GMime write a broken header: send those as bytes.
  Ref<GMimeContentType> declared(g_mime_content_type_parse(nullptr, f.content_type.c_str()));
  Ref<GMimeContentType> bytes(g_mime_content_type_new("application", "octet-stream"));
  bool usable = declared.p && f.content_type.find('/') != std::string::npos;
  g_mime_object_set_content_type(GMIME_OBJECT(part), usable ? declared.p : bytes.p);
  g_mime_part_set_filename(part, f.filename.c_str());  // also sets the disposition to attachment
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(f.data.data(), f.data.size()));
  Ref<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.p, GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, content.p);
  g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
  return GMIME_OBJECT(part);
}

}  // namespace

std::string build_email(const OutboundEmail& mail) {
  ensure_gmime();
  GMimeMessage* m = g_mime_message_new(TRUE);
  g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, mail.from_name.c_str(), mail.from_address.c_str());
  g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, mail.to_name.c_str(), mail.to_address.c_str());
  g_mime_message_set_subject(m, mail.subject.c_str(), "utf-8");
  g_mime_message_set_message_id(m, mail.message_id.c_str());
  GDateTime* date = g_date_time_new_from_unix_utc(mail.date);
  g_mime_message_set_date(m, date);
  g_date_time_unref(date);
  GMimeObject* o = GMIME_OBJECT(m);
  if (!mail.in_reply_to.empty())
    g_mime_object_set_header(o, "In-Reply-To", bracketed(mail.in_reply_to).c_str(), nullptr);
  if (!mail.references.empty()) {
    std::string refs;
    for (const auto& r : mail.references) refs += (refs.empty() ? "" : " ") + bracketed(r);
    g_mime_object_set_header(o, "References", refs.c_str(), nullptr);
  }
  if (mail.automatic) {  // RFC 3834: never answered automatically, and Exchange holds its OOF
    g_mime_object_set_header(o, "Auto-Submitted", "auto-replied", nullptr);
    g_mime_object_set_header(o, "X-Auto-Response-Suppress", "All", nullptr);
  }
  GMimeMultipart* alternative = g_mime_multipart_new_with_subtype("alternative");
  GMimeObject* plain = text_part("plain", mail.text);
  GMimeObject* html = text_part("html", html_of(mail.text));
  g_mime_multipart_add(alternative, plain);
  g_mime_multipart_add(alternative, html);
  g_object_unref(plain);
  g_object_unref(html);
  if (mail.files.empty()) {
    g_mime_message_set_mime_part(m, GMIME_OBJECT(alternative));
  } else {
    GMimeMultipart* mixed = g_mime_multipart_new_with_subtype("mixed");
    g_mime_multipart_add(mixed, GMIME_OBJECT(alternative));
    for (const auto& f : mail.files) {
      GMimeObject* part = file_part(f);
      g_mime_multipart_add(mixed, part);
      g_object_unref(part);
    }
    g_mime_message_set_mime_part(m, GMIME_OBJECT(mixed));
    g_object_unref(mixed);
  }
  g_object_unref(alternative);

  GMimeFormatOptions* format = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
  char* bytes = g_mime_object_to_string(o, format);
  std::string out(bytes ? bytes : "");
  g_free(bytes);
  g_mime_format_options_free(format);
  g_object_unref(m);
  return out;
}

std::string reply_subject(int64_t ticket_id, std::string_view subject) {
  std::string s(subject);
  std::string token = "[#" + std::to_string(ticket_id) + "]";
  if (auto at = s.find(token); at != std::string::npos) {
    s.erase(at, token.size());
  }
  // Strip any number of leading reply prefixes (Re:, RE:, Aw:, R:, Rif:) and spaces.
  bool stripped = true;
  while (stripped) {
    stripped = false;
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    for (std::string_view prefix : {"re:", "aw:", "r:", "rif:", "odp:", "sv:"}) {
      if (s.size() >= prefix.size()) {
        if (ascii_lower(s.substr(0, prefix.size())) == prefix) {
          s.erase(0, prefix.size());
          stripped = true;
        }
      }
    }
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return "Re: " + token + (s.empty() ? "" : " " + s);
}

std::string our_message_id(int64_t ticket_id, int64_t message_id, std::string_view secret,
                           std::string_view domain) {
  std::string local = "tp." + std::to_string(ticket_id) + "." + std::to_string(message_id);
  return local + "." + hmac_sha256_hex(secret, local).substr(0, 16) + "@" + std::string(domain);
}

DeliveryOutcome smtp_submission_outcome(bool accepted, int code, std::string_view reply,
                                        std::string_view error, std::string_view message_id) {
  if (accepted) return {DeliveryKind::sent, std::string(message_id), ""};
  std::string words = reply.empty() ? std::string(error) : std::string(reply);
  if (code >= 500 && code < 600) return {DeliveryKind::failed, "", words};
  return {DeliveryKind::retry, "", words.empty() ? "no answer from the SMTP server" : words};
}

}  // namespace touchpoint::protocol
