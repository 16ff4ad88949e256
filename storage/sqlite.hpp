#pragma once
// RAII over SQLite's C handles, for storage/*.cpp only (it includes <sqlite3.h>).
// Errors surface as SqliteError exceptions inside storage; the public storage API converts
// them to Result values at its boundary, so nothing above storage ever sees one.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace touchpoint::storage {

struct SqliteError : std::runtime_error {
  SqliteError(int rc, const std::string& what) : std::runtime_error(what), code(rc) {}
  int code;
  // SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR...: the store cannot take writes now, try later.
  bool transient() const;
};

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

DbHandle open_db(const std::string& path, bool read_only);
// Replaces SQLite's busy handler, which sleeps in steps of up to 100 ms, with one that looks
// again every 100 us (giving up after ~5 s, as the default timeout did), so a connection that
// met a lock gets it within a tenth of a millisecond of its release. For the writer and the
// checkpointer, which take turns with the WAL's write lock many times a second.
void poll_when_busy(sqlite3* db);
void exec(sqlite3* db, const char* sql);

// A prepared statement, reset after each use so it can be cached and reused.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::optional<std::string>& v);
  Stmt& bind(int i, const std::optional<int64_t>& v);
  Stmt& bind_null(int i);
  bool step();   // true: a row is ready
  void run();    // step to completion and reset
  bool try_run() noexcept;  // run, for destructors: false instead of throwing
  void reset();
  int64_t int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, FinalizeStmt> stmt_;
};

// Resets a Stmt when it goes out of scope, so an early return or an exception never leaves a
// statement holding a read lock.
class StmtUse {
 public:
  explicit StmtUse(Stmt& s) : s_(s) {}
  ~StmtUse() { s_.reset(); }
  Stmt* operator->() { return &s_; }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;

 private:
  Stmt& s_;
};

// One read snapshot across several statements: BEGIN now, COMMIT (which cannot fail for a
// read) when it goes out of scope, whatever path leaves the scope.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite3* db) : db_(db) { exec(db_, "BEGIN"); }
  ~ReadSnapshot() { sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sqlite3* db_;
};

// A transaction that nests: BEGIN IMMEDIATE at the outermost level (a read transaction later
// upgraded to a write is where SQLITE_BUSY comes from), a SAVEPOINT inside one. The writer
// opens the outer one for a whole batch, so each request of the batch is its own savepoint and
// one bad request fails alone. Rolls back unless commit() was called.
// BEGIN, COMMIT, SAVEPOINT and their kin prepared once for a connection that opens many
// transactions (the writer opens two savepoints per request): sqlite3_exec parses each anew.
struct TransactionStatements {
  explicit TransactionStatements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"), commit(db, "COMMIT"), rollback(db, "ROLLBACK"),
        savepoint(db, "SAVEPOINT tx"), release(db, "RELEASE tx"), rollback_to(db, "ROLLBACK TO tx") {}
  Stmt begin, commit, rollback, savepoint, release, rollback_to;
};

class Transaction {
 public:
  explicit Transaction(sqlite3* db, TransactionStatements* prepared = nullptr);
  ~Transaction();
  void commit();
  bool outer() const { return outer_; }  // a real BEGIN ... COMMIT, not a savepoint
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  sqlite3* db_;
  TransactionStatements* prepared_;
  bool outer_;
  bool done_ = false;
};

}  // namespace touchpoint::storage
