#pragma once
#include <string>

namespace touchpoint::bench {

struct ExperienceOptions {
  std::string data_dir = "bench-data/experience";
  long customers = 1000000;  // one contact each
  int loyal_contacts = 1000;  // the customer whose record is timed
  int samples = 2000;
};

// Seeds a store with many customers and one with a long journey across channels (replies,
// solves, surveys), straight through TicketStore, unless it exists; then times reading that
// customer's experience record, and a one-contact customer's, on a read-only connection.
int run_experience(const ExperienceOptions& o);

}  // namespace touchpoint::bench
