#include "protocol/mail_rebuild.hpp"

#include "protocol/ascii.hpp"
#include "protocol/base64.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

std::string one_line(std::string_view v) {
  std::string out(v);
  for (auto& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

bool header_name(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name)
    if (c <= 32 || c >= 127 || c == ':') return false;
  return true;
}

std::string without_quotes(std::string_view s) {
  std::string out;
  for (char c : one_line(s))
    if (c != '"' && c != '\\') out += c;
  return out;
}

// Base64 in 76-character lines (RFC 2045 6.8).
std::string base64_lines(std::string_view data) {
  std::string b64 = base64_encode(data);
  std::string out;
  out.reserve(b64.size() + b64.size() / 38 + 2);
  for (std::size_t at = 0; at < b64.size(); at += 76) out.append(b64, at, 76).append("\r\n");
  return out;
}

}  // namespace

std::string mailbox(std::string_view name, std::string_view address) {
  std::string quoted = without_quotes(name);
  std::string addr = one_line(address);
  return quoted.empty() ? "<" + addr + ">" : "\"" + quoted + "\" <" + addr + ">";
}

std::vector<std::pair<std::string, std::string>> split_header_block(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = 0;
  while (at < block.size()) {
    std::size_t eol = block.find('\n', at);
    std::string_view line = block.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
    at = eol == std::string_view::npos ? block.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the end of the header block
    if (line.front() == ' ' || line.front() == '\t') {  // a folded line continues the last field
      auto text = line.find_first_not_of(" \t");
      if (!out.empty() && text != std::string_view::npos) out.back().second += " " + std::string(line.substr(text));
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return out;
}

std::string rebuild_mail(const MailPieces& p) {
  std::string out;
  for (const auto& [name, value] : p.headers) {
    std::string lowered = ascii_lower(name);
    if (!header_name(name) || value.empty() || lowered == "mime-version" ||
        lowered == "content-type" || lowered == "content-transfer-encoding")
      continue;
    out += name + ": " + one_line(value) + "\r\n";
  }
  std::string boundary = "tp-" + sha256_hex(p.text + p.html).substr(0, 24);
  out += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\nContent-Type: multipart/alternative; boundary=\"" + boundary + "a\"\r\n\r\n";
  out += "--" + boundary + "a\r\nContent-Type: text/plain; charset=\"" + without_quotes(p.text_charset) +
         "\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + p.text + "\r\n";
  if (!p.html.empty())
    out += "--" + boundary + "a\r\nContent-Type: text/html; charset=\"" + without_quotes(p.html_charset) +
           "\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + p.html + "\r\n";
  out += "--" + boundary + "a--\r\n";
  for (const auto& f : p.files) {
    std::string type = one_line(f.content_type);
    out += "--" + boundary + "\r\nContent-Type: " + (type.empty() ? "application/octet-stream" : type) +
           "\r\nContent-Disposition: attachment; filename=\"" + without_quotes(f.filename) +
           "\"\r\nContent-Transfer-Encoding: base64\r\n";
    if (std::string cid = without_quotes(f.content_id); !cid.empty()) {
      if (cid.front() != '<') cid = "<" + cid + ">";
      out += "Content-ID: " + cid + "\r\n";
    }
    out += "\r\n" + base64_lines(f.data);
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace touchpoint::protocol
