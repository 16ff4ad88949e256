#include "server/idle_connections.hpp"

#include <vector>

namespace touchpoint::server {

std::uint64_t IdleConnections::waiting(std::weak_ptr<Sheddable> connection) {
  std::lock_guard lock(mu_);
  idle_.emplace(next_, std::move(connection));
  return next_++;
}

void IdleConnections::done(std::uint64_t ticket) {
  std::lock_guard lock(mu_);
  idle_.erase(ticket);
}

std::size_t IdleConnections::shed_oldest(std::size_t n) {
  std::vector<std::shared_ptr<Sheddable>> victims;
  {
    std::lock_guard lock(mu_);
    for (auto it = idle_.begin(); it != idle_.end() && victims.size() < n;) {
      if (auto c = it->second.lock()) victims.push_back(std::move(c));
      it = idle_.erase(it);
    }
  }
  for (auto& v : victims) v->shed();  // outside the lock (CP.22)
  return victims.size();
}

std::size_t IdleConnections::size() {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace touchpoint::server
