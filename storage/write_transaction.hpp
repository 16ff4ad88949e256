#pragma once
// The write transaction and the work at its end: full-text index writes queued until the
// outermost COMMIT, and the hooks that run just before it (SLA clocks), once it returned
// (notices to the server) and when it rolled back. Internal to storage/.
#include <functional>
#include <string>
#include <vector>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {

// Full-text index writes (ticket subjects; message bodies have their own cursor, see
// text_index.hpp) wait for the end of the outermost transaction. FTS5 flushes its pending terms
// into a new on-disk segment at every SAVEPOINT and RELEASE, and each request of a commit group
// runs in savepoints: written in place, every row became its own segment (and then merge work).
// Queued here, a whole group's text goes into the index in one flush just before COMMIT.
class SearchWrites {
 public:
  void add(Stmt& insert, int64_t rowid, std::string text) {
    queued_.push_back({&insert, rowid, std::move(text)});
  }
  std::size_t size() const { return queued_.size(); }
  // What a rolled-back savepoint wrote never reaches the index.
  void truncate(std::size_t n) { queued_.erase(queued_.begin() + static_cast<long>(n), queued_.end()); }
  void flush() {
    if (before_commit) before_commit();
    for (auto& w : queued_) w.insert->bind(1, w.rowid).bind(2, w.text).run();
    queued_.clear();
  }

  // The rest of the outermost transaction's end: work just before COMMIT (the SLA clocks of the
  // tickets it touched, which may write rows and queue index writes of their own), what to do
  // once COMMIT returned (their live notices), and when it rolled back.
  std::function<void()> before_commit, after_commit, rolled_back;

 private:
  struct Write {
    Stmt* insert;  // (rowid, text): an insert into, or a 'delete' command on, an FTS5 table
    int64_t rowid;
    std::string text;
  };
  std::vector<Write> queued_;
};

// A transaction, or a savepoint inside one, that also owns the index writes queued in it:
// flushed when the outermost commits, dropped with a rollback.
class Tx {
 public:
  Tx(sqlite3* db, SearchWrites& search, TransactionStatements& prepared)
      : tx_(db, &prepared), search_(search), mark_(search.size()) {}
  ~Tx() {
    if (done_) return;
    search_.truncate(mark_);
    if (tx_.outer() && search_.rolled_back) search_.rolled_back();
  }
  void commit() {
    if (tx_.outer()) search_.flush();
    tx_.commit();
    done_ = true;
    if (tx_.outer() && search_.after_commit) search_.after_commit();
  }
  bool outer() const { return tx_.outer(); }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Transaction tx_;
  SearchWrites& search_;
  std::size_t mark_;
  bool done_ = false;
};

}  // namespace touchpoint::storage
