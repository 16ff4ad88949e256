#pragma once
#include <string>

namespace touchpoint::bench {

struct BaselineOptions {
  std::string data_dir;      // the store goes here (baseline.db)
  std::string seed_from;     // a seeded store to copy first ("" = start empty)
  unsigned short port = 0;   // 0: any; the chosen port is printed
  long seed_rows = 1000000;  // when seeding (`baseline-seed`)
};

// The yardstick of scripts/bench ingest: the simplest durable webhook receiver one would write
// with the same parts (Beast on one thread, one SQLite writer thread with group commit, WAL,
// synchronous=FULL, batches of at most 1,000). Each POST inserts one row into a table that
// already holds a million, under a unique index on a random 64-bit key (the message id's
// hash), and is answered 200 after its batch's COMMIT. No parsing beyond finding
// "message_id", no tickets, no customers: what Touchpoint does per message on top of this is
// what the ratio measures. Runs until killed.
int run_baseline_server(const BaselineOptions& o);
// Writes a store with seed_rows rows into data_dir/baseline.db (once; reused by later runs).
int seed_baseline(const BaselineOptions& o);

}  // namespace touchpoint::bench
