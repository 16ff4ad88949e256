#include "server/replay_guard.hpp"

namespace touchpoint::server {

bool ReplayGuard::admit(const std::string& token, const std::string& delivery, int64_t now) {
  std::lock_guard lock(mu_);
  if (now >= next_sweep_ || seen_.size() >= kMaxTokens) {
    std::erase_if(seen_, [now](const auto& kv) { return kv.second.until <= now; });
    next_sweep_ = now + window_;
  }
  auto it = seen_.find(token);
  if (it != seen_.end() && it->second.until > now) return it->second.delivery == delivery;
  if (seen_.size() >= kMaxTokens) return false;
  // Twice the window: a signature is fresh up to `window` either side of our clock.
  seen_[token] = Seen{delivery, now + 2 * window_};
  return true;
}

}  // namespace touchpoint::server
