#include "protocol/sla_policy.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/duration.hpp"
#include "protocol/model.hpp"

namespace touchpoint::protocol {
namespace {

Error bad(std::string m) { return Error{Errc::bad_request, std::move(m)}; }

bool known(const char* const* first, const char* const* last, const std::string& v) {
  return std::any_of(first, last, [&](const char* s) { return v == s; });
}

// FNV-1a, printed: stable across builds and machines.
std::string digest(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

bool SlaPolicy::fits(const SlaTicketFacts& t) const {
  for (const auto& entry : match) {
    const std::string& key = entry.first;
    const std::set<std::string>& allowed = entry.second;  // a plain reference: lambdas capture it
    if (key == "tags") {
      if (std::none_of(t.tags.begin(), t.tags.end(), [&](const std::string& tag) { return allowed.count(tag) > 0; }))
        return false;
      continue;
    }
    const std::string& v = key == "priority"       ? t.priority
                           : key == "channel"      ? t.channel_type
                           : key == "channel_name" ? t.channel_name
                                                   : t.group;
    if (!allowed.count(v)) return false;
  }
  return true;
}

Result<std::shared_ptr<const SlaPolicies>> SlaPolicies::build(
    const std::vector<CalendarSpec>& calendars, const std::vector<SlaPolicySpec>& specs) {
  std::shared_ptr<SlaPolicies> out(new SlaPolicies());
  std::string canonical;
  for (const auto& spec : calendars) {
    if (spec.name.empty()) return bad("calendar: name is required");
    if (out->calendars_.count(spec.name)) return bad("calendar " + spec.name + ": defined twice");
    auto cal = BusinessCalendar::build(spec);
    if (!cal) return cal.error();
    out->calendars_.emplace(spec.name, std::make_unique<BusinessCalendar>(std::move(cal).value()));
    canonical += "calendar\n" + spec.name + "\n" + spec.timezone + "\n";
    for (const auto& h : spec.hours) canonical += "h " + h + "\n";
    for (const auto& d : spec.holidays) canonical += "d " + d + "\n";
  }
  std::set<std::string> names;
  for (const auto& spec : specs) {
    std::string where = "sla " + (spec.name.empty() ? std::string("(unnamed)") : spec.name);
    if (spec.name.empty()) return bad("sla: name is required");
    if (!names.insert(spec.name).second) return bad(where + ": defined twice");
    SlaPolicy p;
    p.name = spec.name;
    if (!spec.calendar.empty()) {
      auto it = out->calendars_.find(spec.calendar);
      if (it == out->calendars_.end())
        return bad(where + ": calendar \"" + spec.calendar + "\" is not a [[calendar]]");
      p.targets.calendar = it->second.get();
    }
    for (const auto& [key, values] : spec.match) {
      if (key != "priority" && key != "channel" && key != "channel_name" && key != "group" &&
          key != "tags")
        return bad(where + ": match." + key + " is not a match key (priority, channel, channel_name, group, tags)");
      for (const auto& v : values) {
        if (key == "priority" && !known(std::begin(kPriorities), std::end(kPriorities), v))
          return bad(where + ": match.priority: unknown priority \"" + v + "\"");
      }
      p.match[key] = std::set<std::string>(values.begin(), values.end());
    }
    struct Field {
      const char* key;
      const std::string& text;
      std::optional<int64_t>& into;
    };
    for (Field f : {Field{"first_reply", spec.first_reply, p.targets.first_reply},
                    Field{"next_reply", spec.next_reply, p.targets.next_reply},
                    Field{"resolution", spec.resolution, p.targets.resolution},
                    Field{"warn_before", spec.warn_before, p.targets.warn_before}}) {
      if (f.text.empty()) continue;
      auto d = parse_duration(f.text);
      if (!d || *d <= 0)
        return bad(where + ": " + f.key + " \"" + f.text +
                   "\" is not a duration (e.g. \"90s\", \"15m\", \"1h30m\", \"2d\")");
      f.into = *d;
    }
    if (spec.pause_statuses) {
      p.targets.pause_statuses.clear();
      for (const auto& s : *spec.pause_statuses) {
        if (!known(std::begin(kTicketStatuses), std::end(kTicketStatuses), s) || s == "solved" ||
            s == "closed")
          return bad(where + ": pause_statuses: \"" + s +
                     "\" is not a status that can pause (new, open, pending, on_hold)");
        p.targets.pause_statuses.insert(s);
      }
    }
    canonical += "sla\n" + spec.name + "\n" + spec.calendar + "\n";
    for (const auto& [key, values] : p.match) {
      canonical += "m " + key;
      for (const auto& v : values) canonical += " " + v;
      canonical += "\n";
    }
    for (auto t : {p.targets.first_reply, p.targets.next_reply, p.targets.resolution, p.targets.warn_before})
      canonical += "t " + (t ? std::to_string(*t) : std::string("-")) + "\n";
    for (const auto& s : p.targets.pause_statuses) canonical += "p " + s + "\n";
    out->policies_.push_back(std::move(p));
  }
  out->fingerprint_ = out->policies_.empty() ? std::string() : digest(canonical);
  return std::shared_ptr<const SlaPolicies>(std::move(out));
}

const SlaPolicy* SlaPolicies::match(const SlaTicketFacts& t) const {
  for (const auto& p : policies_)
    if (p.fits(t)) return &p;
  return nullptr;
}

const SlaPolicy* SlaPolicies::policy(const std::string& name) const {
  for (const auto& p : policies_)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace touchpoint::protocol
