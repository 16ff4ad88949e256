#pragma once
// Runs WAL checkpoints on its own connection and thread, so the writer never pauses for one
// (they take 100-200 ms on a large WAL). The writer sets wal_autocheckpoint=0.
//
// Thread-safe. Stops (with a final TRUNCATE checkpoint) on destruction.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace touchpoint::storage {

class WalCheckpointer {
 public:
  WalCheckpointer(std::string db_path, std::chrono::milliseconds every);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void run();
  std::string db_path_;
  std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace touchpoint::storage
