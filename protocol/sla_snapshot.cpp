#include "protocol/sla_snapshot.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/json_read.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using State = SlaMetric::State;

const char* kMetricNames[] = {"first_reply", "next_reply", "resolution"};

void opt(Writer& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  v ? w.Int64(*v) : w.Null();
}

void opt_time(Writer& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (!v) {
    w.Null();
    return;
  }
  std::string s = format_rfc3339(*v);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::optional<State> state_of(std::string_view s) {
  for (State st : {State::active, State::paused, State::fulfilled, State::breached})
    if (s == sla_state_name(st)) return st;
  return std::nullopt;
}

std::optional<int64_t> opt_int(const json::Value& v, const char* key) {
  auto* m = json::member(v, key);
  if (!m || !m->IsInt64()) return std::nullopt;
  return m->GetInt64();
}

std::optional<SlaMetric> read_metric(const json::Value& doc, const char* key) {
  auto* m = json::object(doc, key);
  if (!m) return std::nullopt;
  SlaMetric out;
  auto st = state_of(json::text(*m, "state"));
  auto target = opt_int(*m, "target");
  if (!st || !target) return std::nullopt;
  out.state = *st;
  out.target_seconds = *target;
  out.started_at = opt_int(*m, "started").value_or(0);
  out.elapsed_seconds = opt_int(*m, "elapsed").value_or(0);
  out.due_at = opt_int(*m, "due");
  out.warn_at = opt_int(*m, "warn");
  out.breached_at = opt_int(*m, "breached");
  out.fulfilled_at = opt_int(*m, "fulfilled");
  return out;
}

// A metric counts on after computed_at while the ticket runs and it is not met.
bool counts_on(const SlaSnapshot& s, const SlaMetric& m) {
  return s.running && !m.fulfilled_at && (m.state == State::active || m.state == State::breached);
}

bool same_course(const SlaSnapshot& earlier, const std::optional<SlaMetric>& a,
                 const std::optional<SlaMetric>& b, int64_t counted) {
  if (!a || !b) return !a && !b;
  int64_t elapsed = a->elapsed_seconds + (counts_on(earlier, *a) ? counted : 0);
  return a->target_seconds == b->target_seconds && a->state == b->state && a->started_at == b->started_at &&
         a->due_at == b->due_at && a->warn_at == b->warn_at && a->breached_at == b->breached_at &&
         a->fulfilled_at == b->fulfilled_at && elapsed == b->elapsed_seconds;
}

}  // namespace

bool sla_continues(const SlaSnapshot& earlier, const SlaSnapshot& later, const BusinessCalendar* calendar) {
  if (earlier.policy != later.policy || earlier.running != later.running ||
      later.computed_at < earlier.computed_at)
    return false;
  int64_t counted = later.computed_at == earlier.computed_at ? 0
                    : calendar ? calendar->open_seconds(earlier.computed_at, later.computed_at)
                               : later.computed_at - earlier.computed_at;
  return same_course(earlier, earlier.first_reply, later.first_reply, counted) &&
         same_course(earlier, earlier.next_reply, later.next_reply, counted) &&
         same_course(earlier, earlier.resolution, later.resolution, counted);
}

bool sla_waits_for_agent(const SlaSnapshot& s) {
  auto unanswered = [](const std::optional<SlaMetric>& m) { return m && !m->fulfilled_at; };
  return unanswered(s.first_reply) || unanswered(s.next_reply);
}

SlaSnapshot sla_snapshot(const std::string& policy, const SlaClock& clock, int64_t now) {
  return SlaSnapshot{policy, now, clock.running, clock.first_reply, clock.next_reply, clock.resolution};
}

std::string encode_sla_snapshot(const SlaSnapshot& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("policy");
  w.String(s.policy.data(), static_cast<rapidjson::SizeType>(s.policy.size()));
  w.Key("at");
  w.Int64(s.computed_at);
  w.Key("running");
  w.Bool(s.running);
  const std::optional<SlaMetric>* metrics[] = {&s.first_reply, &s.next_reply, &s.resolution};
  for (int i = 0; i < 3; ++i) {
    if (!*metrics[i]) continue;
    const SlaMetric& m = **metrics[i];
    w.Key(kMetricNames[i]);
    w.StartObject();
    w.Key("state");
    w.String(sla_state_name(m.state));
    w.Key("target");
    w.Int64(m.target_seconds);
    w.Key("started");
    w.Int64(m.started_at);
    w.Key("elapsed");
    w.Int64(m.elapsed_seconds);
    if (m.due_at) opt(w, "due", m.due_at);
    if (m.warn_at) opt(w, "warn", m.warn_at);
    if (m.breached_at) opt(w, "breached", m.breached_at);
    if (m.fulfilled_at) opt(w, "fulfilled", m.fulfilled_at);
    w.EndObject();
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::optional<SlaSnapshot> decode_sla_snapshot(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  SlaSnapshot s;
  s.policy = json::text(doc, "policy");
  s.computed_at = opt_int(doc, "at").value_or(0);
  auto* running = json::member(doc, "running");
  s.running = running && running->IsBool() && running->GetBool();
  s.first_reply = read_metric(doc, "first_reply");
  s.next_reply = read_metric(doc, "next_reply");
  s.resolution = read_metric(doc, "resolution");
  return s;
}

std::string render_sla(const SlaSnapshot& s, int64_t now, const BusinessCalendar* calendar) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("policy");
  w.String(s.policy.data(), static_cast<rapidjson::SizeType>(s.policy.size()));
  w.Key("metrics");
  w.StartObject();
  const std::optional<SlaMetric>* metrics[] = {&s.first_reply, &s.next_reply, &s.resolution};
  for (int i = 0; i < 3; ++i) {
    w.Key(kMetricNames[i]);
    if (!*metrics[i]) {
      w.Null();
      continue;
    }
    SlaMetric m = **metrics[i];
    if (counts_on(s, m) && now > s.computed_at)
      m.elapsed_seconds += calendar ? calendar->open_seconds(s.computed_at, now) : now - s.computed_at;
    // A due time that passed since the snapshot is a breach already (the timer records it
    // within a second; the reader does not wait for it).
    if (m.state == State::active && m.due_at && *m.due_at <= now) {
      m.state = State::breached;
      m.breached_at = m.due_at;
    }
    w.StartObject();
    w.Key("target_seconds");
    w.Int64(m.target_seconds);
    w.Key("state");
    w.String(sla_state_name(m.state));
    opt_time(w, "started_at", m.started_at);
    opt_time(w, "due_at", m.state == State::active ? m.due_at
                          : m.state == State::breached ? m.breached_at
                                                       : std::nullopt);
    w.Key("elapsed_seconds");
    w.Int64(m.elapsed_seconds);
    opt_time(w, "breached_at", m.breached_at);
    opt_time(w, "fulfilled_at", m.fulfilled_at);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

const char* sla_flag(const SlaClock& clock, int64_t now) {
  bool at_risk = false;
  for (const auto* m : {&clock.first_reply, &clock.next_reply, &clock.resolution}) {
    if (!*m) continue;
    if ((*m)->state == State::breached && !(*m)->fulfilled_at) return "breached";
    if ((*m)->state == State::active && (*m)->warn_at && *(*m)->warn_at <= now) at_risk = true;
  }
  return at_risk ? "at_risk" : "ok";
}

}  // namespace touchpoint::protocol
