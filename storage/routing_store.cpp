#include "storage/routing_store.hpp"

#include <string>

namespace touchpoint::storage {
namespace {
std::string turn_key(std::optional<int64_t> group) {
  return "routing.last." + (group ? std::to_string(*group) : std::string("all"));
}
}  // namespace

RoutingStore::RoutingStore(sqlite3* db, std::function<void(int64_t, int64_t)> touch)
    : db_(db),
      touch_(std::move(touch)),
      ticket_(db, "SELECT status NOT IN ('solved', 'closed'), assignee_id, group_id FROM tickets WHERE id = ?1"),
      // A group's active members; a group without members (or no group) is everyone's.
      members_(db, "SELECT m.agent_id FROM group_members m JOIN agents a ON a.id = m.agent_id "
                   "WHERE m.group_id = ?1 AND a.active = 1"),
      everyone_(db, "SELECT id FROM agents WHERE active = 1"),
      open_count_(db, "SELECT n FROM queue_counts WHERE dim = 'assignee' AND key = ?1"),
      last_(db, "SELECT value FROM settings WHERE key = ?1"),
      remember_(db, "INSERT INTO settings(key, value) VALUES (?1, ?2) "
                    "ON CONFLICT(key) DO UPDATE SET value = ?2"),
      assign_(db, "UPDATE tickets SET assignee_id = ?2 WHERE id = ?1 AND assignee_id IS NULL"),
      event_(db, "INSERT INTO events(ticket_id, type, actor_type, old_value, new_value, created_at) "
                 "VALUES (?1, 'ticket.assignee_changed', 'system', NULL, ?2, ?3)"),
      waiting_(db, "SELECT id FROM tickets WHERE assignee_id IS NULL AND "
                   "status NOT IN ('solved', 'closed') ORDER BY created_at, id LIMIT ?1") {}

void RoutingStore::use(protocol::RoutingSettings settings, AvailableAgents available, AssignedSink sink) {
  settings_ = settings;
  available_ = std::move(available);
  sink_ = std::move(sink);
}

bool RoutingStore::route(int64_t ticket_id, const std::set<int64_t>& available, int64_t now) {
  std::optional<int64_t> group;
  {
    StmtUse q(ticket_);
    q->bind(1, ticket_id);
    if (!q->step() || q->int64(0) == 0 || q->opt_int64(1)) return false;  // gone, closed, or taken
    group = q->opt_int64(2);
  }
  std::vector<int64_t> pool;
  if (group) {
    StmtUse q(members_);
    q->bind(1, *group);
    while (q->step()) pool.push_back(q->int64(0));
  }
  if (pool.empty()) {
    StmtUse q(everyone_);
    while (q->step()) pool.push_back(q->int64(0));
  }
  std::vector<protocol::RoutingCandidate> candidates;
  for (int64_t agent : pool) {
    if (!available.count(agent)) continue;
    StmtUse q(open_count_);
    q->bind(1, std::to_string(agent));
    candidates.push_back({agent, q->step() ? q->int64(0) : 0});
  }
  std::string key = turn_key(group);
  std::optional<int64_t> last;
  {
    StmtUse q(last_);
    q->bind(1, key);
    if (q->step()) last = std::stoll(q->text(0));
  }
  auto chosen = protocol::choose_agent(settings_, std::move(candidates), last);
  if (!chosen) return false;
  assign_.bind(1, ticket_id).bind(2, *chosen).run();
  event_.bind(1, ticket_id).bind(2, std::to_string(*chosen)).bind(3, now).run();
  remember_.bind(1, key).bind(2, std::to_string(*chosen)).run();
  touch_(ticket_id, now);
  assigned_.push_back(ticket_id);
  return true;
}

int64_t RoutingStore::assign_waiting(int64_t now, std::size_t limit) {
  if (!enabled()) return 0;
  auto list = available_();
  std::set<int64_t> available(list.begin(), list.end());
  if (available.empty()) return 0;
  std::vector<int64_t> waiting;
  {
    StmtUse q(waiting_);
    q->bind(1, static_cast<int64_t>(limit));
    while (q->step()) waiting.push_back(q->int64(0));
  }
  int64_t n = 0;
  for (int64_t id : waiting) n += route(id, available, now) ? 1 : 0;
  return n;
}

void RoutingStore::before_commit(int64_t now) {
  if (!enabled()) {
    marked_.clear();
    freed_ = false;
    return;
  }
  if (!marked_.empty()) {
    auto list = available_();
    std::set<int64_t> available(list.begin(), list.end());
    std::set<int64_t> tickets;
    tickets.swap(marked_);
    if (!available.empty())
      for (int64_t id : tickets) route(id, available, now);
  }
  if (freed_) {
    freed_ = false;
    assign_waiting(now, 100);  // a slot or two frees at a time: the head of the line suffices
  }
}

std::function<void()> RoutingStore::committed() {
  if (assigned_.empty()) return {};
  std::vector<int64_t> done;
  done.swap(assigned_);
  if (!sink_) return {};
  return [sink = sink_, done = std::move(done)]() mutable { sink(std::move(done)); };
}

void RoutingStore::rolled_back() {
  marked_.clear();
  freed_ = false;
  assigned_.clear();
}

}  // namespace touchpoint::storage
