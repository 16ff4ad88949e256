#pragma once
// SlaStore: keeps each ticket's SLA clock in the store, on the writer's connection, inside the
// write transaction. Every write that touches a ticket marks it; just before the outermost
// COMMIT the marked tickets' clocks are computed again from their history (the pure
// protocol::sla_clock, so what is stored always equals a replay), their due times and flags
// written, and every warning, breach and fulfilment recorded as an event on the ticket's
// timeline and a service sample. The notices reach the server only once COMMIT returned.
//
// Internal to storage/. Not thread-safe: the writer thread only.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "protocol/sla_policy.hpp"
#include "protocol/sla_snapshot.hpp"
#include "storage/sqlite.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {

class SlaStore {
 public:
  SlaStore(sqlite3* db, std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink);

  void use(std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink);
  const protocol::SlaPolicies& policies() const { return *policies_; }
  bool enabled() const { return !policies_->empty(); }
  // This ticket changed in the current transaction.
  void mark(int64_t ticket_id) {
    if (enabled()) marked_[ticket_id] = true;
  }
  // Its only change (so far) is a customer message written now: while the clock waits for an
  // agent already, that changes nothing (protocol::sla_waits_for_agent), and costs one read.
  void mark_customer_message(int64_t ticket_id) {
    if (enabled()) marked_.try_emplace(ticket_id, false);
  }
  // Just before the outermost COMMIT: recomputes the marked tickets' clocks.
  void before_commit(int64_t now);
  // Once COMMIT returned: takes the transaction's notices out. Running the answer (empty when
  // there are none) hands them to the sink; the caller runs it once the commit is durable.
  std::function<void()> committed();
  // The outermost transaction rolled back: nothing it computed happened.
  void rolled_back();

  // Recomputes the clocks whose next deadline is due at now (at most limit of them); answers
  // the earliest deadline still ahead.
  std::optional<int64_t> run_due(int64_t now, std::size_t limit);
  // When the policies differ from the ones the stored clocks were computed with, computes
  // every clock of a ticket in the queue again, and any other clock still waiting for a
  // deadline (dropping those no policy covers any more); a solved or closed ticket keeps the
  // clock it concluded under until it is reopened.
  // Answers how many were computed.
  int64_t adopt_policies(int64_t now);
  std::optional<int64_t> earliest_deadline();

 private:
  // The ticket_sla row as stored (snapshot nullopt if unreadable).
  struct StoredClock {
    std::optional<protocol::SlaSnapshot> snapshot;
    std::string flag;
    int64_t activity = 0;
    std::optional<int64_t> deadline;
  };
  std::optional<StoredClock> stored_clock(int64_t ticket_id);
  // Computes the clock again from history; row: the stored one (nullopt: none yet).
  void refresh(int64_t ticket_id, int64_t now, std::optional<StoredClock> row);
  void note(int64_t ticket_id, const char* type, const char* metric, int64_t due_at,
            const std::string& why, int64_t now);

  sqlite3* db_;
  std::shared_ptr<const protocol::SlaPolicies> policies_;
  SlaSink sink_;
  std::map<int64_t, bool> marked_;  // ticket → needs a full recompute
  SlaCommitted pending_;

  Stmt facts_;
  Stmt tags_;
  Stmt status_history_, message_history_;
  Stmt stored_;
  Stmt upsert_;
  Stmt drop_;
  Stmt event_;
  Stmt sample_;
  Stmt due_;
  Stmt earliest_;
};

}  // namespace touchpoint::storage
