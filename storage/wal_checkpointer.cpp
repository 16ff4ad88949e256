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

void WalCheckpointer::checkpoint(void* handle, int mode) {
  auto* db = static_cast<sqlite3*>(handle);
  int log = -1, copied = -1;
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, &log, &copied);
  if (rc == SQLITE_OK && log >= 0 && copied == log) completed_.fetch_add(1);
  wal_bytes_.store(file_size(db_path_ + "-wal"));
}

void WalCheckpointer::run() {
  DbHandle db;
  try {
    db = open_db(db_path_, false);
    // A connection that has never read the database has not opened its WAL index, and a
    // checkpoint on it does nothing while reporting success (log = -1). One read opens it.
    exec(db.get(), "SELECT count(*) FROM sqlite_schema");
    // A RESTART waits for the writer's current group to end, and blocks new groups while it
    // waits. SQLite's own busy handler sleeps in steps of up to 100 ms, and every one of them
    // stalled ingest that long; this one looks again every 100 us, so the restart slips in
    // between two groups. (It gives up after ~5 s, as the default timeout did.)
    sqlite3_busy_handler(
        db.get(),
        [](void*, int tries) {
          if (tries >= 50000) return 0;
          std::this_thread::sleep_for(std::chrono::microseconds(100));
          return 1;
        },
        nullptr);
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
    checkpoint(db.get(), last ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE);
    if (!last && wal_bytes_.load() > options_.restart_above)
      checkpoint(db.get(), SQLITE_CHECKPOINT_RESTART);
    lock.lock();
  }
}

}  // namespace touchpoint::storage
