#pragma once
// StoreWriter: the one writer thread. It owns the only read-write connection (so our own
// connections never meet SQLITE_BUSY) and commits in groups: it drains its queue, runs every
// queued operation inside one transaction (each its own savepoint, so one bad request fails
// alone), COMMITs once, and answers each only once the commit is durable. A lone request under
// light load commits alone, so latency stays low.
//
// The fsync is not the writer's: WalSyncer syncs the WAL on its own thread while the writer
// already runs the next group, and one fsync serves every group committed before it started.
// Under load the writer's core then only runs SQL (with the fsync on the writer, it sat idle
// through every one), and a slow disk delays answers without slowing the writer down.
//
// Thread-safe: submit() from any thread. Completions run on the syncer's thread, after the
// group that contains their operation was committed and synced, in commit order, each after
// the live notices of its commit (SLA, surveys, assignment) were handed on; a completion must
// not block (post elsewhere).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "protocol/histogram.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {

class WalCheckpointer;
class WalSyncer;

class StoreWriter {
 public:
  struct Options {
    std::size_t max_queue = 20000;  // past this, submit() refuses: the caller answers 503
    std::size_t max_batch = 2000;   // bounds one transaction's size and its latency
    // Below this many bytes free on the store's file system, groups are refused without being
    // run (every request answered "unavailable", so senders retry) until space returns: the
    // disk never fills to the last byte, and health checks see what ingest sees.
    std::int64_t min_free_bytes = 0;
    // Message bodies, ticket subjects and customer names enter the full-text indexes in
    // transactions of their own, between groups (storage/text_index.hpp): once this many rows wait, or once the
    // oldest waited this long. A search never waits for either: it has what it lacks indexed
    // first.
    std::int64_t text_index_batch = 1000;
    std::chrono::milliseconds text_index_delay{500};
  };

  StoreWriter(TicketStore store, Options options);
  StoreWriter(TicketStore store) : StoreWriter(std::move(store), Options{}) {}  // NOLINT
  ~StoreWriter();  // stop()
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queues op for the next group. done receives op's result once the group committed, or
  // unavailable if the commit failed. Returns false (and never calls done) when the queue is
  // full or the writer is stopping: nothing was accepted, the caller tells the sender to retry.
  template <class T>
  bool submit(std::function<Result<T>(TicketStore&)> op, std::function<void(Result<T>)> done);

  // Stops taking work, commits and answers everything already queued, joins. Idempotent.
  void stop();

  std::size_t queue_depth() const;
  std::int64_t wal_bytes() const;  // the -wal file's size after the last checkpoint
  bool disk_low() const { return disk_low_.load(); }  // the last group was refused for space
  const protocol::Histogram& batch_sizes() const { return batch_sizes_; }
  const protocol::Histogram& commit_seconds() const { return commit_seconds_; }
  const protocol::Histogram& text_index_seconds() const { return text_index_seconds_; }
  const protocol::Histogram& sync_seconds() const;  // each fsync of the WAL
  std::int64_t failed_syncs() const;
  std::int64_t gathered_syncs() const;  // syncs that waited for answered senders to write again

 private:
  struct Job {
    std::function<void(TicketStore&)> apply;    // inside the group's transaction
    std::function<void(bool committed)> finish;  // once the COMMIT returned and was synced
  };
  bool enqueue(Job job);
  void run();
  void index_text_when_due();

  TicketStore store_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> disk_low_{false};
  protocol::Histogram batch_sizes_;
  protocol::Histogram commit_seconds_;
  protocol::Histogram text_index_seconds_;
  // Since when rows have waited for the full-text indexes (writer thread only).
  std::optional<std::chrono::steady_clock::time_point> text_waiting_since_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::vector<std::function<void()>> held_;  // the live notices of the group being committed
  std::unique_ptr<WalSyncer> syncer_;
  std::thread thread_;  // last: starts after every member above exists
};

template <class T>
bool StoreWriter::submit(std::function<Result<T>(TicketStore&)> op,
                         std::function<void(Result<T>)> done) {
  auto result = std::make_shared<std::optional<Result<T>>>();
  return enqueue(Job{
      [op = std::move(op), result](TicketStore& s) {
        s.atomically([&] {
          result->emplace(op(s));
          return (*result)->has_value();
        });
      },
      [done = std::move(done), result](bool committed) {
        if (committed && result->has_value())
          done(std::move(**result));
        else
          done(Error{Errc::unavailable, "the store cannot take writes now"});
      }});
}

}  // namespace touchpoint::storage
