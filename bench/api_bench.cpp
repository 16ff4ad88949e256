#include "bench/api_bench.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "bench/stats.hpp"
#include "protocol/search_query.hpp"
#include "storage/ticket_reader.hpp"

namespace touchpoint::bench {
namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}
}  // namespace

int run_api(const ApiOptions& o) {
  auto reader = storage::TicketReader::open(o.data_dir);
  if (!reader) {
    std::fprintf(stderr, "%s (seed it first: scripts/bench queue)\n", reader.error().message.c_str());
    return 1;
  }
  auto& r = reader.value();
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> pick(1, o.tickets);

  struct Case {
    const char* name;
    storage::TicketFilter filter;
  };
  std::vector<Case> lists = {
      {"list: every open status", {}},
      {"list: status=new", {.statuses = {"new"}}},
      {"list: new,open + priority", {.statuses = {"new", "open"}, .priority = "normal"}},
      {"list: unassigned", {.unassigned = true}},
  };
  for (auto& c : lists) {
    std::vector<double> ms;
    for (int i = 0; i < o.samples; ++i) {
      auto t = Clock::now();
      auto page = r.list(c.filter);
      ms.push_back(ms_since(t));
      if (!page) return std::fprintf(stderr, "%s\n", page.error().message.c_str()), 1;
    }
    print_latency(c.name, ms);
  }

  // Search: a rare term (one ticket's order number), a word in every message, and two common
  // words together, each for a first page of 25.
  std::vector<double> rare, common, pair;
  for (int i = 0; i < o.samples; ++i) {
    std::string number = std::to_string(pick(rng));
    auto t = Clock::now();
    auto a = r.search({}, *protocol::fts_query("order " + number), std::nullopt);
    rare.push_back(ms_since(t));
    t = Clock::now();
    auto b = r.search({}, *protocol::fts_query("arrived"), std::nullopt);
    common.push_back(ms_since(t));
    t = Clock::now();
    auto c = r.search({}, *protocol::fts_query("order arrived"), std::nullopt);
    pair.push_back(ms_since(t));
    if (!a || !b || !c) return std::fprintf(stderr, "search failed\n"), 1;
  }
  print_latency("search: rare term", rare);
  print_latency("search: word in every message", common);
  print_latency("search: two common words", pair);
  return 0;
}

}  // namespace touchpoint::bench
