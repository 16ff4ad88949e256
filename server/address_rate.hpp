#pragma once
// AddressRate: at most `limit` events a minute per client address (fixed one-minute windows),
// for new web chat connections. Thread-safe; forgets addresses whose window has passed.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace touchpoint::server {

class AddressRate {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AddressRate(int limit) : limit_(limit) {}
  // Counts one event from address; false when the address is over its limit this minute.
  bool allow(const std::string& address, Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mu_);
    if (now - swept_ > std::chrono::minutes(1)) {
      for (auto it = windows_.begin(); it != windows_.end();)
        it = now - it->second.start >= std::chrono::minutes(1) ? windows_.erase(it) : std::next(it);
      swept_ = now;
    }
    auto& w = windows_[address];
    if (w.count == 0 || now - w.start >= std::chrono::minutes(1)) w = {now, 0};
    return ++w.count <= limit_;
  }

 private:
  struct Window {
    Clock::time_point start{};
    int count = 0;
  };
  const int limit_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // guarded by mu_
  Clock::time_point swept_{};                        // guarded by mu_
};

}  // namespace touchpoint::server
