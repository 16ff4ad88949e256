// parse_email with GMime 3. GMime objects are reference counted GObjects: every one made here
// is released by a Ref guard, so no early return leaks.
#include "protocol/email_parse.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>

#include "protocol/ascii.hpp"
#include "protocol/gmime_support.hpp"
#include "protocol/identity.hpp"
#include "protocol/mail_rebuild.hpp"
#include "protocol/signature.hpp"
#include "protocol/time.hpp"
#include "protocol/utf8.hpp"

namespace touchpoint::protocol {
namespace {

constexpr const char* kEmptyReturnPath = "an empty return path (MAIL FROM:<>)";

// Bytes in an unknown or lying charset to valid UTF-8: as they are when valid, else as
// windows-1252 (what unlabelled Western mail almost always is), else with U+FFFD.
std::string valid_utf8(std::string s) {
  if (is_valid_utf8(s)) return s;  // not g_utf8_validate: it calls a NUL invalid
  gsize written = 0;
  GFreeString converted(g_convert(s.data(), static_cast<gssize>(s.size()), "UTF-8", "WINDOWS-1252",
                                  nullptr, &written, nullptr));
  if (converted.p) return std::string(converted.p, written);
  return repair_utf8(s);
}

std::string header(GMimeObject* o, const char* name) {
  const char* v = g_mime_object_get_header(o, name);
  return v ? std::string(v) : std::string();
}

void addresses(InternetAddressList* list, std::vector<std::string>& out, std::string* first_name) {
  if (!list) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out, first_name);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
      if (!addr || !*addr) continue;
      if (first_name && out.empty()) {
        const char* name = internet_address_get_name(ia);
        *first_name = name ? valid_utf8(name) : std::string();
      }
      out.push_back(ascii_lower(addr));
    }
  }
}

std::vector<std::string> message_ids(const std::string& value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  GMimeReferences* refs = g_mime_references_parse(nullptr, value.c_str());
  if (!refs) return out;
  int n = g_mime_references_length(refs);
  for (int i = 0; i < n; ++i)
    if (const char* id = g_mime_references_get_message_id(refs, i)) out.emplace_back(id);
  g_mime_references_free(refs);
  return out;
}

// A part's text as UTF-8, every byte of it. Converted here from the declared charset rather
// than by g_mime_text_part_get_text, which hands back a C string: a NUL in the body (seen in
// the wild) would cut the text there and leave the rest unstored and unsearchable. NULs carry
// no meaning in mail text; they become U+FFFD.
std::string part_text(GMimeObject* o) {
  if (!GMIME_IS_PART(o)) return {};
  std::string bytes = decoded_bytes(GMIME_PART(o));
  std::string text;
  const char* charset = GMIME_IS_TEXT_PART(o) ? g_mime_text_part_get_charset(GMIME_TEXT_PART(o))
                                              : nullptr;
  if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0 &&
      g_ascii_strcasecmp(charset, "us-ascii") != 0) {
    gsize written = 0;
    char* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                g_mime_charset_iconv_name(charset), nullptr, &written, nullptr);
    if (converted) text.assign(converted, written);
    g_free(converted);
  }
  text = valid_utf8(text.empty() ? std::move(bytes) : std::move(text));
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') out += "\xEF\xBF\xBD";
    else out += c;
  }
  return out;
}

struct Walk {
  ParsedEmail& out;
  std::optional<std::string> plain, html;
  int depth = 0;
};

std::string mime_type(GMimeObject* o) {
  GMimeContentType* ct = g_mime_object_get_content_type(o);
  if (!ct) return "application/octet-stream";
  GFreeString t(g_mime_content_type_get_mime_type(ct));
  return ascii_lower(t.str());
}

void read_delivery_status(const std::string& text, ParsedEmail& out) {
  // "Status: 5.1.1" and "Diagnostic-Code: smtp; 550 5.1.1 user unknown" per recipient.
  const std::string lowered = ascii_lower(text);
  auto field = [&](const char* name) -> std::string {
    auto at = lowered.find(std::string("\n") + name);
    if (at == std::string::npos) return {};
    auto colon = text.find(':', at);
    auto eol = text.find('\n', colon);
    std::string v = text.substr(colon + 1, eol == std::string::npos ? std::string::npos : eol - colon - 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  };
  std::string status = field("status");
  std::string diagnostic = field("diagnostic-code");
  if (auto semi = diagnostic.find(';'); semi != std::string::npos) diagnostic = diagnostic.substr(semi + 1);
  while (!diagnostic.empty() && diagnostic.front() == ' ') diagnostic.erase(0, 1);
  out.bounce_status = diagnostic.empty() ? status : diagnostic;
}

void walk(GMimeObject* o, Walk& w) {
  if (!o || ++w.depth > 50) return;  // a hostile nesting is cut, not followed
  if (GMIME_IS_MULTIPART(o)) {
    GMimeMultipart* mp = GMIME_MULTIPART(o);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i), w);
  } else if (GMIME_IS_MESSAGE_PART(o)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
    if (w.out.bounce && inner && w.out.bounced_message_id.empty()) {
      const char* id = g_mime_message_get_message_id(inner);
      if (id) w.out.bounced_message_id = id;
    }
    if (inner)  // a forwarded or bounced mail stays whole, as an .eml attachment
      w.out.attachments.push_back({"message.eml", "message/rfc822", object_bytes(GMIME_OBJECT(inner)), ""});
  } else if (GMIME_IS_PART(o)) {
    GMimePart* part = GMIME_PART(o);
    std::string type = mime_type(o);
    bool attachment = g_mime_part_is_attachment(part);
    const char* filename = g_mime_part_get_filename(part);
    if (type == "message/delivery-status") {
      read_delivery_status(decoded_bytes(part), w.out);
    } else if (type == "text/rfc822-headers" && w.out.bounce) {
      for (const auto& [name, value] : split_header_block(decoded_bytes(part)))
        if (ascii_lower(name) == "message-id" && w.out.bounced_message_id.empty())
          if (auto ids = message_ids(value); !ids.empty()) w.out.bounced_message_id = ids.front();
    } else if (!attachment && !filename && type == "text/plain" && !w.plain) {
      w.plain = part_text(o);
    } else if (!attachment && !filename && type == "text/html" && !w.html) {
      w.html = part_text(o);
    } else {
      std::string name = filename ? valid_utf8(filename) : "";
      if (name.empty()) {
        auto slash = type.find('/');
        name = "part." + (slash == std::string::npos ? std::string("bin") : type.substr(slash + 1));
      }
      w.out.attachments.push_back({name, type, decoded_bytes(part), ""});
    }
  }
  --w.depth;
}

std::string automatic_reason(GMimeObject* m, std::string_view mail_from, bool bounce) {
  auto has = [](const std::string& v, const char* word) {
    return ascii_lower(v).find(word) != std::string::npos;
  };
  if (std::string v = header(m, "Auto-Submitted"); !v.empty() && ascii_lower(v).rfind("no", 0) != 0)
    return "Auto-Submitted: " + v;
  if (std::string v = header(m, "X-Autoreply"); !v.empty()) return "X-Autoreply: " + v;
  if (std::string v = header(m, "X-Autorespond"); !v.empty()) return "X-Autorespond: " + v;
  if (std::string v = header(m, "Precedence"); has(v, "bulk") || has(v, "junk") || has(v, "list"))
    return "Precedence: " + v;
  if (std::string v = header(m, "X-Auto-Response-Suppress");
      has(v, "all") || has(v, "oof") || has(v, "autoreply"))
    return "X-Auto-Response-Suppress: " + v;
  if (std::string v = header(m, "X-Loop"); !v.empty()) return "X-Loop: " + v;
  if (std::string v = header(m, "List-Id"); !v.empty()) return "List-Id: " + v;
  if (bounce) return "a delivery status notification";
  if (std::string v = header(m, "X-Failed-Recipients"); !v.empty()) return "X-Failed-Recipients: " + v;
  if (mail_from.empty()) return kEmptyReturnPath;
  return {};
}

}  // namespace

ParsedEmail parse_email(std::string_view raw, std::string_view mail_from) {
  ensure_gmime();
  ParsedEmail out;
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.p, nullptr));
  if (!message.p) {  // not even headers: the whole thing is the text
    out.text = valid_utf8(std::string(raw.substr(0, 1 << 20)));
    out.reply_text = out.text;
    out.automatic = mail_from.empty() ? kEmptyReturnPath : "";
    return out;
  }
  GMimeObject* m = GMIME_OBJECT(message.p);
  if (const char* id = g_mime_message_get_message_id(message.p)) out.message_id = valid_utf8(id);
  out.in_reply_to = message_ids(header(m, "In-Reply-To"));
  out.references = message_ids(header(m, "References"));
  std::vector<std::string> from;
  addresses(g_mime_message_get_from(message.p), from, &out.from_name);
  if (from.empty()) addresses(g_mime_message_get_sender(message.p), from, &out.from_name);
  if (!from.empty()) out.from_address = from.front();
  addresses(g_mime_message_get_to(message.p), out.to, nullptr);
  addresses(g_mime_message_get_cc(message.p), out.cc, nullptr);
  if (const char* s = g_mime_message_get_subject(message.p)) out.subject = valid_utf8(s);
  if (GDateTime* d = g_mime_message_get_date(message.p)) out.date = g_date_time_to_unix(d);

  GMimeObject* body = g_mime_message_get_mime_part(message.p);
  out.bounce = body && mime_type(body) == "multipart/report";
  Walk w{out, std::nullopt, std::nullopt};
  walk(body, w);
  if (w.plain && !w.plain->empty()) {
    out.text = *w.plain;
  } else if (w.html) {
    out.text = html_to_text(*w.html);
  }
  if (w.html) out.html = *w.html;
  // Line ends as the agent's screen wants them.
  out.text.erase(std::remove(out.text.begin(), out.text.end(), '\r'), out.text.end());
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == ' ')) out.text.pop_back();
  out.reply_text = strip_reply(out.text);
  out.automatic = automatic_reason(m, mail_from, out.bounce);
  return out;
}

InboundContact email_contact(const std::string& channel_name, const ParsedEmail& mail,
                             std::string raw, std::size_t our_trace_bytes) {
  InboundContact c;
  c.channel_type = "email";
  c.channel_name = channel_name;
  std::string_view as_sent = std::string_view(raw).substr(std::min(our_trace_bytes, raw.size()));
  c.external_id = mail.message_id.empty() ? "sha256:" + sha256_hex(as_sent) : mail.message_id;
  if (auto address = normalize_email(mail.from_address)) c.from.push_back({"email", *address});
  c.from_name = mail.from_name;
  c.subject = mail.subject.empty() ? "(no subject)" : mail.subject;
  c.text = mail.reply_text;
  c.html = mail.html;
  c.attachments = mail.attachments;
  c.sent_at = mail.date;
  EmailFacts e;
  e.in_reply_to = mail.in_reply_to;
  e.references = mail.references;
  e.subject_ticket = subject_ticket_token(mail.subject);
  e.sender = mail.from_address;
  e.automatic = mail.automatic;
  e.bounced_message_id = mail.bounced_message_id;
  e.bounce_status = mail.bounce_status;
  e.full_text = mail.text;
  e.raw = std::move(raw);
  c.email = std::move(e);
  return c;
}

void flag_own_mail(InboundContact& c, const std::map<std::string, std::string>& own_addresses) {
  if (!c.email || !c.email->automatic.empty() || !own_addresses.count(c.email->sender)) return;
  c.email->automatic = "From: our own address " + c.email->sender;
}

std::string trace_headers(std::string_view mail_from, std::string_view helo,
                          std::string_view remote_ip, std::string_view host,
                          std::string_view protocol_name, int64_t now) {
  auto clean = [](std::string_view s) {  // nothing a client sends may break a header line
    std::string out;
    for (char c : s.substr(0, 255))
      if (c != '\r' && c != '\n' && c != '(' && c != ')') out += c;
    return out;
  };
  return "Return-Path: <" + clean(mail_from) + ">\r\nReceived: from " + clean(helo) + " ([" +
         clean(remote_ip) + "])\r\n\tby " + clean(host) + " (Touchpoint) with " +
         std::string(protocol_name) + ";\r\n\t" + format_rfc5322(now) + "\r\n";
}

std::optional<int64_t> subject_ticket_token(std::string_view subject) {
  for (std::size_t at = subject.find("[#"); at != std::string_view::npos; at = subject.find("[#", at + 2)) {
    std::size_t i = at + 2;
    int64_t n = 0;
    std::size_t digits = 0;
    while (i < subject.size() && std::isdigit(static_cast<unsigned char>(subject[i])) && digits < 15) {
      n = n * 10 + (subject[i] - '0');
      ++i, ++digits;
    }
    if (digits && i < subject.size() && subject[i] == ']' && n > 0) return n;
  }
  return std::nullopt;
}

}  // namespace touchpoint::protocol
