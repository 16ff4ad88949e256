#pragma once
// A fixed-bucket histogram for Prometheus exposition. Thread-safe and lock-free: observe()
// from any thread, render from another.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace touchpoint::protocol {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // Appends "name_bucket{le=...}", "name_sum" and "name_count" lines. labels: `a="b"` or "".
  void render(std::string& out, std::string_view name, std::string_view labels = {}) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> buckets_;  // one per bound, plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

}  // namespace touchpoint::protocol
