#include "storage/store_writer.hpp"

#include <sys/statvfs.h>

#include <chrono>
#include <limits>
#include <vector>

#include "storage/wal_checkpointer.hpp"
#include "storage/wal_syncer.hpp"

namespace touchpoint::storage {
namespace {
// Bytes an unprivileged writer may still use on dir's file system (max when unknown: a failed
// statvfs must not stop ingest).
std::int64_t free_bytes(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(st.f_bavail) * static_cast<std::int64_t>(st.f_frsize);
}
}  // namespace

StoreWriter::StoreWriter(TicketStore store, Options options)
    : store_(std::move(store)),
      options_(options),
      batch_sizes_({1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000}),
      commit_seconds_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1}),
      text_index_seconds_({0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}),
      checkpointer_(std::make_unique<WalCheckpointer>(database_path(store_.data_dir()),
                                                      WalCheckpointer::Options{})),
      syncer_(std::make_unique<WalSyncer>(store_.sync_commits_elsewhere(
          [this](std::function<void()> notices) { held_.push_back(std::move(notices)); }))),
      thread_([this] {
        store_.defer_text_index();
        index_text_when_due();  // what a restart found waiting is indexed soon
        run();
      }) {}

StoreWriter::~StoreWriter() { stop(); }

void StoreWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  syncer_->stop();  // after the writer: it syncs and answers the last groups
}

const protocol::Histogram& StoreWriter::sync_seconds() const { return syncer_->sync_seconds(); }
std::int64_t StoreWriter::failed_syncs() const { return syncer_->failures(); }
std::int64_t StoreWriter::gathered_syncs() const { return syncer_->gathered(); }

std::int64_t StoreWriter::wal_bytes() const { return checkpointer_->wal_bytes(); }

std::size_t StoreWriter::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool StoreWriter::enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void StoreWriter::run() {
  std::vector<Job> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      auto has_work = [this] { return stopping_ || !queue_.empty(); };
      if (!text_waiting_since_) {
        cv_.wait(lock, has_work);
      } else if (!cv_.wait_until(lock, *text_waiting_since_ + options_.text_index_delay, has_work)) {
        lock.unlock();
        index_text_when_due();  // the oldest has now waited long enough
        continue;
      }
      if (queue_.empty()) return;  // stopping, and everything queued was answered
      std::size_t n = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (options_.min_free_bytes > 0) {
      bool low = free_bytes(store_.data_dir()) < options_.min_free_bytes;
      disk_low_.store(low);
      if (low) {
        for (auto& job : group) job.finish(false);
        group.clear();
        continue;
      }
    }
    auto start = std::chrono::steady_clock::now();
    Status committed = store_.batch([&] {
      for (auto& job : group) job.apply(store_);
    });
    commit_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    batch_sizes_.observe(static_cast<double>(group.size()));
    if (!committed) {  // rolled back: no notices were taken out, nothing waits for a sync
      for (auto& job : group) job.finish(false);
      group.clear();
      held_.clear();
      continue;
    }
    // The notices go out even when the sync failed: the commit is what readers see now.
    std::size_t writes = group.size();
    syncer_->after_sync([group = std::move(group), notices = std::move(held_)](bool synced) {
      for (const auto& n : notices) n();
      for (const auto& job : group) job.finish(synced);
    }, writes);
    group.clear();  // moved from: make it empty again
    held_.clear();
    index_text_when_due();
  }
}

// Its own transaction, after the group's: the group's answers do not wait for it (their fsync
// runs meanwhile), and it needs no fsync of its own: lost in a crash, the index and its cursor
// are lost together and written again. Until then a search has the writer index what it needs.
void StoreWriter::index_text_when_due() {
  auto now = std::chrono::steady_clock::now();
  if (disk_low_.load()) {  // groups are refused for space, and so is this: tried in a while
    if (text_waiting_since_) text_waiting_since_ = now;
    return;
  }
  auto lag = store_.text_index_lag();
  if (!lag || *lag == 0) {
    text_waiting_since_.reset();
    return;
  }
  if (!text_waiting_since_) text_waiting_since_ = now;
  if (*lag < options_.text_index_batch && now - *text_waiting_since_ < options_.text_index_delay)
    return;
  constexpr std::int64_t kMostAtOnce = 5000;  // bounds the transaction, so groups wait little
  Result<std::int64_t> waiting = std::int64_t{0};
  Status indexed = store_.batch([&] { waiting = store_.index_text(kMostAtOnce); });
  text_index_seconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count());
  if (!held_.empty()) {  // none expected (no ticket was touched), but never dropped
    syncer_->after_sync([notices = std::move(held_)](bool) {
      for (const auto& n : notices) n();
    }, 0);
    held_.clear();
  }
  if (indexed && waiting && *waiting == 0)
    text_waiting_since_.reset();
  else
    text_waiting_since_ = std::chrono::steady_clock::now();  // the rest, or a retry, in a while
}

}  // namespace touchpoint::storage
