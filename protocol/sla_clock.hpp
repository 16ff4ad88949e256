#pragma once
// The SLA clock: a pure function of a ticket's history and a policy's targets, so what it says
// never drifts from a replay (the bug Zendesk and Zammad users report): change the policy and
// compute again from the same history.
//
// Metrics (the contract's, Zendesk's definitions):
//   first_reply  from the first customer message to the first public agent reply;
//   next_reply   from the first customer message after a public agent reply to the next public
//                agent reply, a new cycle each time;
//   resolution   from the first customer message to solved; a reopen continues the same clock.
// A target counts open seconds of the calendar (all seconds without one) while the ticket is
// neither in a pause status nor solved/closed. History holds only what counts: the caller
// leaves out notes, automatic mail and survey messages.
//
// Pure. The calendar, when given, must outlive the call.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/business_calendar.hpp"

namespace touchpoint::protocol {

struct SlaHistoryItem {
  enum class Kind { customer_message, agent_reply, status };
  int64_t at = 0;
  Kind kind = Kind::customer_message;
  std::string status;  // for Kind::status: the status entered
};

struct SlaTargets {
  std::optional<int64_t> first_reply, next_reply, resolution;  // open seconds
  std::optional<int64_t> warn_before;  // wall seconds before a due time; default: a quarter of the target
  std::set<std::string> pause_statuses{"pending", "on_hold"};
  const BusinessCalendar* calendar = nullptr;  // nullptr: 24/7
};

struct SlaMetric {
  enum class State { active, paused, fulfilled, breached };
  int64_t target_seconds = 0;
  State state = State::active;
  int64_t started_at = 0;
  std::optional<int64_t> due_at;        // when it breaches if the clock keeps running (null while paused)
  std::optional<int64_t> warn_at;       // due_at minus warn_before
  int64_t elapsed_seconds = 0;          // counted seconds so far (up to fulfilment)
  std::optional<int64_t> breached_at;   // the due time, once passed before fulfilment
  std::optional<int64_t> fulfilled_at;
};

struct SlaClock {
  std::optional<SlaMetric> first_reply;
  std::optional<SlaMetric> next_reply;  // the cycle waiting for an answer, if any
  std::vector<SlaMetric> next_reply_cycles;  // every cycle, oldest first (reports, events)
  std::optional<SlaMetric> resolution;
  // The next moment something changes by itself (a warning or a breach), for one timer.
  std::optional<int64_t> next_deadline;
  bool running = false;  // the clocks count now (not paused, solved or closed)
};

const char* sla_state_name(SlaMetric::State s);

// history: in time order, starting with the status the ticket was created in.
SlaClock sla_clock(const std::vector<SlaHistoryItem>& history, const SlaTargets& targets, int64_t now);

}  // namespace touchpoint::protocol
