#include "protocol/form_data.hpp"

#include "protocol/ascii.hpp"
#include "protocol/gmime_support.hpp"
#include "protocol/query_string.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

constexpr std::size_t kMaxFields = 1000;

Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }

// A field's bytes. A part declared message/rfc822 (a forwarded mail as a file) is parsed by
// GMime as a message: it is written back out as it came.
std::string field_bytes(GMimeObject* part) {
  if (GMIME_IS_PART(part)) return decoded_bytes(GMIME_PART(part));
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    return inner ? object_bytes(GMIME_OBJECT(inner)) : std::string();
  }
  return object_bytes(part, /*with_headers=*/false);  // a nested multipart, as sent
}

Result<Form> parse_multipart(std::string_view content_type, std::string_view body) {
  ensure_gmime();
  // The request's Content-Type (with its boundary) becomes the header of one MIME entity.
  std::string entity = "Content-Type: ";
  for (char c : content_type) entity += (c == '\r' || c == '\n') ? ' ' : c;
  entity += "\r\n\r\n";
  entity.append(body);
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeObject> root(g_mime_parser_construct_part(parser.p, nullptr));
  if (!root.p || !GMIME_IS_MULTIPART(root.p) ||
      !g_mime_content_type_get_parameter(g_mime_object_get_content_type(root.p), "boundary"))
    return bad("the multipart/form-data body has no boundary");
  GMimeMultipart* multipart = GMIME_MULTIPART(root.p);
  Form form;
  int n = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < n && form.fields.size() < kMaxFields; ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    const char* name = g_mime_object_get_content_disposition_parameter(part, "name");
    if (!name) continue;  // not a form field (RFC 7578 4.2 requires the name)
    FormField field;
    field.name = name;
    if (const char* filename = g_mime_object_get_content_disposition_parameter(part, "filename"))
      field.filename = *filename ? filename : "file";
    if (g_mime_object_get_header(part, "Content-Type")) {
      GFreeString type(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part)));
      field.content_type = ascii_lower(type.str());
    }
    field.value = field_bytes(part);
    form.fields.push_back(std::move(field));
  }
  if (form.fields.empty()) return bad("the multipart/form-data body has no fields");
  return form;
}

// A quoted-string parameter of Content-Disposition, escaped as the HTML standard's form
// encoding does: providers parse what browsers send.
std::string disposition_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

bool occurs_in(const std::vector<FormField>& fields, std::string_view s) {
  for (const auto& f : fields)
    if (f.value.find(s) != std::string::npos || f.name.find(s) != std::string::npos ||
        f.filename.find(s) != std::string::npos)
      return true;
  return false;
}

}  // namespace

FormBody build_form_body(const std::vector<FormField>& fields) {
  // Deterministic (tests can read it) and, checked, absent from every part.
  std::string seed;
  for (const auto& f : fields) seed += sha256_hex(f.value);
  std::string boundary = "touchpoint-" + sha256_hex(seed).substr(0, 32);
  for (int n = 0; occurs_in(fields, boundary); ++n)
    boundary = "touchpoint-" + sha256_hex(boundary + std::to_string(n)).substr(0, 32);
  std::string body;
  for (const auto& f : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" +
            disposition_value(f.name) + "\"";
    if (f.is_file()) {
      body += "; filename=\"" + disposition_value(f.filename) + "\"\r\nContent-Type: ";
      body += f.content_type.empty() ? std::string("application/octet-stream")
                                     : disposition_value(f.content_type);
    }
    body += "\r\n\r\n" + f.value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

const FormField* Form::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::string Form::get(std::string_view name) const {
  const FormField* f = find(name);
  return f ? f->value : std::string();
}

Result<Form> parse_form_body(std::string_view content_type, std::string_view body) {
  std::string type = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "multipart/form-data") return parse_multipart(content_type, body);
  if (type != "application/x-www-form-urlencoded")
    return bad("the body must be multipart/form-data or application/x-www-form-urlencoded");
  auto pairs = parse_form(body);
  if (!pairs) return bad("the form body has a malformed %-escape");
  Form form;
  for (auto& [name, value] : *pairs) {
    if (form.fields.size() >= kMaxFields) break;
    form.fields.push_back({std::move(name), std::move(value), {}, {}});
  }
  return form;
}

}  // namespace touchpoint::protocol
