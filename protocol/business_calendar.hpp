#pragma once
// Business hours for SLA clocks (the contract's [[calendar]]): an IANA time zone, weekly frames
// of wall-clock hours (a frame may cross midnight: "fri 22:00-02:00"), and whole local days
// off. Answers how many open seconds lie between two instants, and when a number of open
// seconds will have passed. Wall-clock hours follow DST: a frame across a spring-forward gap
// is an hour shorter, one across a fall-back overlap an hour longer, as the clock on the wall.
//
// Pure (the zone rules are read from the system's tz database, /usr/share/zoneinfo).
// Immutable once built; safe to share between threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace date {
class time_zone;
}

namespace touchpoint::protocol {

struct CalendarSpec {
  std::string name;
  std::string timezone;                 // "Europe/Rome"
  std::vector<std::string> hours;       // "mon-fri 09:00-13:00", "sat 09:00-12:00", "mon,wed 08:00-10:00"
  std::vector<std::string> holidays;    // "2026-12-25": whole local days off
};

class BusinessCalendar {
 public:
  // Errors name the calendar and the key: an unknown zone, a malformed or overlapping frame,
  // an invalid date, no hours at all.
  static Result<BusinessCalendar> build(const CalendarSpec& spec);

  const std::string& name() const { return name_; }
  bool is_open(int64_t t) const;
  // Open seconds in [from, to) (0 when to <= from). Unix seconds.
  int64_t open_seconds(int64_t from, int64_t to) const;
  // The instant at which `seconds` open seconds have passed since `from`: for seconds > 0, the
  // moment inside open hours when the count is reached. nullopt if it is more than ten years
  // of calendar time away.
  std::optional<int64_t> add_open_seconds(int64_t from, int64_t seconds) const;

  struct Frame {
    int weekday;       // 0 = Sunday ... 6 = Saturday, the local day the frame starts on
    int start_minute;  // from that day's midnight
    int end_minute;    // > start_minute; past 1440 when it crosses midnight
  };

 private:
  struct Interval {
    int64_t start, end;  // unix seconds, [start, end)
  };
  // The open intervals of the local days around [from, ...), in order, until `want` says stop.
  template <class Visit>
  void walk(int64_t from, Visit visit) const;

  std::string name_;
  const date::time_zone* zone_ = nullptr;
  std::vector<Frame> frames_;         // sorted by weekday, then start
  std::vector<int32_t> holidays_;     // local days since 1970-01-01, sorted
};

}  // namespace touchpoint::protocol
