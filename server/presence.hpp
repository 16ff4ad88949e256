#pragma once
// Presence (the contract's "Assignment, presence"): an agent is online while a console of
// theirs is connected to /api/v1/live, unless they set away; offline once their last
// connection closes (away is forgotten then). Every change of an agent's status is reported
// to on_change, outside the lock.
//
// Thread-safe: consoles connect and close on any io thread, the writer reads available().
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace touchpoint::server {

class Presence {
 public:
  enum class Status { offline, online, away };
  static const char* name(Status s);

  // agent's status changed to now (from before).
  using Changed = std::function<void(int64_t agent_id, Status before, Status now)>;
  void on_change(Changed f);  // before any console connects

  void connected(int64_t agent_id);
  void disconnected(int64_t agent_id);
  // away: true sets away, false online again. Answers the status after (offline without a console).
  Status set_away(int64_t agent_id, bool away);

  Status status(int64_t agent_id) const;
  // Online and not away: who automatic assignment may give tickets to.
  std::vector<int64_t> available() const;
  std::size_t count(Status s) const;

 private:
  struct State {
    int connections = 0;
    bool away = false;
  };
  static Status of(const State& s) {
    return s.connections == 0 ? Status::offline : s.away ? Status::away : Status::online;
  }
  void change(int64_t agent_id, const std::function<void(State&)>& edit);

  mutable std::mutex mu_;
  std::map<int64_t, State> agents_;  // guarded by mu_
  Changed on_change_;
};

}  // namespace touchpoint::server
