#pragma once
// RoutingStore: automatic assignment on the writer's connection, inside the write transaction.
// Writes mark the tickets that may need an agent (created, reopened unassigned, given a group
// while unassigned) and note when a slot frees up; just before the outermost COMMIT the
// marked tickets are given an agent (protocol::choose_agent over the available members of
// their group and their open counts, kept by triggers), then, if a slot freed up, the oldest
// waiting tickets. The round-robin turn is kept in settings, so it survives restarts.
//
// Internal to storage/. Not thread-safe: the writer thread only.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "protocol/routing.hpp"
#include "storage/sqlite.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {

class RoutingStore {
 public:
  // touch: how the store records a change to a ticket (activity, its SLA clock).
  RoutingStore(sqlite3* db, std::function<void(int64_t ticket_id, int64_t now)> touch);

  void use(protocol::RoutingSettings settings, AvailableAgents available, AssignedSink sink);
  bool enabled() const { return settings_.mode != protocol::RoutingMode::manual && available_; }

  void mark(int64_t ticket_id) {
    if (enabled()) marked_.insert(ticket_id);
  }
  void slot_freed() { freed_ = enabled(); }

  void before_commit(int64_t now);
  std::function<void()> committed();  // takes the assignments out, as SlaStore
  void rolled_back();

  // The oldest waiting tickets, as many as can be given someone now (at most limit looked at).
  int64_t assign_waiting(int64_t now, std::size_t limit);

 private:
  // Gives the ticket an agent if it is open, unassigned and someone can take it.
  bool route(int64_t ticket_id, const std::set<int64_t>& available, int64_t now);

  sqlite3* db_;
  std::function<void(int64_t, int64_t)> touch_;
  protocol::RoutingSettings settings_;
  AvailableAgents available_;
  AssignedSink sink_;
  std::set<int64_t> marked_;
  bool freed_ = false;
  std::vector<int64_t> assigned_;

  Stmt ticket_;
  Stmt members_;
  Stmt everyone_;
  Stmt open_count_;
  Stmt last_;
  Stmt remember_;
  Stmt assign_;
  Stmt event_;
  Stmt waiting_;
};

}  // namespace touchpoint::storage
