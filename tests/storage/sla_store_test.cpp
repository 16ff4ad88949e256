// SLA clocks kept by the store: computed at every commit that touches a ticket, due times
// recorded by run_sla_deadlines, the queue filter and counters, and a randomized comparison of
// what the store kept, step by step, with a replay of the whole history.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <random>

#include "protocol/search_query.hpp"
#include "protocol/sla_snapshot.hpp"
#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {
using protocol::SlaHistoryItem;

std::shared_ptr<const protocol::SlaPolicies> policies() {
  protocol::SlaPolicySpec urgent{.name = "urgent", .match = {{"priority", {"urgent", "high"}}},
                                 .first_reply = "30s", .next_reply = "60s", .resolution = "10m"};
  protocol::SlaPolicySpec normal{.name = "normal", .first_reply = "5m", .next_reply = "10m",
                                 .resolution = "1h", .warn_before = "1m"};
  return protocol::SlaPolicies::build({}, {urgent, normal}).value();
}

class SlaStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto s = TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }});
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(s).value());
    store_->use_sla(policies_, [this](SlaCommitted c) {
      for (auto& n : c.notices) notices_.push_back(n);
    });
    auto agent = store_->add_agent({"a@example.com", "Ada", "agent", "x"});
    ASSERT_TRUE(agent);
    agent_ = agent.value();
    auto r = TicketReader::open(dir_.str());
    ASSERT_TRUE(r);
    reader_.emplace(std::move(r).value());
    reader_->use_sla(policies_, [this] { return now_; });
  }
  int64_t inbound(const std::string& id, const std::string& thread) {
    InboundContact c;
    c.channel_type = "api";
    c.channel_name = "crm";
    c.external_id = id;
    c.thread_key = thread;
    c.from = {{"email", thread + "@example.com"}};
    c.text = "hello";
    auto r = store_->record_inbound(c);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->ticket_id : 0;
  }
  void reply(int64_t ticket, bool internal = false) {
    auto r = store_->add_agent_message(ticket, AgentMessage::text("ok", internal), agent_);
    EXPECT_TRUE(r) << r.error().message;
  }
  void set_status(int64_t ticket, const std::string& status) {
    TicketPatch p;
    p.status = status;
    patch(ticket, p);
  }
  void set_priority(int64_t ticket, const std::string& priority) {
    TicketPatch p;
    p.priority = priority;
    patch(ticket, p);
  }
  void patch(int64_t ticket, const TicketPatch& p) {
    auto r = store_->update_ticket(ticket, p, agent_, true);
    EXPECT_TRUE(r) << r.error().message;
  }
  std::optional<int64_t> run_due() {
    auto r = store_->run_sla_deadlines(1000);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : std::nullopt;
  }
  std::string sla_of(int64_t ticket) {
    auto v = reader_->ticket(ticket);
    EXPECT_TRUE(v);
    return v ? v->ticket.sla : "";
  }
  std::vector<int64_t> flagged(const std::string& flag) {
    TicketFilter f;
    f.sla = flag;
    f.limit = 100;
    auto rows = reader_->list(f);
    EXPECT_TRUE(rows) << rows.error().message;
    std::vector<int64_t> ids;
    if (rows)
      for (auto& t : *rows) ids.push_back(t.id);
    return ids;
  }
  std::vector<std::string> sla_events(int64_t ticket) {
    auto v = reader_->ticket(ticket);
    std::vector<std::string> out;
    if (v)
      for (auto& e : v->events)
        if (e.type.rfind("sla.", 0) == 0) out.push_back(e.type + " " + e.new_value.value_or(""));
    return out;
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;  // 2026-11-22 10:00 UTC
  std::shared_ptr<const protocol::SlaPolicies> policies_ = policies();
  std::optional<TicketStore> store_;
  std::optional<TicketReader> reader_;
  std::vector<SlaNotice> notices_;
  int64_t agent_ = 0;
};

TEST_F(SlaStoreTest, FirstReplyMetInTimeIsFulfilledAndCountsTowardAttainment) {
  int64_t t = inbound("m1", "a");
  EXPECT_NE(sla_of(t).find(R"("policy":"normal")"), std::string::npos);
  EXPECT_NE(sla_of(t).find(R"("first_reply":{"target_seconds":300,"state":"active")"), std::string::npos);
  now_ += 120;
  EXPECT_NE(sla_of(t).find(R"("elapsed_seconds":120)"), std::string::npos) << "counts on at read time";
  reply(t);
  EXPECT_NE(sla_of(t).find(R"("first_reply":{"target_seconds":300,"state":"fulfilled")"), std::string::npos);
  EXPECT_EQ(sla_events(t), std::vector<std::string>{"sla.fulfilled first_reply in time"});
  auto stats = reader_->queue_stats(now_);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->today.sla_met, 1);
  EXPECT_EQ(stats->today.sla_breached, 0);
  // Today is read from the day's sketch: 120 s falls in bucket 55 (117..126 s).
  EXPECT_EQ(stats->today.first_reply_buckets, (std::map<int64_t, int64_t>{{55, 1}}));
  EXPECT_EQ(protocol::sketch_rank(stats->today.first_reply_buckets, 50), 122);
  auto day = reader_->service_report({now_ / 86400, now_ / 86400, ""});
  ASSERT_TRUE(day);
  EXPECT_EQ(day->front().first_reply_seconds, std::vector<int64_t>{120}) << "a day's report is exact";
  auto hours = reader_->service_report({now_ / 86400, now_ / 86400, "hour"});
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ(hours->front().key, "10") << "received 10:00, answered 10:02 UTC";
  EXPECT_EQ(hours->front().tickets, 1);
}

// Reports over more than a day read the per-day sketches: counts exact, percentiles within the
// sketch's 4.5% of a nearest-rank over every sample, for any grouping.
TEST_F(SlaStoreTest, LongReportsFromSketchesAgreeWithTheSamples) {
  std::mt19937 rng(7);
  std::vector<int64_t> waits;
  int64_t first_day = now_ / 86400;
  for (int i = 0; i < 300; ++i) {
    int64_t t = inbound("s" + std::to_string(i), "c" + std::to_string(i));
    int64_t wait = std::uniform_int_distribution<int64_t>(0, 20000)(rng);
    now_ += wait;
    reply(t);
    waits.push_back(wait);
    now_ += 3600;  // over several days
  }
  ASSERT_GT(now_ / 86400, first_day + 3);
  for (std::string by : {"", "channel", "day"}) {
    auto rows = reader_->service_report({first_day, now_ / 86400, by});
    ASSERT_TRUE(rows) << by;
    int64_t tickets = 0;
    for (auto& r : *rows) tickets += r.tickets;
    EXPECT_EQ(tickets, 300) << by;
    if (by == "day") continue;
    ASSERT_EQ(rows->size(), 1u) << by;
    auto& row = rows->front();
    EXPECT_TRUE(row.first_reply_seconds.empty()) << "read from the sketches";
    for (int p : {50, 90}) {
      auto exact = protocol::nearest_rank(waits, p).value();
      auto sketched = protocol::sketch_rank(row.first_reply_buckets, p).value();
      EXPECT_LE(std::abs(sketched - exact), exact * 45 / 1000 + 1) << by << " p" << p;
    }
  }
}

TEST_F(SlaStoreTest, ADueTimeIsRecordedAsABreachWithItsDueTimeEvenWhenRunLate) {
  int64_t t = inbound("m1", "a");
  EXPECT_EQ(run_due(), now_ + 240) << "the warning, a minute before the 5-minute target";
  now_ += 3600 * 5;  // the server was down
  notices_.clear();
  run_due();
  std::vector<std::pair<std::string, std::string>> got;
  for (auto& n : notices_) got.emplace_back(n.type, n.metric);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"sla.breached", "first_reply"}, {"sla.breached", "resolution"}}));
  EXPECT_EQ(notices_.front().due_at, 1795341600 + 300);
  EXPECT_NE(sla_of(t).find(R"("breached_at":"2026-11-22T10:05:00Z")"), std::string::npos) << sla_of(t);
  EXPECT_EQ(flagged("breached"), std::vector<int64_t>{t});
  auto stats = reader_->queue_stats(now_);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->sla_breached, 1);
  // Met late: stays breached, with fulfilled_at; no longer in the breached queue.
  reply(t);
  EXPECT_NE(sla_of(t).find(R"("first_reply":{"target_seconds":300,"state":"breached")"), std::string::npos);
  EXPECT_EQ(flagged("breached"), std::vector<int64_t>{t}) << "resolution is still breached and open";
  // Together with a full-text query: the same flag, among the matches.
  TicketFilter f;
  f.sla = "breached";
  auto found = reader_->search(f, protocol::fts_query("hello").value(), std::nullopt);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->tickets.size(), 1u);
  EXPECT_EQ(found->tickets[0].id, t);
  f.sla = "at_risk";
  EXPECT_TRUE(reader_->search(f, protocol::fts_query("hello").value(), std::nullopt)->tickets.empty());
  set_status(t, "solved");
  EXPECT_TRUE(flagged("breached").empty());
  stats = reader_->queue_stats(now_);
  EXPECT_EQ(stats->sla_breached, 0);
}

TEST_F(SlaStoreTest, WarningsFlagTheTicketAtRiskOnce) {
  int64_t t = inbound("m1", "a");
  now_ += 250;
  run_due();
  EXPECT_EQ(flagged("at_risk"), std::vector<int64_t>{t});
  EXPECT_EQ(sla_events(t), std::vector<std::string>{"sla.warning first_reply"});
  run_due();
  inbound("m2", "a");  // the customer writes again: no second warning
  EXPECT_EQ(sla_events(t), std::vector<std::string>{"sla.warning first_reply"});
}

TEST_F(SlaStoreTest, APriorityChangePicksThePolicyAgainFromTheMetricsStart) {
  int64_t t = inbound("m1", "a");
  now_ += 40;
  set_priority(t, "urgent");  // 30 s target from the first message: already late
  EXPECT_NE(sla_of(t).find(R"("policy":"urgent")"), std::string::npos);
  run_due();
  EXPECT_NE(sla_of(t).find(R"("first_reply":{"target_seconds":30,"state":"breached")"), std::string::npos);
  EXPECT_NE(sla_of(t).find(R"("breached_at":"2026-11-22T10:00:30Z")"), std::string::npos);
}

TEST_F(SlaStoreTest, PauseStatusesStopTheClockAndNotesNeverFulfil) {
  int64_t t = inbound("m1", "a");
  reply(t, /*internal=*/true);
  EXPECT_NE(sla_of(t).find(R"("first_reply":{"target_seconds":300,"state":"active")"), std::string::npos);
  now_ += 60;
  set_status(t, "pending");
  EXPECT_NE(sla_of(t).find(R"("state":"paused","started_at":"2026-11-22T10:00:00Z","due_at":null,"elapsed_seconds":60)"),
            std::string::npos) << sla_of(t);
  now_ += 1000;
  EXPECT_EQ(run_due(), std::nullopt) << "nothing runs while pending";
  inbound("m2", "a");  // reopens
  EXPECT_NE(sla_of(t).find(R"("due_at":"2026-11-22T10:21:40Z")"), std::string::npos)
      << "240 s left after 1,060 s: " << sla_of(t);
}

// The store keeps clocks step by step; a replay of the whole history must say the same.
// Counters are checked against a brute-force count over the tickets.
TEST_F(SlaStoreTest, RandomHistoriesKeepTheSameClocksAsAReplayAndCountersAsACount) {
  std::mt19937 rng(20261130);
  struct Ticket {
    std::string thread, status = "new", priority = "normal";
    std::vector<SlaHistoryItem> history;
  };
  std::map<int64_t, Ticket> tickets;
  int next_message = 0;
  for (int step = 0; step < 400; ++step) {
    now_ += std::uniform_int_distribution<int>(0, 90)(rng);
    int op = std::uniform_int_distribution<int>(0, 9)(rng);
    if (tickets.empty() || op <= 2) {  // a customer writes, to a new or a known thread
      std::string thread = "t" + std::to_string(std::uniform_int_distribution<int>(0, 11)(rng));
      int64_t id = inbound("m" + std::to_string(next_message++), thread);
      auto& t = tickets[id];
      if (t.history.empty()) {
        t.thread = thread;
        t.history.push_back({now_, SlaHistoryItem::Kind::status, "new"});
      } else if (t.status == "pending" || t.status == "solved") {
        t.status = "open";
        t.history.push_back({now_, SlaHistoryItem::Kind::status, "open"});
      }
      t.history.push_back({now_, SlaHistoryItem::Kind::customer_message, ""});
      continue;
    }
    auto it = tickets.begin();
    std::advance(it, std::uniform_int_distribution<std::size_t>(0, tickets.size() - 1)(rng));
    auto& [id, t] = *it;
    if (op <= 4) {
      bool note = op == 4;
      reply(id, note);
      if (!note) {
        if (t.status == "new") {
          t.status = "open";
          t.history.push_back({now_, SlaHistoryItem::Kind::status, "open"});
        }
        t.history.push_back({now_, SlaHistoryItem::Kind::agent_reply, ""});
      }
    } else if (op <= 7) {
      static const char* statuses[] = {"open", "pending", "on_hold", "solved"};
      std::string s = statuses[std::uniform_int_distribution<int>(0, 3)(rng)];
      set_status(id, s);
      if (s != t.status) {
        t.status = s;
        t.history.push_back({now_, SlaHistoryItem::Kind::status, s});
      }
    } else if (op == 8) {
      static const char* priorities[] = {"low", "normal", "high", "urgent"};
      t.priority = priorities[std::uniform_int_distribution<int>(0, 3)(rng)];
      set_priority(id, t.priority);
    } else {
      run_due();
    }
  }
  run_due();
  for (auto& [id, t] : tickets) {
    // Sorted as the store orders them: by time, status changes first within a second.
    std::stable_sort(t.history.begin(), t.history.end(), [](const auto& a, const auto& b) {
      if (a.at != b.at) return a.at < b.at;
      return a.kind == SlaHistoryItem::Kind::status && b.kind != SlaHistoryItem::Kind::status;
    });
    protocol::SlaTicketFacts facts{t.priority, "api", "crm", "", {}};
    const auto* policy = policies_->match(facts);
    ASSERT_NE(policy, nullptr);
    auto replay = protocol::sla_clock(t.history, policy->targets, now_);
    std::string expected = protocol::render_sla(protocol::sla_snapshot(policy->name, replay, now_), now_, nullptr);
    EXPECT_EQ(sla_of(id), expected) << "ticket " << id;
  }
  // Counters against a count over the tickets themselves.
  auto stats = reader_->queue_stats(now_);
  ASSERT_TRUE(stats);
  std::map<std::string, int64_t> by_priority, statuses;
  int64_t breached = 0, at_risk = 0;
  for (auto& [id, t] : tickets) {
    ++statuses[t.status];
    bool queued = t.status != "solved" && t.status != "closed";
    if (queued) ++by_priority[t.priority];
    const auto* policy = policies_->match({t.priority, "api", "crm", "", {}});
    std::string flag = protocol::sla_flag(protocol::sla_clock(t.history, policy->targets, now_), now_);
    if (queued && flag == "breached") ++breached;
    if (queued && flag == "at_risk") ++at_risk;
  }
  for (auto& [s, n] : statuses) EXPECT_EQ(stats->statuses[s], n) << s;
  EXPECT_EQ(stats->by_priority, by_priority);
  EXPECT_EQ(stats->sla_breached, breached);
  EXPECT_EQ(stats->sla_at_risk, at_risk);
  EXPECT_EQ(stats->unassigned, stats->open_total);
  EXPECT_EQ(stats->by_channel["api"], stats->open_total);
}

TEST_F(SlaStoreTest, NewPoliciesRecomputeEveryClockOnceAndNoPoliciesDropThem) {
  int64_t done = inbound("m0", "z");
  reply(done);
  set_status(done, "solved");  // concluded under the old policy: kept as it was
  int64_t t = inbound("m1", "a");
  auto stricter = protocol::SlaPolicies::build({}, {{.name = "strict", .first_reply = "10s"}}).value();
  store_->use_sla(stricter, nullptr);
  auto n = store_->adopt_sla_policies();
  ASSERT_TRUE(n);
  EXPECT_EQ(n.value(), 1);
  EXPECT_EQ(store_->adopt_sla_policies().value(), 0) << "the same policies: nothing to do";
  reader_->use_sla(stricter, [this] { return now_; });
  EXPECT_NE(sla_of(t).find(R"("policy":"strict")"), std::string::npos);
  store_->use_sla(protocol::SlaPolicies::build({}, {}).value(), nullptr);
  EXPECT_EQ(store_->adopt_sla_policies().value(), 0);
  EXPECT_EQ(sla_of(t), "");
}

}  // namespace
}  // namespace touchpoint::storage
