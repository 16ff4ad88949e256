#pragma once
// Latency summaries for the benchmarks.
#include <algorithm>
#include <cstdio>
#include <vector>

namespace touchpoint::bench {

inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

inline void print_latency(const char* what, std::vector<double> ms) {
  double p50 = percentile(ms, 50), p99 = percentile(ms, 99), max = percentile(ms, 100);
  std::printf("%-28s p50 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%zu)\n", what, p50, p99, max,
              ms.size());
}

}  // namespace touchpoint::bench
