#pragma once
// Runs WAL checkpoints on its own connection and thread, so the writer never pauses for one
// (they take 100-200 ms on a large WAL). The writer sets wal_autocheckpoint=0.
//
// The WAL stays bounded: a PASSIVE checkpoint every `every` copies what it can without waiting
// for anyone; when the WAL still holds more than `restart_above` bytes of frames (continuous
// writes kept it from ever being fully copied, so the writer never wrapped to its start), a
// RESTART waits for the writer's next gap, so the following transaction starts the WAL over
// (in place: the writer's journal_size_limit only cuts a file that grew past it).
//
// Thread-safe. Stops (with a final TRUNCATE checkpoint) on destruction.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace touchpoint::storage {

class WalCheckpointer {
 public:
  struct Options {
    std::chrono::milliseconds every{200};
    std::int64_t restart_above = 16 << 20;  // bytes of frames in the WAL
  };
  WalCheckpointer(std::string db_path, Options options);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Size of the -wal file after the last checkpoint, in bytes (for /metrics).
  std::int64_t wal_bytes() const { return wal_bytes_.load(); }
  // Checkpoints that copied every frame, and ones that could not (a reader or error).
  std::int64_t completed() const { return completed_.load(); }

 private:
  void run();
  struct Progress {
    std::int64_t frames = 0;  // frames the WAL holds
    std::int64_t copied = 0;  // of them, copied into the store
  };
  Progress checkpoint(void* db, int mode);
  Progress passive_round(void* db);  // a PASSIVE checkpoint, its pages' writeback started
  std::string db_path_;
  Options options_;
  std::atomic<std::int64_t> wal_bytes_{0};
  std::atomic<std::int64_t> completed_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace touchpoint::storage
