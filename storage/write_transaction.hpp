#pragma once
// The write transaction and the work at its end: the hooks that run just before the outermost
// COMMIT (assignment, SLA clocks, the full-text indexes' catch-up), once it returned (notices
// to the server) and when it rolled back. Internal to storage/.
#include <functional>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {

// What the outermost transaction's end runs: work just before COMMIT (the clocks of the
// tickets it touched, which may write rows of their own), what to do once COMMIT returned
// (their live notices), and when it rolled back.
struct CommitHooks {
  std::function<void()> before_commit, after_commit, rolled_back;
};

// A transaction, or a savepoint inside one; the outermost runs the hooks.
class Tx {
 public:
  Tx(sqlite3* db, CommitHooks& hooks, TransactionStatements& prepared)
      : tx_(db, &prepared), hooks_(hooks) {}
  ~Tx() {
    if (done_) return;
    if (tx_.outer() && hooks_.rolled_back) hooks_.rolled_back();
  }
  void commit() {
    if (tx_.outer() && hooks_.before_commit) hooks_.before_commit();
    tx_.commit();
    done_ = true;
    if (tx_.outer() && hooks_.after_commit) hooks_.after_commit();
  }
  bool outer() const { return tx_.outer(); }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Transaction tx_;
  CommitHooks& hooks_;
  bool done_ = false;
};

}  // namespace touchpoint::storage
