#pragma once
// ReaderPool: a few threads, each with its own read-only TicketReader, for agent and supervisor
// reads (and other blocking work such as password checks) that must never run on I/O threads.
// WAL readers never block the writer, and each read sees one committed snapshot.
//
// Thread-safe: submit() from any thread. Completions run on a pool thread and must not block.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/ticket_reader.hpp"

namespace touchpoint::storage {

class ReaderPool {
 public:
  struct Options {
    int threads = 2;
    std::size_t max_queue = 10000;  // past this, submit() refuses: the caller answers 503
    std::shared_ptr<const protocol::SlaPolicies> sla = {};  // renders tickets' SLA clocks
    Clock now = system_clock_now;
  };
  // REQUIRES: the store exists. Fails when a reader cannot open it.
  static Result<std::unique_ptr<ReaderPool>> open(const std::string& data_dir, Options options);
  ~ReaderPool();  // stop()
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs op with a reader of its own, then done with the result. false (done never called)
  // when the queue is full or the pool is stopping.
  template <class T>
  bool submit(std::function<Result<T>(TicketReader&)> op, std::function<void(Result<T>)> done) {
    return enqueue([op = std::move(op), done = std::move(done)](TicketReader& r) { done(op(r)); });
  }

  // Answers everything queued, then joins. Idempotent.
  void stop();

 private:
  using Job = std::function<void(TicketReader&)>;
  ReaderPool(std::vector<TicketReader> readers, Options options);
  bool enqueue(Job job);
  void run(TicketReader& reader);

  Options options_;
  std::vector<TicketReader> readers_;  // one per thread, never shared
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace touchpoint::storage
