#include "protocol/utf8.hpp"

#include <cstdint>

namespace touchpoint::protocol {
namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid sequence starting at s[i], or 0 when it is invalid there.
std::size_t valid_at(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t c = b(i);
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint8_t lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;  // no surrogates
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;  // nothing past U+10FFFF
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

// How many bytes one U+FFFD replaces: the longest prefix of a sequence that could still have
// been valid (WHATWG "maximal subpart"), at least one byte.
std::size_t invalid_run(std::string_view s, std::size_t i) {
  auto c = static_cast<std::uint8_t>(s[i]);
  std::size_t n = 1;
  std::uint8_t lo = 0x80, hi = 0xBF;
  std::size_t want;
  if (c >= 0xC2 && c <= 0xDF) want = 2;
  else if (c >= 0xE0 && c <= 0xEF) want = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) want = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return 1;
  while (n < want && i + n < s.size()) {
    auto t = static_cast<std::uint8_t>(s[i + n]);
    if (t < (n == 1 ? lo : 0x80) || t > (n == 1 ? hi : 0xBF)) break;
    ++n;
  }
  return n;
}
}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = valid_at(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (std::size_t n = valid_at(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append(kReplacement);
      i += invalid_run(s, i);
    }
  }
  return out;
}

void repair_utf8_in_place(std::string& s) {
  if (!is_valid_utf8(s)) s = repair_utf8(s);
}

}  // namespace touchpoint::protocol
