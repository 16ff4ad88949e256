#include "protocol/http_field.hpp"

#include "protocol/ascii.hpp"

namespace touchpoint::protocol {
namespace {
constexpr std::size_t kMaxMediaType = 255;

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_quoted_string(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (++i + 1 >= s.size()) return false;
      c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 && c != '\t') return false;
    } else if (c == '"' || (c < 0x20 && c != '\t') || c == 0x7f) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool is_http_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

bool is_field_value(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::optional<std::string> parse_media_type(std::string_view s) {
  if (s.size() > kMaxMediaType || !is_field_value(s)) return std::nullopt;
  auto semi = s.find(';');
  std::string_view essence = trim(s.substr(0, semi));
  auto slash = essence.find('/');
  if (slash == std::string_view::npos || !is_http_token(essence.substr(0, slash)) ||
      !is_http_token(essence.substr(slash + 1)))
    return std::nullopt;
  std::string out = ascii_lower(essence);
  while (semi != std::string_view::npos) {
    s.remove_prefix(semi + 1);
    // A ';' inside a quoted value does not end it.
    std::size_t end = 0;
    bool quoted = false;
    for (; end < s.size(); ++end) {
      if (s[end] == '\\' && quoted) { ++end; continue; }
      if (s[end] == '"') quoted = !quoted;
      else if (s[end] == ';' && !quoted) break;
    }
    semi = end < s.size() ? end : std::string_view::npos;
    std::string_view param = trim(s.substr(0, end));
    if (param.empty()) continue;  // "text/plain;" is seen in the wild
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !is_http_token(param.substr(0, eq))) return std::nullopt;
    std::string_view value = param.substr(eq + 1);
    if (!is_http_token(value) && !is_quoted_string(value)) return std::nullopt;
    out += "; ";
    out += ascii_lower(param.substr(0, eq));
    out += '=';
    out += value;
  }
  return out;
}

std::string media_type_or_bytes(std::string_view s) {
  auto m = parse_media_type(s);
  return m ? *m : "application/octet-stream";
}

}  // namespace touchpoint::protocol
