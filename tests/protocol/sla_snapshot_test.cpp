#include "protocol/sla_snapshot.hpp"

#include <gtest/gtest.h>

#include <random>

#include "protocol/service_stats.hpp"
#include "protocol/sla_policy.hpp"

namespace touchpoint::protocol {
namespace {
using Kind = SlaHistoryItem::Kind;

TEST(SlaSnapshot, RoundTripsAndRendersARunningClockCountingOnThroughTheCalendar) {
  auto cal = BusinessCalendar::build({"c", "UTC", {"mon-fri 09:00-17:00"}, {}});
  ASSERT_TRUE(cal);
  SlaTargets t;
  t.first_reply = 3600;
  t.calendar = &cal.value();
  int64_t mon_9 = 1795424400;  // Monday 2026-11-23 09:00 UTC
  std::vector<SlaHistoryItem> h = {{mon_9 + 600, Kind::status, "new"}, {mon_9 + 600, Kind::customer_message, ""}};
  auto clock = sla_clock(h, t, mon_9 + 900);
  auto snap = decode_sla_snapshot(encode_sla_snapshot(sla_snapshot("p", clock, mon_9 + 900)));
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->first_reply->elapsed_seconds, 300);
  // Read at 09:30: 20 open minutes have counted; it is due at 10:10.
  EXPECT_EQ(render_sla(*snap, mon_9 + 1800, &cal.value()),
            R"({"policy":"p","metrics":{"first_reply":{"target_seconds":3600,"state":"active",)"
            R"("started_at":"2026-11-23T09:10:00Z","due_at":"2026-11-23T10:10:00Z",)"
            R"("elapsed_seconds":1200,"breached_at":null,"fulfilled_at":null},)"
            R"("next_reply":null,"resolution":null}})");
  // Read past the due time, before the timer ran: shown breached at its due time.
  std::string late = render_sla(*snap, mon_9 + 4300, &cal.value());
  EXPECT_NE(late.find(R"("state":"breached")"), std::string::npos) << late;
  EXPECT_NE(late.find(R"("breached_at":"2026-11-23T10:10:00Z")"), std::string::npos) << late;
  EXPECT_FALSE(decode_sla_snapshot("not json"));
}

TEST(SlaSnapshot, ALaterSnapshotOnTheSameCourseContinuesTheStoredOne) {
  auto cal = BusinessCalendar::build({"c", "UTC", {"mon-fri 09:00-17:00"}, {}});
  ASSERT_TRUE(cal);
  SlaTargets t;
  t.first_reply = 36000;  // ten open hours: due Tuesday 11:00
  t.resolution = 86400;
  t.calendar = &cal.value();
  int64_t mon_9 = 1795424400;  // Monday 2026-11-23 09:00 UTC
  std::vector<SlaHistoryItem> h = {{mon_9, Kind::status, "new"}, {mon_9, Kind::customer_message, ""}};
  auto at = [&](int64_t now) { return sla_snapshot("p", sla_clock(h, t, now), now); };
  auto stored = at(mon_9 + 600);
  // The customer writes again at 09:20 and at 18:30 (closed hours): nothing new but time.
  h.push_back({mon_9 + 1200, Kind::customer_message, ""});
  EXPECT_TRUE(sla_continues(stored, at(mon_9 + 1200), &cal.value()));
  h.push_back({mon_9 + 34200, Kind::customer_message, ""});
  EXPECT_TRUE(sla_continues(stored, at(mon_9 + 34200), &cal.value()));
  // Counted through the wrong calendar, the elapsed seconds disagree.
  EXPECT_FALSE(sla_continues(stored, at(mon_9 + 34200), nullptr));
  // A reply ends the first-reply metric; a pause stops the clocks; another policy is another course.
  auto replied = h;
  replied.push_back({mon_9 + 34300, Kind::agent_reply, ""});
  EXPECT_FALSE(sla_continues(stored, sla_snapshot("p", sla_clock(replied, t, mon_9 + 34300), mon_9 + 34300), &cal.value()));
  auto paused = h;
  paused.push_back({mon_9 + 34300, Kind::status, "pending"});
  EXPECT_FALSE(sla_continues(stored, sla_snapshot("p", sla_clock(paused, t, mon_9 + 34300), mon_9 + 34300), &cal.value()));
  EXPECT_FALSE(sla_continues(stored, sla_snapshot("q", sla_clock(h, t, mon_9 + 1200), mon_9 + 1200), &cal.value()));
}

TEST(SlaSnapshot, ACustomerMessageWhileTheClockWaitsForAnAgentChangesNothing) {
  std::mt19937_64 rng(7);
  const char* statuses[] = {"open", "pending", "on_hold", "solved", "open", "new"};
  SlaTargets t;
  t.first_reply = 1800;
  t.next_reply = 900;
  t.resolution = 20000;
  int waiting = 0;
  for (int round = 0; round < 500; ++round) {
    int64_t at = 1'800'000'000;
    std::vector<SlaHistoryItem> h = {{at, Kind::status, "new"}, {at, Kind::customer_message, ""}};
    for (int i = 0; i < static_cast<int>(rng() % 10); ++i) {
      at += static_cast<int64_t>(rng() % 3000);
      auto kind = rng() % 3;
      h.push_back({at, kind == 0 ? Kind::customer_message : kind == 1 ? Kind::agent_reply : Kind::status,
                   kind == 2 ? statuses[rng() % 6] : ""});
    }
    int64_t computed = at + static_cast<int64_t>(rng() % 3000);
    if (!sla_waits_for_agent(sla_snapshot("p", sla_clock(h, t, computed), computed))) continue;
    ++waiting;
    int64_t now = computed + static_cast<int64_t>(rng() % 5000);
    auto with = h;
    with.push_back({now, Kind::customer_message, ""});
    EXPECT_EQ(encode_sla_snapshot(sla_snapshot("p", sla_clock(with, t, now), now)),
              encode_sla_snapshot(sla_snapshot("p", sla_clock(h, t, now), now)))
        << "round " << round;
  }
  EXPECT_GT(waiting, 100);
  // A policy that measures no reply cannot tell: the store computes the clock again.
  SlaTargets resolution_only;
  resolution_only.resolution = 20000;
  std::vector<SlaHistoryItem> h = {{0, Kind::status, "new"}, {0, Kind::customer_message, ""}};
  EXPECT_FALSE(sla_waits_for_agent(sla_snapshot("p", sla_clock(h, resolution_only, 10), 10)));
}

TEST(SlaSnapshot, FlagsAtRiskWithinTheWarningAndBreachedUntilMet) {
  SlaTargets t;
  t.first_reply = 400;  // warns 100 s before
  std::vector<SlaHistoryItem> h = {{0, Kind::status, "new"}, {0, Kind::customer_message, ""}};
  EXPECT_STREQ(sla_flag(sla_clock(h, t, 299), 299), "ok");
  EXPECT_STREQ(sla_flag(sla_clock(h, t, 300), 300), "at_risk");
  EXPECT_STREQ(sla_flag(sla_clock(h, t, 400), 400), "breached");
  h.push_back({500, Kind::agent_reply, ""});
  EXPECT_STREQ(sla_flag(sla_clock(h, t, 600), 600), "ok") << "met late: breached, but not open";
}

TEST(SlaPolicies, FirstMatchWinsEveryKeyMustFitTagsAnyOf) {
  auto p = SlaPolicies::build({}, {{.name = "billing-vip", .match = {{"group", {"Billing"}}, {"tags", {"vip", "gold"}}}, .first_reply = "1h"},
                                   {.name = "email", .match = {{"channel", {"email"}}}, .first_reply = "1d"},
                                   {.name = "rest", .first_reply = "2d"}});
  ASSERT_TRUE(p) << p.error().message;
  auto name = [&](SlaTicketFacts f) { return (*p)->match(f)->name; };
  EXPECT_EQ(name({"normal", "email", "mail", "Billing", {"gold"}}), "billing-vip");
  EXPECT_EQ(name({"normal", "email", "mail", "Billing", {}}), "email");
  EXPECT_EQ(name({"normal", "whatsapp", "wa", "Sales", {"vip"}}), "rest");
  auto same = SlaPolicies::build({}, {{.name = "rest", .first_reply = "2d"}});
  auto other = SlaPolicies::build({}, {{.name = "rest", .first_reply = "1d"}});
  EXPECT_NE(same.value()->fingerprint(), other.value()->fingerprint());
  EXPECT_EQ(SlaPolicies::build({}, {}).value()->fingerprint(), "");
}

TEST(ServiceStats, PercentilesAreNearestRankOverExactValues) {
  std::vector<int64_t> v = {50, 10, 40, 20, 30};
  EXPECT_EQ(nearest_rank(v, 50), 30);
  EXPECT_EQ(nearest_rank(v, 90), 50);
  EXPECT_EQ(nearest_rank(v, 20), 10);
  std::vector<int64_t> none;
  EXPECT_EQ(nearest_rank(none, 50), std::nullopt);
  EXPECT_EQ(attainment(0, 0), std::nullopt);
  EXPECT_DOUBLE_EQ(*attainment(3, 1), 0.75);
}

TEST(ServiceStats, CsvQuotesKeysAndDefusesFormulas) {
  ServiceFigures a;
  a.key = "=cmd|' /C calc'!A0";
  a.tickets = 2;
  ServiceFigures b;
  b.key = "Sales, \"EU\"";
  b.solved = 1;
  b.resolution_seconds = {60};
  std::string csv = service_report_csv({a, b});
  EXPECT_EQ(csv,
            "key,tickets,solved,first_reply_p50_seconds,first_reply_p90_seconds,"
            "resolution_p50_seconds,sla_attainment,reopens\r\n"
            "\"'=cmd|' /C calc'!A0\",2,0,,,,,0\r\n"
            "\"Sales, \"\"EU\"\"\",0,1,,,60,,0\r\n");
}

TEST(ServiceStats, QueueStatsListEveryStatusAndPriority) {
  QueueStats s;
  s.statuses["open"] = 3;
  s.open_total = 3;
  std::string j = encode_queue_stats(s);
  for (const char* k : {R"("new":0)", R"("closed":0)", R"("urgent":0)", R"("open":3)",
                        R"("oldest_waiting_at":null)", R"("sla":{"at_risk":0,"breached":0})"})
    EXPECT_NE(j.find(k), std::string::npos) << k << " in " << j;
}

}  // namespace
}  // namespace touchpoint::protocol

namespace touchpoint::protocol {
namespace {

TEST(ServiceSketch, ABucketsMiddleIsWithinFourAndAHalfPercentAndExactBelowElevenSeconds) {
  for (int64_t s = 0; s <= 10; ++s)
    EXPECT_EQ(sketch_rank({{duration_bucket(s), 1}}, 50), s) << s;
  for (int64_t s = 11; s < 40'000'000; s = s * 11 / 10 + 1) {
    int64_t read = sketch_rank({{duration_bucket(s), 1}}, 50).value();
    EXPECT_LE(std::abs(read - s), s * 45 / 1000 + 1) << s;
    EXPECT_EQ(duration_bucket(read), duration_bucket(s)) << "the middle is in its own bucket: " << s;
  }
  EXPECT_FALSE(sketch_rank({}, 50));
  // Nearest rank over the buckets: 3 values at 1 s, 1 at 100 s → p50 1 s, p90 ~100 s.
  std::map<int64_t, int64_t> b{{duration_bucket(1), 3}, {duration_bucket(100), 1}};
  EXPECT_EQ(sketch_rank(b, 50), 1);
  EXPECT_NEAR(static_cast<double>(sketch_rank(b, 90).value()), 100, 5);
}

}  // namespace
}  // namespace touchpoint::protocol
