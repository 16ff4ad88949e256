#pragma once
#include <string>

namespace touchpoint::bench {

struct ApiOptions {
  std::string data_dir;
  long tickets = 1000000;
  int samples = 500;
};

// Times the agent list (with filters) and full-text search on a store seeded by run_queue,
// through the same reader the API uses.
int run_api(const ApiOptions& o);

}  // namespace touchpoint::bench
