#pragma once
#include <string>

namespace touchpoint::bench {

struct QueueOptions {
  std::string data_dir = "bench-data/queue";
  long tickets = 1000000;
  int messages_per_ticket = 5;
  int samples = 2000;
};

// Seeds tickets straight through TicketStore (grouped into large transactions, as the writer
// would under load) unless the store already holds them, then times the agent queue page and
// opening one ticket on a read-only connection.
int run_queue(const QueueOptions& o);

}  // namespace touchpoint::bench
