#include "bench/experience_bench.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
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

InboundContact contact(const std::string& type, const std::string& id, const std::string& who,
                       const std::string& thread, const std::string& text) {
  InboundContact c;
  c.channel_type = type;
  c.channel_name = type + "-bench";
  c.external_id = id;
  c.thread_key = thread;
  c.from = {{"phone", who}};
  c.text = text;
  return c;
}

// The loyal customer: contacts over whatsapp, telegram and the api channel, a ticket per
// four contacts, each answered, solved and surveyed (score in the conversation).
int seed_loyal(const ExperienceOptions& o, storage::TicketStore& store, int64_t& now, int64_t& customer) {
  auto agent = store.add_agent({"bench@example.com", "Bench", "agent", "x"});
  if (!agent) return 1;
  const char* channels[] = {"whatsapp", "telegram", "api"};
  for (int n = 0; n < o.loyal_contacts; ++n) {
    int ticket_no = n / 4;
    std::string type = channels[ticket_no % 3];
    std::string thread = type + "-loyal-" + std::to_string(ticket_no);
    auto r = store.record_inbound(contact(type, "loyal-" + std::to_string(n), "+39000000000", thread,
                                          "Question " + std::to_string(n) + " about my order"));
    if (!r) return 1;
    customer = r->customer_id;
    now += 60;
    if (n % 4 == 3) {
      if (!store.add_agent_message(r->ticket_id, AgentMessage::text("Sorted.", false), agent.value())) return 1;
      TicketPatch p;
      p.status = "solved";
      if (!store.update_ticket(r->ticket_id, p, agent.value(), true)) return 1;
      now += 7200;
      if (!store.run_due_surveys(100)) return 1;
      (void)store.record_inbound(contact(type, "loyal-score-" + std::to_string(n), "+39000000000", thread,
                                         std::to_string(1 + n % 5)));
      now += 86400 * 31;  // past the cooldown: every ticket is surveyed
    }
  }
  return 0;
}

}  // namespace

int run_experience(const ExperienceOptions& o) {
  int64_t now = 1795341600;
  int64_t loyal = 0;
  bool fresh = !std::filesystem::exists(o.data_dir);
  {
    auto store = storage::TicketStore::open({.data_dir = o.data_dir, .now = [&now] { return now; }});
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    if (fresh) {
      auto start = Clock::now();
      protocol::SurveySettings settings;
      settings.delay_seconds = 3600;
      settings.public_url = "https://bench.example";
      store->use_surveys(settings, nullptr);
      if (seed_loyal(o, store.value(), now, loyal) != 0) {
        std::fprintf(stderr, "seeding the loyal customer failed\n");
        return 1;
      }
      constexpr long kGroup = 20000;
      for (long base = 0; base < o.customers; base += kGroup) {
        auto s = store->batch([&] {
          for (long n = base; n < std::min(o.customers, base + kGroup); ++n) {
            std::string who = "+1" + std::to_string(1000000000 + n);
            (void)store->record_inbound(contact("whatsapp", "c" + std::to_string(n), who, who, "Hello"));
          }
        });
        if (!s) {
          std::fprintf(stderr, "seed failed: %s\n", s.error().message.c_str());
          return 1;
        }
        if ((base / kGroup) % 10 == 0)
          std::fprintf(stderr, "seeded %ld of %ld customers\n", base + kGroup, o.customers);
      }
      std::printf("seeded                      %ld customers and one with %d contacts in %.1f s\n",
                  o.customers + 1, o.loyal_contacts, ms_since(start) / 1000);
    }
  }
  auto reader = storage::TicketReader::open(o.data_dir).value();
  reader.use_sla(nullptr, [&now] { return now; });
  if (loyal == 0) {
    auto found = reader.customers_by_identity({{"phone", "+39000000000"}});
    if (!found || found->empty()) return 1;
    loyal = found->front().id;
  }
  auto first = reader.experience(loyal, {});
  if (!first) {
    std::fprintf(stderr, "%s\n", first.error().message.c_str());
    return 1;
  }
  std::printf("loyal customer              %zu channels, %lld tickets, %lld surveys, health %s\n",
              first->record.channels.size(), static_cast<long long>(first->record.service.tickets),
              static_cast<long long>(first->record.feedback.surveys_sent),
              std::to_string(protocol::experience_health(first->record.service, first->record.feedback).score).c_str());
  std::vector<double> loyal_ms, one_ms;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> pick(2, o.customers);
  for (int i = 0; i < o.samples; ++i) {
    auto t = Clock::now();
    auto e = reader.experience(loyal, {.limit = 25});
    if (!e) return 1;
    std::string json = protocol::encode_experience(e->record);
    loyal_ms.push_back(ms_since(t));
    t = Clock::now();
    auto other = reader.experience(pick(rng), {.limit = 25});
    if (other) json = protocol::encode_experience(other->record);
    one_ms.push_back(ms_since(t));
  }
  print_latency(("experience, " + std::to_string(o.loyal_contacts) + " contacts").c_str(), loyal_ms);
  print_latency("experience, 1 contact", one_ms);
  return 0;
}

}  // namespace touchpoint::bench
