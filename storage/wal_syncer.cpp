#include "storage/wal_syncer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace touchpoint::storage {

WalSyncer::WalSyncer(std::string wal_path)
    : path_(std::move(wal_path)),
      sync_seconds_({0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 1}),
      thread_([this] { run(); }) {}

WalSyncer::~WalSyncer() {
  stop();
  if (fd_ >= 0) ::close(fd_);
}

void WalSyncer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WalSyncer::after_sync(std::function<void(bool synced)> done, std::size_t writes) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Waiting{std::move(done), writes});
    queued_writes_ += writes;
    gather_.committed(std::chrono::steady_clock::now(), writes);
  }
  cv_.notify_one();
}

bool WalSyncer::sync() {
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) {
    return false;
  }
  if (fd_ < 0 || named.st_ino != inode_) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return false;
    inode_ = named.st_ino;
  }
  return ::fdatasync(fd_) == 0;
}

void WalSyncer::run() {
  std::vector<Waiting> taken;
  for (;;) {
    std::size_t writes = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (auto until = gather_.gather_until(); until && !stopping_) {
        gathered_.fetch_add(1);
        cv_.wait_until(lock, *until, [this] { return stopping_ || gather_.back(); });
      }
      if (queue_.empty()) return;  // stopping, and everything queued was answered
      taken.swap(queue_);
      writes = queued_writes_;
      queued_writes_ = 0;
    }
    auto start = std::chrono::steady_clock::now();
    bool synced = sync();
    if (!synced) failures_.fetch_add(1);
    auto end = std::chrono::steady_clock::now();
    sync_seconds_.observe(std::chrono::duration<double>(end - start).count());
    {
      std::lock_guard lock(mu_);  // before the answers: a sender may write again at once
      gather_.answered(end, writes, queued_writes_, end - start);
    }
    for (auto& t : taken) t.done(synced);
    taken.clear();
  }
}

}  // namespace touchpoint::storage
