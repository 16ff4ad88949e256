#pragma once
// ASCII case folding for protocol tokens (header names, SMTP verbs, addresses). Bytes outside
// A-Z are left alone, so UTF-8 passes through untouched and the locale never matters.
#include <string>
#include <string_view>

namespace touchpoint::protocol {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace touchpoint::protocol
