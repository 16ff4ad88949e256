#include "protocol/identity.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/ascii.hpp"

namespace touchpoint::protocol {
namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> normalize_email(std::string_view s) {
  s = trim(s);
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size() || s.size() > 254)
    return std::nullopt;
  if (std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= ' ' || c == '<' || c == '>' || c == ',' || c == '"';
      }))
    return std::nullopt;
  // The local part is case-sensitive in theory, never in practice; helpdesks that keep case
  // split one customer in two.
  return ascii_lower(s);
}

std::optional<std::string> normalize_phone(std::string_view s) {
  s = trim(s);
  std::string out = "+";
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c == '+' && i == 0) {
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
    } else {
      return std::nullopt;
    }
  }
  if (out.size() < 7 || out.size() > 16) return std::nullopt;
  return out;
}

}  // namespace touchpoint::protocol
