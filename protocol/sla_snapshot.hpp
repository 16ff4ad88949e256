#pragma once
// What the store keeps of a ticket's SLA clock (computed in the write transaction at every
// change and at every warning or breach moment), and the ticket JSON's "sla" object rendered
// from it at read time: a clock that is running counts on from when it was computed, through
// the calendar's open hours, so elapsed_seconds is right without a write.
//
// Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/business_calendar.hpp"
#include "protocol/sla_clock.hpp"

namespace touchpoint::protocol {

struct SlaSnapshot {
  std::string policy;
  int64_t computed_at = 0;
  bool running = false;  // the ticket's clocks were counting at computed_at
  std::optional<SlaMetric> first_reply, next_reply, resolution;
};

SlaSnapshot sla_snapshot(const std::string& policy, const SlaClock& clock, int64_t now);

// Compact JSON for the store, and back (nullopt for text that is not one).
std::string encode_sla_snapshot(const SlaSnapshot& s);
std::optional<SlaSnapshot> decode_sla_snapshot(std::string_view text);

// True when `later` tells nothing `earlier` does not: the same policy, state and times, the
// counting metrics' elapsed seconds carried on through the calendar (nullptr: 24/7) from
// earlier.computed_at. render_sla then gives the same from either at any time, so a store may
// keep `earlier` and skip the write.
bool sla_continues(const SlaSnapshot& earlier, const SlaSnapshot& later, const BusinessCalendar* calendar);

// The clock waits for an agent's answer (a first reply or a next reply not yet given). A
// customer message written now, at or after computed_at, is then no change at all to
// sla_clock: the snapshot stays right. False when the policy measures neither reply.
bool sla_waits_for_agent(const SlaSnapshot& s);

// The contract's "sla" object at now. calendar: the policy's, nullptr for 24/7.
std::string render_sla(const SlaSnapshot& s, int64_t now, const BusinessCalendar* calendar);

// "at_risk" (a running metric due within its warning time), "breached" (a metric breached and
// not met), or "ok": what the queue filter and the counters go by.
const char* sla_flag(const SlaClock& clock, int64_t now);

}  // namespace touchpoint::protocol
