#include "server/presence.hpp"

namespace touchpoint::server {

const char* Presence::name(Status s) {
  switch (s) {
    case Status::online: return "online";
    case Status::away: return "away";
    case Status::offline: break;
  }
  return "offline";
}

void Presence::on_change(Changed f) { on_change_ = std::move(f); }

void Presence::change(int64_t agent_id, const std::function<void(State&)>& edit) {
  Status before, now;
  {
    std::lock_guard lock(mu_);
    State& s = agents_[agent_id];
    before = of(s);
    edit(s);
    if (s.connections == 0) s.away = false;  // away lasts while they are connected
    now = of(s);
    if (now == Status::offline) agents_.erase(agent_id);
  }
  if (before != now && on_change_) on_change_(agent_id, before, now);
}

void Presence::connected(int64_t agent_id) {
  change(agent_id, [](State& s) { ++s.connections; });
}

void Presence::disconnected(int64_t agent_id) {
  change(agent_id, [](State& s) { s.connections = s.connections > 0 ? s.connections - 1 : 0; });
}

Presence::Status Presence::set_away(int64_t agent_id, bool away) {
  change(agent_id, [away](State& s) { s.away = away; });
  return status(agent_id);
}

Presence::Status Presence::status(int64_t agent_id) const {
  std::lock_guard lock(mu_);
  auto it = agents_.find(agent_id);
  return it == agents_.end() ? Status::offline : of(it->second);
}

std::vector<int64_t> Presence::available() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [id, s] : agents_)
    if (of(s) == Status::online) out.push_back(id);
  return out;
}

std::size_t Presence::count(Status wanted) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, s] : agents_) n += of(s) == wanted ? 1 : 0;
  return n;
}

}  // namespace touchpoint::server
