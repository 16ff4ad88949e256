#include "protocol/duration.hpp"

namespace touchpoint::protocol {

std::optional<int64_t> parse_duration(std::string_view s) {
  constexpr int64_t kMax = 10LL * 366 * 86400;
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  int last_rank = 99;  // units must come largest first, each at most once: "1h30m", not "30m1h"
  while (!s.empty()) {
    int64_t n = 0;
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
      n = n * 10 + (s[digits] - '0');
      if (n > kMax) return std::nullopt;
      ++digits;
    }
    if (digits == 0 || digits == s.size()) return std::nullopt;
    int rank;
    int64_t unit;
    switch (s[digits]) {
      case 'd': rank = 3, unit = 86400; break;
      case 'h': rank = 2, unit = 3600; break;
      case 'm': rank = 1, unit = 60; break;
      case 's': rank = 0, unit = 1; break;
      default: return std::nullopt;
    }
    if (rank >= last_rank) return std::nullopt;
    last_rank = rank;
    total += n * unit;
    if (total > kMax) return std::nullopt;
    s.remove_prefix(digits + 1);
  }
  return total;
}

}  // namespace touchpoint::protocol
