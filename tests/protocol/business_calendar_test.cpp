// Business hours: wall-clock frames in a time zone, DST both ways, frames across midnight,
// holidays, and the two questions an SLA clock asks.
#include "protocol/business_calendar.hpp"

#include <gtest/gtest.h>

#include <random>

#include "protocol/duration.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {

int64_t at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

BusinessCalendar calendar(const char* zone, std::vector<std::string> hours,
                          std::vector<std::string> holidays = {}) {
  auto c = BusinessCalendar::build({"office", zone, std::move(hours), std::move(holidays)});
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return std::move(c).value();
}

TEST(BusinessCalendar, FridayEveningTimeRunsOnMonday) {
  auto rome = calendar("Europe/Rome", {"mon-fri 09:00-18:00"});
  // Friday 2026-11-27 17:55 in Rome (UTC+1): five minutes left, the other 55 on Monday.
  EXPECT_EQ(rome.add_open_seconds(at("2026-11-27T16:55:00Z"), 3600), at("2026-11-30T08:55:00Z"));
  EXPECT_EQ(rome.open_seconds(at("2026-11-27T16:55:00Z"), at("2026-11-30T08:55:00Z")), 3600);
  EXPECT_FALSE(rome.is_open(at("2026-11-28T10:00:00Z")));
  EXPECT_TRUE(rome.is_open(at("2026-11-30T08:00:00Z")));
}

TEST(BusinessCalendar, ACustomerWritingOutsideHoursStartsAtOpening) {
  auto rome = calendar("Europe/Rome", {"mon-fri 09:00-13:00", "mon-fri 14:00-18:00"});
  EXPECT_EQ(rome.add_open_seconds(at("2026-11-28T09:00:00Z"), 1800), at("2026-11-30T08:30:00Z"));
  // Over lunch: 12:30 + 1 h of open time is 14:30.
  EXPECT_EQ(rome.add_open_seconds(at("2026-11-30T11:30:00Z"), 3600), at("2026-11-30T13:30:00Z"));
}

TEST(BusinessCalendar, DaylightSavingTimeFollowsTheWallClock) {
  // Rome springs forward at 02:00 on 2026-03-29 and falls back at 03:00 on 2026-10-25.
  auto rome = calendar("Europe/Rome", {"sun 01:00-04:00"});
  EXPECT_EQ(rome.open_seconds(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")), 2 * 3600);
  EXPECT_EQ(rome.open_seconds(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z")), 4 * 3600);
  // New York: forward at 02:00 on 2026-03-08, back at 02:00 on 2026-11-01.
  auto ny = calendar("America/New_York", {"sun 00:00-05:00", "mon-fri 09:00-17:00"});
  EXPECT_EQ(ny.open_seconds(at("2026-03-08T00:00:00Z"), at("2026-03-09T00:00:00Z")), 4 * 3600);
  EXPECT_EQ(ny.open_seconds(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z")), 6 * 3600);
  // Friday evening to Monday: the Sunday frame gives 4 real hours, then 09:00 EDT is 13:00Z.
  EXPECT_EQ(ny.add_open_seconds(at("2026-03-06T23:00:00Z"), 5 * 3600 + 60),
            at("2026-03-09T14:01:00Z"));
  // A 09:00 opening is 13:00Z in summer time and 14:00Z in winter time.
  auto office = calendar("America/New_York", {"mon-fri 09:00-17:00"});
  EXPECT_EQ(office.add_open_seconds(at("2026-03-06T23:00:00Z"), 60), at("2026-03-09T13:01:00Z"));
  EXPECT_EQ(office.add_open_seconds(at("2026-11-06T23:00:00Z"), 60), at("2026-11-09T14:01:00Z"));
}

TEST(BusinessCalendar, AFrameMayCrossMidnight) {
  auto night = calendar("Europe/Rome", {"fri 22:00-02:00"});
  // Friday 2026-11-27 23:00 Rome: three open hours left, until Saturday 02:00.
  EXPECT_EQ(night.add_open_seconds(at("2026-11-27T22:00:00Z"), 2 * 3600), at("2026-11-28T00:00:00Z"));
  EXPECT_EQ(night.add_open_seconds(at("2026-11-27T22:00:00Z"), 4 * 3600), at("2026-12-04T22:00:00Z"));
  EXPECT_TRUE(night.is_open(at("2026-11-28T00:30:00Z")));  // Saturday 01:30 local
}

TEST(BusinessCalendar, HolidaysAreWholeLocalDaysOff) {
  auto rome = calendar("Europe/Rome", {"mon-fri 09:00-18:00"}, {"2026-12-25"});
  // Thursday 24th 17:00: one hour that day, Christmas off, the weekend, Monday 28th 10:00.
  EXPECT_EQ(rome.add_open_seconds(at("2026-12-24T16:00:00Z"), 2 * 3600), at("2026-12-28T09:00:00Z"));
}

TEST(BusinessCalendar, MalformedCalendarsNameWhatIsWrong) {
  struct Case {
    CalendarSpec spec;
    const char* says;
  } cases[] = {
      {{"c", "Mars/Olympus", {"mon 09:00-10:00"}, {}}, "Mars/Olympus"},
      {{"c", "Europe/Rome", {"mon 25:00-26:00"}, {}}, "25:00"},
      {{"c", "Europe/Rome", {"mon-fri 9-17"}, {}}, "9-17"},
      {{"c", "Europe/Rome", {"mon-fri 09:00-13:00", "wed 12:00-14:00"}, {}}, "overlap"},
      {{"c", "Europe/Rome", {"sun 22:00-02:00", "mon 01:00-03:00"}, {}}, "overlap"},
      {{"c", "Europe/Rome", {"mon 09:00-10:00"}, {"2026-02-30"}}, "2026-02-30"},
      {{"c", "Europe/Rome", {}, {}}, "hours"},
      {{"c", "Europe/Rome", {"funday 09:00-10:00"}, {}}, "funday"},
  };
  for (const auto& c : cases) {
    auto built = BusinessCalendar::build(c.spec);
    ASSERT_FALSE(built) << c.says;
    EXPECT_NE(built.error().message.find(c.says), std::string::npos) << built.error().message;
    EXPECT_NE(built.error().message.find("calendar c"), std::string::npos);
  }
}

TEST(BusinessCalendar, AddingAndCountingAgreeEverywhere) {
  auto ny = calendar("America/New_York", {"mon-fri 09:00-12:00", "mon-fri 13:00-17:30",
                                          "sat 22:00-01:00"}, {"2026-07-03"});
  std::mt19937_64 rng(7);
  int64_t year_start = at("2026-01-01T00:00:00Z");
  for (int i = 0; i < 500; ++i) {
    int64_t from = year_start + static_cast<int64_t>(rng() % (365 * 86400));
    int64_t want = static_cast<int64_t>(rng() % (40 * 3600)) + 1;
    auto due = ny.add_open_seconds(from, want);
    ASSERT_TRUE(due);
    EXPECT_EQ(ny.open_seconds(from, *due), want) << from << " + " << want;
    EXPECT_TRUE(ny.is_open(*due - 1));  // the count is reached inside open hours
  }
}

TEST(Duration, TheContractsForms) {
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("15m"), 900);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("2d"), 172800);
  EXPECT_EQ(parse_duration("1d2h3m4s"), 93784);
  for (const char* bad : {"", "5x", "5", "h", "-5m", "5 m", "30m1h", "1h1h", "99999999999d", "1.5h"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace touchpoint::protocol
