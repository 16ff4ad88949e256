#pragma once
// Counters for GET /metrics (Prometheus text exposition 0.0.4). Thread-safe.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/histogram.hpp"

namespace touchpoint::storage {
class StoreWriter;
}

namespace touchpoint::server {

class Metrics {
 public:
  Metrics();
  // route is the pattern ("/webhooks/api/{name}"), never the raw path: bounded cardinality.
  void request(std::string_view route, int status, double seconds);
  void ingested(std::string_view channel_type, bool duplicate);
  void overloaded();
  std::string render(const storage::StoreWriter& writer) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, uint64_t> ingested_;                  // guarded by mu_
  std::map<std::string, uint64_t> duplicates_;                // guarded by mu_
  uint64_t overloaded_ = 0;                                   // guarded by mu_
  protocol::Histogram request_seconds_;
};

}  // namespace touchpoint::server
