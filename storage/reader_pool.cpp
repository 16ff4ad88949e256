#include "storage/reader_pool.hpp"

namespace touchpoint::storage {

Result<std::unique_ptr<ReaderPool>> ReaderPool::open(const std::string& data_dir, Options options) {
  std::vector<TicketReader> readers;
  for (int i = 0; i < options.threads; ++i) {
    auto r = TicketReader::open(data_dir);
    if (!r) return r.error();
    r->use_sla(options.sla, options.now);
    readers.push_back(std::move(r).value());
  }
  return std::unique_ptr<ReaderPool>(new ReaderPool(std::move(readers), options));
}

ReaderPool::ReaderPool(std::vector<TicketReader> readers, Options options)
    : options_(options), readers_(std::move(readers)) {
  for (auto& r : readers_) threads_.emplace_back([this, &r] { run(r); });
}

ReaderPool::~ReaderPool() { stop(); }

void ReaderPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

bool ReaderPool::enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void ReaderPool::run(TicketReader& reader) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job(reader);
  }
}

}  // namespace touchpoint::storage
