#include "bench/queue_bench.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "bench/stats.hpp"
#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::bench {
namespace {
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int seed(const QueueOptions& o, storage::TicketStore& store) {
  auto start = Clock::now();
  long total = o.tickets * o.messages_per_ticket;
  constexpr long kGroup = 20000;
  int64_t fake_now = 1795341600;
  for (long base = 0; base < total; base += kGroup) {
    auto s = store.batch([&] {
      for (long n = base; n < std::min(total, base + kGroup); ++n) {
        long ticket = n % o.tickets;  // round-robin: each ticket's messages spread over time
        InboundContact c;
        c.channel_type = "api";
        c.channel_name = "seed";
        c.external_id = "s" + std::to_string(n);
        c.thread_key = "t" + std::to_string(ticket);
        c.from = {{"api", "seed:c" + std::to_string(ticket % (o.tickets / 5 + 1))}};
        c.subject = "Order " + std::to_string(ticket) + " has not arrived";
        c.text = "Hello, my order " + std::to_string(ticket) +
                 " has not arrived yet. Could you check where it is? Message " + std::to_string(n);
        c.sent_at = fake_now + n;
        auto r = store.record_inbound(c);
        if (!r) std::fprintf(stderr, "seed: %s\n", r.error().message.c_str());
      }
    });
    if (!s) {
      std::fprintf(stderr, "seed failed: %s\n", s.error().message.c_str());
      return 1;
    }
    if ((base / kGroup) % 25 == 0)
      std::fprintf(stderr, "seeded %ld of %ld messages (%.0f/s)\n", base + kGroup, total,
                   static_cast<double>(base + kGroup) / (ms_since(start) / 1000));
  }
  std::printf("seeded                      %ld tickets, %ld messages in %.1f s (%.0f messages/s)\n",
              o.tickets, total, ms_since(start) / 1000,
              static_cast<double>(total) / (ms_since(start) / 1000));
  return 0;
}

}  // namespace

int run_queue(const QueueOptions& o) {
  {
    auto store = storage::TicketStore::open({.data_dir = o.data_dir});
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    auto reader = storage::TicketReader::open(o.data_dir);
    auto counts = reader.value().status_counts();
    int64_t have = 0;
    for (auto& [k, n] : counts.value()) have += n;
    if (have < o.tickets) {
      if (int rc = seed(o, store.value()); rc != 0) return rc;
    } else {
      std::printf("reusing                     %lld tickets in %s\n", static_cast<long long>(have),
                  o.data_dir.c_str());
    }
  }
  auto reader = storage::TicketReader::open(o.data_dir).value();
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> pick(1, o.tickets);

  std::vector<double> first_page, deep_page, open_ticket;
  for (int i = 0; i < o.samples; ++i) {
    auto t = Clock::now();
    auto page = reader.queue({.status = "new", .limit = 25});
    first_page.push_back(ms_since(t));
    if (!page || page->size() != 25) return std::fprintf(stderr, "queue query failed\n"), 1;
  }
  for (int i = 0; i < o.samples; ++i) {
    auto anchor = reader.ticket(pick(rng));  // where an agent scrolled to (not timed)
    storage::QueueCursor cursor{anchor->ticket.activity};
    auto t = Clock::now();
    auto page = reader.queue({.status = "new", .limit = 25, .after = cursor});
    deep_page.push_back(ms_since(t));
    if (!page) return 1;
  }
  for (int i = 0; i < o.samples; ++i) {
    auto id = pick(rng);
    auto t = Clock::now();
    auto view = reader.ticket(id);
    open_ticket.push_back(ms_since(t));
    if (!view || view->messages.size() != static_cast<std::size_t>(o.messages_per_ticket))
      return std::fprintf(stderr, "ticket %lld incomplete\n", static_cast<long long>(id)), 1;
  }
  print_latency("queue first page (25)", first_page);
  print_latency("queue page after cursor", deep_page);
  print_latency("open ticket (5 messages)", open_ticket);
  return 0;
}

}  // namespace touchpoint::bench
