#pragma once
// SLA policies (the contract's [[calendar]] and [[sla]]): built and validated once from the
// config, then matched against a ticket's facts. The first policy whose `match` fits applies;
// every key given must fit (tags: any of), and an empty match fits every ticket.
//
// Pure. Immutable once built and shared between threads (policies point into their own
// calendars, so the object is neither copied nor moved: hold it by shared_ptr).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/business_calendar.hpp"
#include "protocol/result.hpp"
#include "protocol/sla_clock.hpp"

namespace touchpoint::protocol {

struct SlaPolicySpec {
  std::string name = {};
  std::string calendar = {};  // "" = calendar time, 24/7
  std::map<std::string, std::vector<std::string>> match = {};  // priority, channel, channel_name, group, tags
  // Durations as written ("1h30m"); "" = no target.
  std::string first_reply = {}, next_reply = {}, resolution = {}, warn_before = {};
  std::optional<std::vector<std::string>> pause_statuses = {};  // nullopt: pending, on_hold
};

// What a policy is matched on.
struct SlaTicketFacts {
  std::string priority, channel_type, channel_name, group;  // group: its name, "" for none
  std::vector<std::string> tags;
};

struct SlaPolicy {
  std::string name;
  std::map<std::string, std::set<std::string>> match;
  SlaTargets targets;  // targets.calendar points into the owning SlaPolicies
  bool fits(const SlaTicketFacts& t) const;
};

class SlaPolicies {
 public:
  // Errors name the key: "calendar office: hours #2 ...", "sla vip: first_reply \"5x\" is not a
  // duration", "sla vip: pause_statuses: unknown status \"waiting\"".
  static Result<std::shared_ptr<const SlaPolicies>> build(const std::vector<CalendarSpec>& calendars,
                                                          const std::vector<SlaPolicySpec>& policies);
  SlaPolicies(const SlaPolicies&) = delete;
  SlaPolicies& operator=(const SlaPolicies&) = delete;

  bool empty() const { return policies_.empty(); }
  const SlaPolicy* match(const SlaTicketFacts& t) const;
  const SlaPolicy* policy(const std::string& name) const;
  // Changes whenever anything that decides a clock changes: kept with the store, so a new
  // config recomputes every running clock once.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  SlaPolicies() = default;
  std::map<std::string, std::unique_ptr<BusinessCalendar>> calendars_;
  std::vector<SlaPolicy> policies_;
  std::string fingerprint_;
};

}  // namespace touchpoint::protocol
