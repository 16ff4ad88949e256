#include "protocol/language.hpp"

namespace touchpoint::protocol {

std::string language_tag(std::string_view raw) {
  constexpr std::size_t kLongest = 35;  // RFC 5646's practical bound for a tag
  if (raw.empty() || raw.size() > kLongest) return {};
  std::string tag;
  std::size_t primary = 0;  // letters before the first hyphen
  bool in_primary = true;
  for (char ch : raw) {
    char c = ch == '_' ? '-' : ch;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool letter = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
    if (c == '-') {
      if (tag.empty() || tag.back() == '-') return {};
      in_primary = false;
    } else if (!letter && !(digit && !in_primary)) {
      return {};
    }
    if (in_primary) ++primary;
    tag += c;
  }
  if (primary < 2 || primary > 3 || tag.back() == '-') return {};
  return tag;
}

}  // namespace touchpoint::protocol
