#include "storage/wal_checkpointer.hpp"

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {
namespace {
std::int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

// Writes back the store file's pages that checkpoints copied: waiting until they are durable
// (fdatasync), or only starting the writeback (sync_file_range). Through a descriptor of our
// own: either flushes the file, whichever descriptor wrote it. A file that cannot be opened is
// left alone: the RESTART that follows syncs, and reports, for itself.
enum class Flush { wait, start };
void flush_file(const std::string& path, Flush how) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (how == Flush::wait)
    ::fdatasync(fd);
  else
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  ::close(fd);
}

// What a round may leave for the RESTART to copy under the writer's lock: a few commits' worth.
constexpr std::int64_t kOwedFrames = 64;
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

WalCheckpointer::Progress WalCheckpointer::checkpoint(void* handle, int mode) {
  auto* db = static_cast<sqlite3*>(handle);
  int log = -1, copied = -1;
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, &log, &copied);
  if (rc == SQLITE_OK && log >= 0 && copied == log) completed_.fetch_add(1);
  wal_bytes_.store(file_size(db_path_ + "-wal"));
  if (rc != SQLITE_OK || log <= 0) return {};
  return {log, std::max(copied, 0)};
}

// The pages a PASSIVE round copied are dirty in the OS's cache. Left there, the kernel wrote
// them back in bursts of many megabytes, and every WAL fsync that met a burst waited behind it:
// on a grown store at 1,000 msg/s those slow syncs set the p99. Writing them back from each
// round on (without waiting) keeps the disk's queue short; the sync before a RESTART then
// finds little left to flush.
WalCheckpointer::Progress WalCheckpointer::passive_round(void* db) {
  Progress p = checkpoint(db, SQLITE_CHECKPOINT_PASSIVE);
  if (p.copied > 0) flush_file(db_path_, Flush::start);
  return p;
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
    if (last) {
      checkpoint(db.get(), SQLITE_CHECKPOINT_TRUNCATE);
    } else if (Progress p = passive_round(db.get()); p.frames * page_size > options_.restart_above) {
      // A RESTART holds the writer's lock while it copies what the WAL still owes the store and
      // then syncs the store file. SQLite syncs the store only when a checkpoint reaches the
      // WAL's end, which under steady writes only the RESTART does, so its sync flushed every
      // page the PASSIVE rounds had copied since the last one: 20-80 ms of ingest stalled on
      // a grown store. So sync here, with no lock held, and copy what came meanwhile, until a
      // round has little left to copy; the RESTART is then a few frames and a short sync.
      for (int round = 0; round < 4; ++round) {
        flush_file(db_path_, Flush::wait);
        Progress next = passive_round(db.get());
        bool little = next.copied - p.copied < kOwedFrames;  // also when the WAL started over
        p = next;
        if (little) break;
      }
      if (p.frames * page_size > options_.restart_above) checkpoint(db.get(), SQLITE_CHECKPOINT_RESTART);
    }
    lock.lock();
  }
}

}  // namespace touchpoint::storage
