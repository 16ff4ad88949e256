#include "bench/sla_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench/stats.hpp"
#include "protocol/sla_policy.hpp"
#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::bench {
namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::shared_ptr<const protocol::SlaPolicies> policies(const std::string& first_reply) {
  protocol::SlaPolicySpec urgent{.name = "urgent", .match = {{"priority", {"urgent", "high"}}},
                                 .first_reply = "15m", .next_reply = "30m", .resolution = "4h"};
  protocol::SlaPolicySpec normal{.name = "normal", .first_reply = first_reply, .next_reply = "4h",
                                 .resolution = "2d", .warn_before = "15m"};
  return protocol::SlaPolicies::build({}, {urgent, normal}).value();
}

InboundContact contact(long n) {
  InboundContact c;
  c.channel_type = "api";
  c.channel_name = "bench";
  c.external_id = "s" + std::to_string(n);
  c.thread_key = "t" + std::to_string(n);
  c.from = {{"api", "bench:c" + std::to_string(n % 200000)}};
  c.text = "Hello, my order has not arrived yet.";
  return c;
}

// Seeds tickets in groups of 20,000 (one message each, a second apart); answers the rate.
double seed(storage::TicketStore& store, long from, long to, int64_t& now) {
  auto start = Clock::now();
  for (long base = from; base < to; base += 20000) {
    auto s = store.batch([&] {
      for (long n = base; n < std::min(to, base + 20000); ++n) {
        now += n % 10 == 0 ? 1 : 0;
        (void)store.record_inbound(contact(n));
      }
    });
    if (!s) std::fprintf(stderr, "seed: %s\n", s.error().message.c_str());
  }
  return static_cast<double>(to - from) / (ms_since(start) / 1000);
}

// Answers and solves four tickets of every five (ids 1..count), in groups of 10,000, so the
// store has the shape the SLA issue names: 1M tickets, 200k of them open.
double solve_most(storage::TicketStore& store, long count, int64_t& now) {
  auto agent = store.add_agent({"agent@bench.test", "Agent", "agent", "x"});
  if (!agent) return 0;
  TicketPatch solved;
  solved.status = "solved";
  auto start = Clock::now();
  long done = 0;
  for (long base = 1; base <= count; base += 10000) {
    auto s = store.batch([&] {
      for (long id = base; id < std::min(count + 1, base + 10000); ++id) {
        if (id % 5 == 0) continue;
        now += id % 20 == 0 ? 1 : 0;
        (void)store.add_agent_message(id, AgentMessage::text("On its way."), agent.value());
        (void)store.update_ticket(id, solved, agent.value(), true);
        ++done;
      }
    });
    if (!s) std::fprintf(stderr, "solve: %s\n", s.error().message.c_str());
  }
  return static_cast<double>(done) / (ms_since(start) / 1000);
}

}  // namespace

int run_sla_bench(const SlaBenchOptions& o) {
  int64_t now = 1795341600;
  namespace fs = std::filesystem;
  // Ingest with and without clocks, 100k tickets each on fresh stores.
  for (bool with : {false, true}) {
    std::string dir = o.data_dir + (with ? "/ingest-sla" : "/ingest-plain");
    auto store = storage::TicketStore::open({.data_dir = dir, .now = [&now] { return now; }}).value();
    store.use_sla(with ? policies("1h") : nullptr, nullptr);
    double rate = seed(store, 0, 100000, now);
    std::printf("%-40s %.0f tickets/s\n", with ? "ingest, SLA clocks kept" : "ingest, no SLA policies", rate);
    fs::remove_all(dir);
  }
  std::string dir = o.data_dir + "/store";
  auto store = storage::TicketStore::open({.data_dir = dir, .now = [&now] { return now; }}).value();
  store.use_sla(policies("1h"), nullptr);
  int64_t start_time = now;
  double rate = seed(store, 0, o.tickets, now);
  std::printf("%-40s %ld tickets (%.0f/s)\n", "seeded with SLA clocks", o.tickets, rate);
  rate = solve_most(store, o.tickets, now);
  std::printf("%-40s %ld of them (%.0f/s)\n", "answered and solved", o.tickets - o.tickets / 5, rate);
  // An hour and a half later every first reply is past its warning and its breach: the one timer
  // works through them in runs of 1,000.
  now = std::max(now, start_time + 5400);
  auto t = Clock::now();
  long runs = 0;
  while (true) {
    auto next = store.run_sla_deadlines(1000);
    if (!next) return 1;
    ++runs;
    if (!next.value() || *next.value() > now) break;
  }
  std::printf("%-40s %ld runs in %.1f s\n", "deadlines due (warnings, breaches)", runs, ms_since(t) / 1000);

  auto reader = storage::TicketReader::open(dir).value();
  reader.use_sla(policies("1h"), [&now] { return now; });
  std::vector<double> stats_ms, risk_ms, year_ms;
  for (int i = 0; i < o.samples; ++i) {
    auto a = Clock::now();
    if (!reader.queue_stats(now)) return 1;
    stats_ms.push_back(ms_since(a));
    a = Clock::now();
    storage::TicketFilter f;
    f.sla = "breached";
    if (!reader.list(f)) return 1;
    risk_ms.push_back(ms_since(a));
    if (i < o.samples / 10) {
      a = Clock::now();
      if (!reader.service_report({now / 86400 - 365, now / 86400, "day"})) return 1;
      year_ms.push_back(ms_since(a));
    }
  }
  print_latency("GET /api/v1/stats/queues", stats_ms);
  print_latency("tickets?sla=breached, first page", risk_ms);
  print_latency("reports/service, a year by day", year_ms);

  // A policy change: every clock of a ticket in the queue computed again, once, at start.
  store.use_sla(policies("2h"), nullptr);
  t = Clock::now();
  auto n = store.adopt_sla_policies();
  if (!n) return 1;
  std::printf("%-40s %lld clocks in %.1f s\n", "policy change: clocks recomputed", static_cast<long long>(n.value()),
              ms_since(t) / 1000);
  return 0;
}

}  // namespace touchpoint::bench
