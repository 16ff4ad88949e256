#include "protocol/sla_clock.hpp"

#include <algorithm>
#include <limits>

namespace touchpoint::protocol {
namespace {
using Kind = SlaHistoryItem::Kind;
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// The spans in which clocks run: the ticket neither paused nor solved/closed. The last one is
// open-ended (kForever) when the ticket is running now. What happened after now is not known.
std::vector<std::pair<int64_t, int64_t>> running_spans(const std::vector<SlaHistoryItem>& h,
                                                       const SlaTargets& t, int64_t now) {
  std::vector<std::pair<int64_t, int64_t>> out;
  std::optional<int64_t> since;
  for (const auto& item : h) {
    if (item.at > now) break;
    if (item.kind != Kind::status) continue;
    bool runs = !t.pause_statuses.count(item.status) && item.status != "solved" &&
                item.status != "closed";
    if (runs && !since) since = item.at;
    if (!runs && since) {
      if (item.at > *since) out.emplace_back(*since, item.at);
      since.reset();
    }
  }
  if (since) out.emplace_back(*since, kForever);
  return out;
}

struct Counter {
  const SlaTargets& t;
  const std::vector<std::pair<int64_t, int64_t>>& spans;

  int64_t open(int64_t a, int64_t b) const {
    if (b <= a) return 0;
    return t.calendar ? t.calendar->open_seconds(a, b) : b - a;
  }
  // Counted seconds in [from, to).
  int64_t counted(int64_t from, int64_t to) const {
    int64_t total = 0;
    for (auto [a, b] : spans) total += open(std::max(a, from), std::min(b, to));
    return total;
  }
  // When `need` counted seconds after `from` are reached, if the clock keeps its course.
  std::optional<int64_t> reach(int64_t from, int64_t need) const {
    for (auto [a, b] : spans) {
      int64_t s = std::max(a, from);
      if (b <= s) continue;
      if (b == kForever) {
        if (!t.calendar) return s + need;
        return t.calendar->add_open_seconds(s, need);
      }
      int64_t here = open(s, b);
      if (here >= need) return t.calendar ? t.calendar->add_open_seconds(s, need) : s + need;
      need -= here;
    }
    return std::nullopt;  // paused (or solved) before the target is reached
  }
  bool running_at(int64_t x) const {
    for (auto [a, b] : spans)
      if (a <= x && x < b) return true;
    return false;
  }
};

SlaMetric measure(const Counter& c, int64_t target, std::optional<int64_t> warn_before,
                  int64_t start, std::optional<int64_t> fulfilled, int64_t now, bool running_now) {
  SlaMetric m;
  m.target_seconds = target;
  m.started_at = start;
  int64_t end = fulfilled ? *fulfilled : now;
  m.elapsed_seconds = c.counted(start, end);
  std::optional<int64_t> due = c.reach(start, target);
  if (due && *due <= end) {
    m.breached_at = due;
    m.state = SlaMetric::State::breached;
  }
  if (fulfilled) {
    m.fulfilled_at = fulfilled;
    if (!m.breached_at) m.state = SlaMetric::State::fulfilled;
    return m;
  }
  if (m.breached_at) return m;
  if (!running_now) {
    m.state = SlaMetric::State::paused;
    return m;
  }
  m.due_at = due;
  if (due) m.warn_at = *due - warn_before.value_or(target / 4);
  return m;
}
}  // namespace

const char* sla_state_name(SlaMetric::State s) {
  switch (s) {
    case SlaMetric::State::active: return "active";
    case SlaMetric::State::paused: return "paused";
    case SlaMetric::State::fulfilled: return "fulfilled";
    case SlaMetric::State::breached: return "breached";
  }
  return "active";
}

SlaClock sla_clock(const std::vector<SlaHistoryItem>& history, const SlaTargets& t, int64_t now) {
  SlaClock out;
  auto spans = running_spans(history, t, now);
  Counter c{t, spans};
  bool running_now = c.running_at(now);
  out.running = running_now;

  std::optional<int64_t> first_customer, first_reply;
  std::optional<int64_t> solved_since;  // solved or closed now, since when
  std::vector<std::pair<int64_t, std::optional<int64_t>>> cycles;  // next_reply: start, answered
  bool waiting = false;  // a customer message after the last agent reply
  for (const auto& item : history) {
    if (item.at > now) break;
    switch (item.kind) {
      case Kind::customer_message:
        if (!first_customer) first_customer = item.at;
        if (first_reply && !waiting) cycles.push_back({item.at, std::nullopt});
        waiting = true;
        break;
      case Kind::agent_reply:
        if (first_customer && !first_reply) first_reply = item.at;
        if (!cycles.empty() && !cycles.back().second) cycles.back().second = item.at;
        waiting = false;
        break;
      case Kind::status:
        if (item.status == "solved" || item.status == "closed") {
          if (!solved_since) solved_since = item.at;
        } else {
          solved_since.reset();
        }
        break;
    }
  }
  if (!first_customer) return out;  // nothing to measure yet

  auto warn = t.warn_before;
  if (t.first_reply)
    out.first_reply = measure(c, *t.first_reply, warn, *first_customer, first_reply, now, running_now);
  if (t.next_reply) {
    for (const auto& [start, answered] : cycles)
      out.next_reply_cycles.push_back(measure(c, *t.next_reply, warn, start, answered, now, running_now));
    if (!cycles.empty() && !cycles.back().second) out.next_reply = out.next_reply_cycles.back();
  }
  if (t.resolution)
    out.resolution = measure(c, *t.resolution, warn, *first_customer, solved_since, now, running_now);

  for (const auto* m : {&out.first_reply, &out.next_reply, &out.resolution}) {
    if (!*m || (*m)->state != SlaMetric::State::active) continue;
    for (auto when : {(*m)->warn_at, (*m)->due_at})
      if (when && *when > now && (!out.next_deadline || *when < *out.next_deadline))
        out.next_deadline = when;
  }
  return out;
}

}  // namespace touchpoint::protocol
