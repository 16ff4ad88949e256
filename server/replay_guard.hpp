#pragma once
// ReplayGuard: remembers the one-time tokens of signed webhooks for as long as their signature
// is accepted, so a captured signature cannot carry a second, different delivery (Mailgun's
// advice: "cache the token, and refuse a token seen before"). The same delivery again — a
// provider retry after a lost answer — is let through, and deduplication stores nothing new.
//
// In memory: a restart forgets, which bounds the replay window to one freshness window after a
// restart. Thread-safe; bounded (expired tokens are forgotten, and past kMaxTokens new ones are
// refused until some expire, so a flood fails closed).
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace touchpoint::server {

class ReplayGuard {
 public:
  static constexpr std::size_t kMaxTokens = 200000;
  explicit ReplayGuard(int64_t window_seconds) : window_(window_seconds) {}
  // True when token is new (now remembered with what it carried) or carried this same
  // delivery before; false when it already signed another delivery, or memory is full.
  bool admit(const std::string& token, const std::string& delivery, int64_t now);

 private:
  struct Seen {
    std::string delivery;
    int64_t until;
  };
  int64_t window_;
  std::mutex mu_;
  std::unordered_map<std::string, Seen> seen_;  // guarded by mu_
  int64_t next_sweep_ = 0;                      // guarded by mu_
};

}  // namespace touchpoint::server
