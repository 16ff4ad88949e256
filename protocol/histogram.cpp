#include "protocol/histogram.hpp"

#include <algorithm>
#include <cstdio>

namespace touchpoint::protocol {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(bounds_.size() + 1) {}

void Histogram::observe(double value) {
  auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                    bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double s = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(s, s + value, std::memory_order_relaxed)) {
  }
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::string sep = labels.empty() ? "" : std::string(labels) + ",";
  uint64_t cumulative = 0;
  char num[64];
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size())
      std::snprintf(num, sizeof num, "%g", bounds_[i]);
    else
      std::snprintf(num, sizeof num, "+Inf");
    out += std::string(name) + "_bucket{" + sep + "le=\"" + num + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  std::string brace = labels.empty() ? "" : "{" + std::string(labels) + "}";
  std::snprintf(num, sizeof num, "%.6f", sum_.load(std::memory_order_relaxed));
  out += std::string(name) + "_sum" + brace + " " + num + "\n";
  out += std::string(name) + "_count" + brace + " " + std::to_string(cumulative) + "\n";
}

}  // namespace touchpoint::protocol
