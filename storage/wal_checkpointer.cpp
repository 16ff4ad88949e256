#include "storage/wal_checkpointer.hpp"

#include "storage/sqlite.hpp"

namespace touchpoint::storage {

WalCheckpointer::WalCheckpointer(std::string db_path, std::chrono::milliseconds every)
    : db_path_(std::move(db_path)), every_(every), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WalCheckpointer::run() {
  DbHandle db;
  try {
    db = open_db(db_path_, false);
  } catch (const SqliteError&) {
    return;  // the writer reports an unusable store; without us the WAL only grows
  }
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, every_, [this] { return stopping_; });
    bool last = stopping_;
    lock.unlock();
    // PASSIVE never waits for readers or the writer; it copies what it can. The last one
    // empties the WAL so a stopped store is one file.
    sqlite3_wal_checkpoint_v2(db.get(), nullptr,
                              last ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                              nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace touchpoint::storage
