#pragma once
// Lowercase hex of bytes, as digests and signatures are written.
#include <cstddef>
#include <string>

namespace touchpoint::protocol {

inline std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

}  // namespace touchpoint::protocol
