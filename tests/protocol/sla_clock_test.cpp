// The SLA clock as a pure function of history and targets.
#include "protocol/sla_clock.hpp"

#include <gtest/gtest.h>

#include <random>

#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {
using Kind = SlaHistoryItem::Kind;
using State = SlaMetric::State;

int64_t at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }
SlaHistoryItem status(int64_t t, const char* s) { return {t, Kind::status, s}; }
SlaHistoryItem customer(int64_t t) { return {t, Kind::customer_message, ""}; }
SlaHistoryItem reply(int64_t t) { return {t, Kind::agent_reply, ""}; }

constexpr int64_t T0 = 1'800'000'000;  // any instant; 24/7 unless a test names a calendar

SlaTargets targets(int64_t first, int64_t next, int64_t resolution) {
  SlaTargets t;
  t.first_reply = first;
  t.next_reply = next;
  t.resolution = resolution;
  return t;
}

TEST(SlaClock, AReplyInTimeFulfilsTheFirstReply) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0), status(T0 + 600, "open"),
                                   reply(T0 + 600)};
  auto c = sla_clock(h, targets(3600, 3600, 86400), T0 + 700);
  ASSERT_TRUE(c.first_reply);
  EXPECT_EQ(c.first_reply->state, State::fulfilled);
  EXPECT_EQ(c.first_reply->fulfilled_at, T0 + 600);
  EXPECT_EQ(c.first_reply->elapsed_seconds, 600);
  EXPECT_FALSE(c.next_reply);  // nothing to answer
  ASSERT_TRUE(c.resolution);
  EXPECT_EQ(c.resolution->state, State::active);
  EXPECT_EQ(c.resolution->due_at, T0 + 86400);
  EXPECT_EQ(c.next_deadline, T0 + 86400 - 86400 / 4);  // the warning comes first
}

TEST(SlaClock, ABreachStaysABreachAfterTheReply) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0)};
  auto before = sla_clock(h, targets(3600, 0, 0), T0 + 3599);
  EXPECT_EQ(before.first_reply->state, State::active);
  EXPECT_EQ(before.next_deadline, T0 + 3600);
  auto after = sla_clock(h, targets(3600, 0, 0), T0 + 3600);
  EXPECT_EQ(after.first_reply->state, State::breached);
  EXPECT_EQ(after.first_reply->breached_at, T0 + 3600);
  h.push_back(reply(T0 + 5000));
  auto answered = sla_clock(h, targets(3600, 0, 0), T0 + 6000);
  EXPECT_EQ(answered.first_reply->state, State::breached);
  EXPECT_EQ(answered.first_reply->fulfilled_at, T0 + 5000);
  EXPECT_EQ(answered.first_reply->elapsed_seconds, 5000);
}

TEST(SlaClock, PauseStatusesStopTheClockAndMoveTheDueTime) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0), status(T0 + 600, "pending")};
  auto paused = sla_clock(h, targets(3600, 0, 7200), T0 + 5000);
  EXPECT_EQ(paused.first_reply->state, State::paused);
  EXPECT_FALSE(paused.first_reply->due_at);
  EXPECT_EQ(paused.first_reply->elapsed_seconds, 600);
  EXPECT_FALSE(paused.next_deadline);
  h.push_back(status(T0 + 4200, "open"));  // an hour pending
  auto resumed = sla_clock(h, targets(3600, 0, 7200), T0 + 5000);
  EXPECT_EQ(resumed.first_reply->state, State::active);
  EXPECT_EQ(resumed.first_reply->due_at, T0 + 3600 + 3600);
  EXPECT_EQ(resumed.resolution->due_at, T0 + 7200 + 3600);
}

TEST(SlaClock, AReopenContinuesResolutionWithoutTheSolvedTime) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0), reply(T0 + 100),
                                   status(T0 + 1000, "solved")};
  auto solved = sla_clock(h, targets(3600, 3600, 3000), T0 + 50000);
  EXPECT_EQ(solved.resolution->state, State::fulfilled);
  EXPECT_EQ(solved.resolution->elapsed_seconds, 1000);
  h.push_back(customer(T0 + 90000));
  h.push_back(status(T0 + 90000, "open"));
  auto reopened = sla_clock(h, targets(3600, 3600, 3000), T0 + 90500);
  EXPECT_EQ(reopened.resolution->state, State::active);
  EXPECT_EQ(reopened.resolution->elapsed_seconds, 1500);
  EXPECT_EQ(reopened.resolution->due_at, T0 + 90000 + 2000);
  ASSERT_TRUE(reopened.next_reply);  // the customer's new message waits for an answer
  EXPECT_EQ(reopened.next_reply->started_at, T0 + 90000);
}

TEST(SlaClock, EveryNextReplyCycleIsMeasured) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0), reply(T0 + 60),
                                   customer(T0 + 1000), customer(T0 + 1100), reply(T0 + 1500),
                                   customer(T0 + 9000)};
  auto c = sla_clock(h, targets(3600, 600, 0), T0 + 9100);
  ASSERT_EQ(c.next_reply_cycles.size(), 2u);
  EXPECT_EQ(c.next_reply_cycles[0].started_at, T0 + 1000);  // the first unanswered message
  EXPECT_EQ(c.next_reply_cycles[0].state, State::fulfilled);
  EXPECT_EQ(c.next_reply_cycles[0].elapsed_seconds, 500);
  ASSERT_TRUE(c.next_reply);
  EXPECT_EQ(c.next_reply->state, State::active);
  EXPECT_EQ(c.next_reply->due_at, T0 + 9600);
}

TEST(SlaClock, BusinessHoursPutFridayEveningDueTimesOnMonday) {
  auto rome = BusinessCalendar::build({"office", "Europe/Rome", {"mon-fri 09:00-18:00"}, {}});
  ASSERT_TRUE(rome);
  SlaTargets t = targets(3600, 0, 0);
  t.calendar = &rome.value();
  int64_t friday = at("2026-11-27T16:55:00Z");  // 17:55 in Rome
  auto c = sla_clock({status(friday, "new"), customer(friday)}, t, friday + 3600);
  EXPECT_EQ(c.first_reply->state, State::active);  // outside hours: active, not paused
  EXPECT_EQ(c.first_reply->due_at, at("2026-11-30T08:55:00Z"));
  EXPECT_EQ(c.first_reply->elapsed_seconds, 300);
}

TEST(SlaClock, ChangingThePolicyRecomputesFromTheStart) {
  std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0), status(T0 + 100, "on_hold"),
                                   status(T0 + 400, "open")};
  auto loose = sla_clock(h, targets(7200, 0, 0), T0 + 1000);
  auto tight = sla_clock(h, targets(600, 0, 0), T0 + 1000);
  EXPECT_EQ(loose.first_reply->state, State::active);
  EXPECT_EQ(tight.first_reply->state, State::breached);
  EXPECT_EQ(tight.first_reply->breached_at, T0 + 900);  // 600 counted seconds, 300 on hold
}

TEST(SlaClock, RandomHistoriesKeepTheClocksConsistent) {
  std::mt19937_64 rng(11);
  const char* statuses[] = {"open", "pending", "on_hold", "solved", "open", "new"};
  for (int round = 0; round < 300; ++round) {
    std::vector<SlaHistoryItem> h = {status(T0, "new"), customer(T0)};
    int64_t t = T0;
    for (int i = 0; i < 12; ++i) {
      t += static_cast<int64_t>(rng() % 5000);
      switch (rng() % 3) {
        case 0: h.push_back(customer(t)); break;
        case 1: h.push_back(reply(t)); break;
        default: h.push_back(status(t, statuses[rng() % 6]));
      }
    }
    auto tg = targets(1800, 900, 20000);
    int64_t previous = -1;
    for (int64_t now = T0; now <= t + 40000; now += 2500) {
      auto c = sla_clock(h, tg, now);
      ASSERT_TRUE(c.first_reply && c.resolution);
      // Counted time never goes backwards, and never passes the target unbreached.
      EXPECT_GE(c.resolution->elapsed_seconds, previous);
      previous = c.resolution->elapsed_seconds;
      for (const SlaMetric* m : {&*c.first_reply, &*c.resolution}) {
        if (m->state != State::breached) {
          EXPECT_LT(m->elapsed_seconds, m->target_seconds + (m->state == State::fulfilled ? 1 : 0));
        }
        if (m->state == State::active) {
          ASSERT_TRUE(m->due_at);
          EXPECT_GT(*m->due_at, now);
        }
        if (m->breached_at) {
          EXPECT_LE(*m->breached_at, m->fulfilled_at.value_or(now));
        }
      }
      if (c.next_deadline) {
        EXPECT_GT(*c.next_deadline, now);
      }
    }
  }
}

}  // namespace
}  // namespace touchpoint::protocol
