#include "bench/survey_bench.hpp"

#include <chrono>
#include <cstdio>

#include "storage/ticket_store.hpp"

namespace touchpoint::bench {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
InboundContact contact(long n, const std::string& id, const std::string& text) {
  InboundContact c;
  c.channel_type = "api";
  c.channel_name = "bench";
  c.external_id = id;
  c.thread_key = "t" + std::to_string(n);
  c.from = {{"api", "bench:c" + std::to_string(n)}};
  c.text = text;
  return c;
}
}  // namespace

int run_survey_bench(const SurveyBenchOptions& o) {
  int64_t now = 1795341600;
  auto opened = storage::TicketStore::open({.data_dir = o.data_dir, .now = [&now] { return now; }});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  auto& store = opened.value();
  protocol::SurveySettings settings;
  settings.delay_seconds = 3600;
  settings.public_url = "https://bench.example";
  store.use_surveys(settings, nullptr);
  int64_t agent = store.add_agent({"bench@example.com", "Bench", "agent", "x"}).value();
  constexpr long kGroup = 1000;  // requests per group commit, as the writer batches them
  auto grouped = [&](const char* what, auto&& one) {
    auto start = Clock::now();
    for (long base = 0; base < o.tickets; base += kGroup) {
      auto s = store.batch([&] {
        for (long n = base; n < std::min(o.tickets, base + kGroup); ++n) one(n);
      });
      if (!s) {
        std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
        return -1.0;
      }
    }
    double secs = seconds_since(start);
    std::printf("%-36s %ld in %.1f s (%.0f/s)\n", what, o.tickets, secs, static_cast<double>(o.tickets) / secs);
    return secs;
  };
  std::vector<int64_t> tickets(static_cast<std::size_t>(o.tickets));
  if (grouped("tickets received", [&](long n) {
        tickets[static_cast<std::size_t>(n)] = store.record_inbound(contact(n, "in" + std::to_string(n), "help")).value().ticket_id;
      }) < 0)
    return 1;
  if (grouped("answered and solved (survey scheduled)", [&](long n) {
        int64_t t = tickets[static_cast<std::size_t>(n)];
        (void)store.add_agent_message(t, AgentMessage::text("Done.", false), agent);
        TicketPatch p;
        p.status = "solved";
        (void)store.update_ticket(t, p, agent, false);
      }) < 0)
    return 1;
  now += 3600;
  auto start = Clock::now();
  long runs = 0;
  while (true) {
    auto next = store.run_due_surveys(1000);
    if (!next) return 1;
    ++runs;
    if (!next.value() || *next.value() > now) break;
  }
  double secs = seconds_since(start);
  std::printf("%-36s %ld in %.1f s (%.0f/s, %ld timer runs of 1,000)\n", "surveys decided, queued in the outbox",
              o.tickets, secs, static_cast<double>(o.tickets) / secs, runs);
  now += 60;
  if (grouped("scores taken in the conversation", [&](long n) {
        (void)store.record_inbound(contact(n, "score" + std::to_string(n), std::to_string(1 + n % 5)));
      }) < 0)
    return 1;
  if (grouped("comments taken", [&](long n) {
        (void)store.record_inbound(contact(n, "why" + std::to_string(n), "Because it was quick"));
      }) < 0)
    return 1;
  return 0;
}

}  // namespace touchpoint::bench
