#pragma once
#include <string>

namespace touchpoint::bench {

struct SlaBenchOptions {
  std::string data_dir;  // scratch: a fresh store
  long tickets = 1000000;
  int samples = 1000;
};

// SLA clocks and statistics at scale, straight through TicketStore / TicketReader: ingest with
// and without policies, the deadlines falling due, the live statistics, the at-risk queue, a
// year's report, and recomputing every clock after a policy change.
int run_sla_bench(const SlaBenchOptions& o);

}  // namespace touchpoint::bench
