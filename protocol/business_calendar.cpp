#include "protocol/business_calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>

namespace touchpoint::protocol {
namespace {
using namespace std::chrono;
constexpr int64_t kHorizonDays = 3660;  // ten years: past it, a due time is "never"

const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<int> weekday_of(std::string_view s) {
  for (int i = 0; i < 7; ++i)
    if (s == kDays[i]) return i;
  return std::nullopt;
}

// "09:00" -> 540; "24:00" only where allow_24.
std::optional<int> minute_of(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(s.data(), s.data() + 2, h).ptr != s.data() + 2) return std::nullopt;
  if (std::from_chars(s.data() + 3, s.data() + 5, m).ptr != s.data() + 5) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return std::nullopt;
  return h * 60 + m;
}

// "mon-fri" | "sat" | "mon,wed,fri" -> weekdays.
std::optional<std::vector<int>> days_of(std::string_view s) {
  std::vector<int> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    auto dash = part.find('-');
    auto first = weekday_of(part.substr(0, dash));
    if (!first) return std::nullopt;
    if (dash == std::string_view::npos) {
      out.push_back(*first);
    } else {
      auto last = weekday_of(part.substr(dash + 1));
      if (!last) return std::nullopt;
      for (int d = *first;; d = (d + 1) % 7) {  // "fri-mon" wraps through the weekend
        out.push_back(d);
        if (d == *last) break;
      }
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<int32_t> local_day_of(std::string_view s) {
  // YYYY-MM-DD
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned mo = 0, d = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ptr != s.data() + 4 ||
      std::from_chars(s.data() + 5, s.data() + 7, mo).ptr != s.data() + 7 ||
      std::from_chars(s.data() + 8, s.data() + 10, d).ptr != s.data() + 10)
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{mo}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<int32_t>(date::sys_days(ymd).time_since_epoch().count());
}

// A wall-clock minute of a local day as an instant. In a spring-forward gap the wall time
// does not exist: it is the instant the gap ends. In a fall-back overlap it happens twice:
// a frame starts at the first and ends at the second, so it lasts as long as the wall says.
int64_t to_instant(const date::time_zone* zone, int32_t local_day, int minute, bool is_end) {
  date::local_seconds lt{seconds{int64_t{local_day} * 86400 + int64_t{minute} * 60}};
  auto info = zone->get_info(lt);
  switch (info.result) {
    case date::local_info::unique:
      return (lt - info.first.offset).time_since_epoch().count();
    case date::local_info::nonexistent:
      return info.second.begin.time_since_epoch().count();
    default:  // ambiguous
      return (lt - (is_end ? info.second.offset : info.first.offset)).time_since_epoch().count();
  }
}

Error bad(const std::string& calendar, const std::string& what) {
  return Error{Errc::bad_request, "calendar " + calendar + ": " + what};
}
}  // namespace

Result<BusinessCalendar> BusinessCalendar::build(const CalendarSpec& spec) {
  BusinessCalendar c;
  c.name_ = spec.name;
  try {
    c.zone_ = date::locate_zone(spec.timezone);
  } catch (const std::exception&) {
    return bad(spec.name, "timezone '" + spec.timezone + "' is not an IANA time zone");
  }
  if (spec.hours.empty()) return bad(spec.name, "hours must name at least one frame");
  for (const auto& h : spec.hours) {
    auto space = h.find(' ');
    auto dash = h.find('-', space == std::string::npos ? 0 : space);
    if (space == std::string::npos || dash == std::string::npos)
      return bad(spec.name, "hours frame '" + h + "' is not like \"mon-fri 09:00-17:00\"");
    auto days = days_of(std::string_view(h).substr(0, space));
    auto start = minute_of(std::string_view(h).substr(space + 1, dash - space - 1), false);
    auto end = minute_of(std::string_view(h).substr(dash + 1), true);
    if (!days || !start || !end || *start == *end)
      return bad(spec.name, "hours frame '" + h + "' is not like \"mon-fri 09:00-17:00\"");
    int end_minute = *end > *start ? *end : *end + 1440;  // "22:00-02:00" crosses midnight
    for (int d : *days) c.frames_.push_back({d, *start, end_minute});
  }
  // Overlaps, on the week's circle of 10,080 minutes.
  std::vector<std::pair<int, int>> spans;
  for (const auto& f : c.frames_) {
    int s = f.weekday * 1440 + f.start_minute, e = f.weekday * 1440 + f.end_minute;
    if (e <= 10080) {
      spans.emplace_back(s, e);
    } else {
      spans.emplace_back(s, 10080);
      spans.emplace_back(0, e - 10080);
    }
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second)
      return bad(spec.name, "hours frames overlap (" + std::string(kDays[spans[i].first / 1440]) + ")");
  std::sort(c.frames_.begin(), c.frames_.end(), [](const Frame& a, const Frame& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.start_minute < b.start_minute;
  });
  for (const auto& d : spec.holidays) {
    auto day = local_day_of(d);
    if (!day) return bad(spec.name, "holiday '" + d + "' is not a date (YYYY-MM-DD)");
    c.holidays_.push_back(*day);
  }
  std::sort(c.holidays_.begin(), c.holidays_.end());
  return c;
}

template <class Visit>
void BusinessCalendar::walk(int64_t from, Visit visit) const {
  // Start a day early: a frame of yesterday may cross midnight into today.
  auto local = zone_->to_local(date::sys_seconds{seconds{from}});
  int32_t day = static_cast<int32_t>(date::floor<date::days>(local).time_since_epoch().count()) - 1;
  for (int64_t n = 0; n <= kHorizonDays; ++n, ++day) {
    if (std::binary_search(holidays_.begin(), holidays_.end(), day)) continue;
    int weekday = static_cast<int>(date::weekday{date::sys_days{date::days{day}}}.c_encoding());
    for (const auto& f : frames_) {
      if (f.weekday != weekday) continue;
      Interval i{to_instant(zone_, day, f.start_minute, false), to_instant(zone_, day, f.end_minute, true)};
      if (i.end <= from || i.end <= i.start) continue;
      i.start = std::max(i.start, from);
      if (!visit(i)) return;
    }
  }
}

bool BusinessCalendar::is_open(int64_t t) const { return open_seconds(t, t + 1) == 1; }

int64_t BusinessCalendar::open_seconds(int64_t from, int64_t to) const {
  int64_t total = 0;
  if (to <= from) return 0;
  walk(from, [&](Interval i) {
    if (i.start >= to) return false;
    total += std::min(i.end, to) - i.start;
    return true;
  });
  return total;
}

std::optional<int64_t> BusinessCalendar::add_open_seconds(int64_t from, int64_t seconds_wanted) const {
  if (seconds_wanted <= 0) return from;
  std::optional<int64_t> due;
  int64_t left = seconds_wanted;
  walk(from, [&](Interval i) {
    if (i.end - i.start >= left) {
      due = i.start + left;
      return false;
    }
    left -= i.end - i.start;
    return true;
  });
  return due;
}

}  // namespace touchpoint::protocol
