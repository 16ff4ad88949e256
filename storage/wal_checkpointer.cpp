#include "storage/wal_checkpointer.hpp"

#include <sys/stat.h>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {
namespace {
std::int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}
}  // namespace

WalCheckpointer::WalCheckpointer(std::string db_path, Options options)
    : db_path_(std::move(db_path)), options_(options), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::int64_t WalCheckpointer::checkpoint(void* handle, int mode) {
  auto* db = static_cast<sqlite3*>(handle);
  int log = -1, copied = -1;
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, &log, &copied);
  if (rc == SQLITE_OK && log >= 0 && copied == log) completed_.fetch_add(1);
  wal_bytes_.store(file_size(db_path_ + "-wal"));
  return rc == SQLITE_OK && log > 0 ? log : 0;
}

void WalCheckpointer::run() {
  DbHandle db;
  std::int64_t page_size = 4096;
  try {
    db = open_db(db_path_, false);
    // A connection that has never read the database has not opened its WAL index, and a
    // checkpoint on it does nothing while reporting success (log = -1). One read opens it.
    exec(db.get(), "SELECT count(*) FROM sqlite_schema");
    // A RESTART waits for the writer's current group to end, and blocks new groups while it
    // waits: with SQLite's own busy handler every wait stalled ingest up to 100 ms; polling, the
    // restart slips in between two groups.
    poll_when_busy(db.get());
    Stmt q(db.get(), "PRAGMA page_size");
    if (q.step()) page_size = q.int64(0);
  } catch (const SqliteError&) {
    return;  // the writer reports an unusable store; without us the WAL only grows
  }
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.every, [this] { return stopping_; });
    bool last = stopping_;
    lock.unlock();
    // PASSIVE never waits for readers or the writer; it copies what it can. The last one
    // empties the WAL so a stopped store is one file.
    // What the WAL holds decides, not its file's size: the file is reused in place and keeps
    // its size (journal_size_limit), and deciding by it ran a RESTART, which blocks the writer
    // for its whole length, at every turn.
    std::int64_t frames = checkpoint(db.get(), last ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE);
    if (!last && frames * page_size > options_.restart_above)
      checkpoint(db.get(), SQLITE_CHECKPOINT_RESTART);
    lock.lock();
  }
}

}  // namespace touchpoint::storage
