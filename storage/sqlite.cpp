#include "storage/sqlite.hpp"

#include <chrono>
#include <mutex>
#include <thread>

namespace touchpoint::storage {
namespace {
// Process-wide SQLite settings, applied once before the first connection opens (sqlite3_config
// is refused after sqlite3_initialize). Memory statistics off: with them on, every allocation
// inside SQLite takes one global mutex, which profiling showed as ~8% of the writer's time.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

[[noreturn]] void fail(sqlite3* db, int rc) {
  throw SqliteError(rc, std::string("sqlite: ") + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}
}  // namespace

bool SqliteError::transient() const {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

DbHandle open_db(const std::string& path, bool read_only) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) fail(db.get(), rc);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

void poll_when_busy(sqlite3* db) {
  sqlite3_busy_handler(
      db,
      [](void*, int tries) {
        if (tries >= 50000) return 0;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        return 1;
      },
      nullptr);
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(rc, "sqlite: " + msg);
  }
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) fail(db, rc);
}

Stmt& Stmt::bind(int i, int64_t v) {
  if (int rc = sqlite3_bind_int64(stmt_.get(), i, v); rc != SQLITE_OK) fail(db_, rc);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text64(stmt_.get(), i, v.data(), v.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
      rc != SQLITE_OK)
    fail(db_, rc);
  return *this;
}
Stmt& Stmt::bind(int i, const std::optional<std::string>& v) {
  return v ? bind(i, std::string_view(*v)) : bind_null(i);
}
Stmt& Stmt::bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
Stmt& Stmt::bind_null(int i) {
  if (int rc = sqlite3_bind_null(stmt_.get(), i); rc != SQLITE_OK) fail(db_, rc);
  return *this;
}

bool Stmt::try_run() noexcept {
  int rc;
  while ((rc = sqlite3_step(stmt_.get())) == SQLITE_ROW) {
  }
  sqlite3_reset(stmt_.get());
  return rc == SQLITE_DONE;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_.get());
  fail(db_, rc);
}

void Stmt::run() {
  StmtUse use(*this);
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
std::string Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
           : std::string();
}
std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

Transaction::Transaction(sqlite3* db, TransactionStatements* prepared)
    : db_(db), prepared_(prepared), outer_(sqlite3_get_autocommit(db) != 0) {
  if (prepared_)
    (outer_ ? prepared_->begin : prepared_->savepoint).run();
  else
    exec(db_, outer_ ? "BEGIN IMMEDIATE" : "SAVEPOINT tx");
}

Transaction::~Transaction() {
  if (done_) return;
  // Destructors never fail (E.16): a failed rollback leaves SQLite to roll back on close.
  if (prepared_) {
    if (outer_) {
      prepared_->rollback.try_run();
    } else {
      prepared_->rollback_to.try_run();
      prepared_->release.try_run();
    }
  } else if (outer_) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  } else {
    sqlite3_exec(db_, "ROLLBACK TO tx; RELEASE tx", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  if (prepared_)
    (outer_ ? prepared_->commit : prepared_->release).run();
  else
    exec(db_, outer_ ? "COMMIT" : "RELEASE tx");
  done_ = true;
}

}  // namespace touchpoint::storage
