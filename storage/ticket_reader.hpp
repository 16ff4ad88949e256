#pragma once
// TicketReader: one read-only connection for agent and supervisor reads. WAL readers never
// block the writer, and each read sees one committed snapshot.
//
// Not thread-safe: one thread at a time per reader; the server keeps a small pool.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.hpp"
#include "storage/views.hpp"

namespace touchpoint::storage {

struct QueueCursor {
  int64_t updated_at = 0;
  int64_t id = 0;
};

struct QueueQuery {
  std::string status = "open";
  std::size_t limit = 25;
  std::optional<QueueCursor> after = {};  // continue after this ticket (most recent first)
};

class TicketReader {
 public:
  // REQUIRES: the store exists (a TicketStore opened it once, applying migrations).
  static Result<TicketReader> open(const std::string& data_dir);
  TicketReader(TicketReader&&) noexcept;
  TicketReader& operator=(TicketReader&&) noexcept;
  ~TicketReader();

  // One page of a status queue, most recently updated first, through the index that matches
  // the sort (no sort step, whatever the queue's size).
  Result<std::vector<TicketRow>> queue(const QueueQuery& q);
  Result<TicketView> ticket(int64_t id);
  Result<CustomerView> customer(int64_t id);
  Result<std::map<std::string, int64_t>> status_counts();
  Result<std::optional<AgentRow>> agent_by_email(const std::string& email);

 private:
  struct Impl;
  explicit TicketReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchpoint::storage
