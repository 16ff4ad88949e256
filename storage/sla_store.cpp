#include "storage/sla_store.hpp"

#include <algorithm>

#include "protocol/time.hpp"

namespace touchpoint::storage {
namespace {
using protocol::SlaMetric;
using State = SlaMetric::State;

constexpr const char* kFingerprintKey = "sla_fingerprint";

bool concluded(const std::optional<SlaMetric>& m) { return m && m->fulfilled_at; }
bool breached(const std::optional<SlaMetric>& m) { return m && m->breached_at; }
// Warned: running and past its warning time when computed.
bool warned(const std::optional<SlaMetric>& m, int64_t at) {
  return m && m->state == State::active && m->warn_at && *m->warn_at <= at;
}

}  // namespace

SlaStore::SlaStore(sqlite3* db, std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink)
    : db_(db),
      policies_(policies ? std::move(policies) : protocol::SlaPolicies::build({}, {}).value()),
      sink_(std::move(sink)),
      facts_(db, "SELECT t.status, t.priority, t.channel_type, t.channel_name, "
                 "coalesce(g.name, ''), t.activity, t.created_at, t.group_id, t.assignee_id "
                 "FROM tickets t LEFT JOIN groups g ON g.id = t.group_id WHERE t.id = ?1"),
      tags_(db, "SELECT tag FROM ticket_tags WHERE ticket_id = ?1"),
      // Notes, automatic mail and system messages never start or fulfil a metric. Each read
      // in its index's order; merged in time order below (cheaper than SQL's UNION ORDER BY).
      status_history_(db, "SELECT created_at, new_value FROM events "
                          "WHERE ticket_id = ?1 AND type = 'ticket.status_changed'"),
      message_history_(db, "SELECT created_at, direction FROM messages WHERE ticket_id = ?1 "
                           "AND internal = 0 AND automatic IS NULL AND author <> 'system'"),
      stored_(db, "SELECT snapshot, flag, activity, next_deadline FROM ticket_sla WHERE ticket_id = ?1"),
      upsert_(db, "INSERT INTO ticket_sla(ticket_id, policy, flag, activity, next_deadline, snapshot) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(ticket_id) DO UPDATE SET "
                  "policy = ?2, flag = ?3, activity = ?4, next_deadline = ?5, snapshot = ?6"),
      drop_(db, "DELETE FROM ticket_sla WHERE ticket_id = ?1"),
      event_(db, "INSERT INTO events(ticket_id, type, actor_type, old_value, new_value, created_at) "
                 "VALUES (?1, ?2, 'system', ?3, ?4, ?5)"),
      sample_(db, "INSERT INTO service_samples(day, metric, ticket_id, channel_type, group_id, "
                  "assignee_id, at) SELECT ?2 / 86400, ?3, id, channel_type, group_id, assignee_id, ?2 "
                  "FROM tickets WHERE id = ?1"),
      due_(db, "SELECT ticket_id FROM ticket_sla WHERE next_deadline <= ?1 "
               "ORDER BY next_deadline LIMIT ?2"),
      earliest_(db, "SELECT min(next_deadline) FROM ticket_sla WHERE next_deadline IS NOT NULL") {}

void SlaStore::use(std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink) {
  if (policies) policies_ = std::move(policies);
  sink_ = std::move(sink);
}

void SlaStore::before_commit(int64_t now) {
  if (marked_.empty()) return;
  std::map<int64_t, bool> tickets;
  tickets.swap(marked_);
  for (const auto& [id, full] : tickets) {
    auto row = stored_clock(id);
    // Only a customer message, and the stored clock (unflagged: the flagged queue's order is
    // the ticket's activity) waits for an agent's answer already: nothing to compute.
    if (!full && row && row->flag == "ok" && row->snapshot && protocol::sla_waits_for_agent(*row->snapshot))
      continue;
    refresh(id, now, std::move(row));
  }
}

std::optional<SlaStore::StoredClock> SlaStore::stored_clock(int64_t ticket_id) {
  StmtUse q(stored_);
  q->bind(1, ticket_id);
  if (!q->step()) return std::nullopt;
  return StoredClock{protocol::decode_sla_snapshot(q->text(0)), q->text(1), q->int64(2), q->opt_int64(3)};
}

std::function<void()> SlaStore::committed() {
  SlaCommitted done;
  std::swap(done, pending_);
  if (!sink_ || (done.notices.empty() && !done.earliest_deadline)) return {};
  return [sink = sink_, done = std::move(done)]() mutable { sink(std::move(done)); };
}

void SlaStore::rolled_back() {
  pending_ = {};
  marked_.clear();
}

void SlaStore::note(int64_t ticket_id, const char* type, const char* metric, int64_t due_at,
                    const std::string& why, int64_t now) {
  event_.bind(1, ticket_id).bind(2, type).bind(3, format_rfc3339(due_at));
  event_.bind(4, why.empty() ? std::string(metric) : std::string(metric) + " " + why).bind(5, now).run();
  pending_.notices.push_back({ticket_id, type, metric, due_at});
}

void SlaStore::refresh(int64_t ticket_id, int64_t now, std::optional<StoredClock> row) {
  protocol::SlaTicketFacts facts;
  std::string status;
  int64_t activity = 0, created_at = 0;
  {
    StmtUse q(facts_);
    q->bind(1, ticket_id);
    if (!q->step()) return;  // created in a savepoint that rolled back
    status = q->text(0);
    facts.priority = q->text(1);
    facts.channel_type = q->text(2);
    facts.channel_name = q->text(3);
    facts.group = q->text(4);
    activity = q->int64(5);
    created_at = q->int64(6);
  }
  {
    StmtUse q(tags_);
    q->bind(1, ticket_id);
    while (q->step()) facts.tags.push_back(q->text(0));
  }
  const protocol::SlaPolicy* policy = policies_->match(facts);
  if (!policy) {
    drop_.bind(1, ticket_id).run();
    return;
  }
  std::vector<protocol::SlaHistoryItem> history;
  {
    StmtUse q(status_history_);
    q->bind(1, ticket_id);
    while (q->step()) history.push_back({q->int64(0), protocol::SlaHistoryItem::Kind::status, q->text(1)});
  }
  {
    StmtUse q(message_history_);
    q->bind(1, ticket_id);
    while (q->step())
      history.push_back({q->int64(0), q->text(1) == "in" ? protocol::SlaHistoryItem::Kind::customer_message
                                                         : protocol::SlaHistoryItem::Kind::agent_reply, ""});
  }
  // Time order; in the same second a status change comes before a message (a customer's
  // message that reopens a ticket arrives once it is open), otherwise the order written.
  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
    bool a_status = a.kind == protocol::SlaHistoryItem::Kind::status;
    bool b_status = b.kind == protocol::SlaHistoryItem::Kind::status;
    return a.at != b.at ? a.at < b.at : a_status && !b_status;
  });
  history.insert(history.begin(), {created_at, protocol::SlaHistoryItem::Kind::status, "new"});
  protocol::SlaClock clock = protocol::sla_clock(history, policy->targets, now);
  std::optional<protocol::SlaSnapshot> before = row ? row->snapshot : std::nullopt;
  std::size_t notices_before = pending_.notices.size();
  protocol::SlaSnapshot after = protocol::sla_snapshot(policy->name, clock, now);
  int64_t before_at = before ? before->computed_at : 0;

  // What changed since the stored clock: each warning, breach and fulfilment once.
  auto compare = [&](const char* metric, const std::optional<SlaMetric>& old,
                     const std::optional<SlaMetric>& now_m) {
    if (!now_m) return;
    if (breached(now_m) && !(breached(old) && old->started_at == now_m->started_at)) {
      note(ticket_id, "sla.breached", metric, *now_m->breached_at, "", now);
      sample_.bind(1, ticket_id).bind(2, *now_m->breached_at).bind(3, "sla_breached").run();
    } else if (warned(now_m, now) && !(warned(old, before_at) && old->started_at == now_m->started_at)) {
      note(ticket_id, "sla.warning", metric, *now_m->due_at, "", now);
    }
    if (concluded(now_m) && !(concluded(old) && old->started_at == now_m->started_at)) {
      note(ticket_id, "sla.fulfilled", metric, *now_m->fulfilled_at,
           now_m->breached_at ? "late" : "in time", now);
      if (!now_m->breached_at)
        sample_.bind(1, ticket_id).bind(2, *now_m->fulfilled_at).bind(3, "sla_met").run();
    }
  };
  std::optional<SlaMetric> none;
  compare("first_reply", before ? before->first_reply : none, clock.first_reply);
  compare("resolution", before ? before->resolution : none, clock.resolution);
  // next_reply: a cycle per customer turn. The stored clock holds the cycle that was waiting;
  // cycles that began before it was computed and are not that one were told about then.
  for (const auto& cycle : clock.next_reply_cycles) {
    if (before && before->next_reply && before->next_reply->started_at == cycle.started_at)
      compare("next_reply", before->next_reply, cycle);
    else if (!before || cycle.started_at > before_at)
      compare("next_reply", none, cycle);
  }

  bool queued = status != "solved" && status != "closed";
  const char* flag = queued ? protocol::sla_flag(clock, now) : "ok";
  std::optional<int64_t> deadline = status == "closed" ? std::nullopt : clock.next_deadline;
  // Most writes to a ticket (a customer's "any news?") leave its clock on the course stored:
  // then the row stays as it is (no index, WAL or counter work). The flagged queue's order
  // (activity) matters only for flagged tickets.
  if (before && pending_.notices.size() == notices_before && row->flag == flag &&
      row->deadline == deadline && (row->activity == activity || row->flag == "ok") &&
      protocol::sla_continues(*before, after, policy->targets.calendar))
    return;
  upsert_.bind(1, ticket_id).bind(2, policy->name).bind(3, flag).bind(4, activity);
  upsert_.bind(5, deadline).bind(6, protocol::encode_sla_snapshot(after)).run();
  auto& earliest = pending_.earliest_deadline;
  if (deadline && (!earliest || *deadline < *earliest)) earliest = deadline;
}

std::optional<int64_t> SlaStore::run_due(int64_t now, std::size_t limit) {
  if (!enabled()) return std::nullopt;
  std::vector<int64_t> due;
  {
    StmtUse q(due_);
    q->bind(1, now).bind(2, static_cast<int64_t>(limit));
    while (q->step()) due.push_back(q->int64(0));
  }
  for (int64_t id : due) refresh(id, now, stored_clock(id));
  return earliest_deadline();
}

std::optional<int64_t> SlaStore::earliest_deadline() {
  StmtUse q(earliest_);
  if (!q->step()) return std::nullopt;
  return q->opt_int64(0);
}

int64_t SlaStore::adopt_policies(int64_t now) {
  std::string stored;
  {
    Stmt q(db_, "SELECT value FROM settings WHERE key = ?1");
    q.bind(1, kFingerprintKey);
    if (q.step()) stored = q.text(0);
  }
  if (stored == policies_->fingerprint()) return 0;
  std::vector<int64_t> ids;
  {
    // Every ticket in the queue (through the status index), and any other clock still waiting
    // for a deadline. A solved or closed ticket keeps the clock it concluded under (its
    // attainment was recorded then); a reopen recomputes it like any change.
    Stmt q(db_, "SELECT id FROM tickets WHERE status IN ('new', 'open', 'pending', 'on_hold') UNION "
                "SELECT ticket_id FROM ticket_sla WHERE next_deadline IS NOT NULL");
    while (q.step()) ids.push_back(q.int64(0));
  }
  if (!enabled()) {
    Stmt clear(db_, "DELETE FROM ticket_sla");
    clear.run();
    ids.clear();
  }
  for (int64_t id : ids) refresh(id, now, stored_clock(id));
  Stmt keep(db_, "INSERT INTO settings(key, value) VALUES (?1, ?2) "
                 "ON CONFLICT(key) DO UPDATE SET value = ?2");
  keep.bind(1, kFingerprintKey).bind(2, policies_->fingerprint()).run();
  return static_cast<int64_t>(ids.size());
}

}  // namespace touchpoint::storage
