#pragma once
// WalSyncer: makes the writer's commits durable on a thread of its own, so the writer runs the
// next group while the last one's fsync is in flight. The writer's connection commits without
// waiting for an fsync (TicketStore::sync_commits_elsewhere); its COMMIT has then written the
// group's WAL frames, and one fdatasync of the WAL file makes them durable. after_sync(done)
// queues done; the thread takes everything queued, syncs once (one fsync serves every group
// committed before it started) and runs each done(true), in order. When flushes are slow
// against how soon answered senders write again, the next sync waits a little for them
// (FlushGather), so they share one flush instead of taking turns. If the sync fails, each
// gets done(false): the commit may not survive a power loss, so the sender is told to retry
// (a retry of what did survive is deduplicated).
//
// The file is synced through a descriptor of our own: fdatasync flushes the file, whichever
// descriptor wrote it. It is reopened if the path names a new file (the WAL of a store whose
// every connection closed is deleted; the writer's stays open, so this should not happen).
//
// Thread-safe. Stops (syncing and answering everything queued) on stop() or destruction.
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/histogram.hpp"
#include "storage/flush_gather.hpp"

namespace touchpoint::storage {

class WalSyncer {
 public:
  explicit WalSyncer(std::string wal_path);
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // writes: how many requests the group answers (weights FlushGather's estimates).
  void after_sync(std::function<void(bool synced)> done, std::size_t writes);
  void stop();  // idempotent

  const protocol::Histogram& sync_seconds() const { return sync_seconds_; }
  std::int64_t failures() const { return failures_.load(); }  // syncs that failed
  std::int64_t gathered() const { return gathered_.load(); }  // syncs that waited for writes

 private:
  void run();
  bool sync();  // fdatasync of the WAL file; false when it failed or the file is missing

  std::string path_;
  int fd_ = -1;  // our descriptor of the WAL file, and its inode (sync thread only)
  ino_t inode_ = 0;
  protocol::Histogram sync_seconds_;
  std::atomic<std::int64_t> failures_{0};
  std::atomic<std::int64_t> gathered_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  struct Waiting {
    std::function<void(bool)> done;
    std::size_t writes;
  };
  std::vector<Waiting> queue_;     // guarded by mu_
  std::size_t queued_writes_ = 0;  // guarded by mu_
  FlushGather gather_;             // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace touchpoint::storage
