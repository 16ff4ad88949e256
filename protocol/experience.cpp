#include "protocol/experience.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "protocol/service_stats.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void text(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void integer(Writer& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}
void opt_integer(Writer& w, const char* key, std::optional<int64_t> v) {
  w.Key(key);
  v ? w.Int64(*v) : w.Null();
}
void time_at(Writer& w, const char* key, int64_t v) { text(w, key, format_rfc3339(v)); }

constexpr int64_t kRepeatWindow = 7 * 86400;

std::optional<double> csat_of(const Feedback& f) {
  int64_t n = 0, satisfied = 0;
  for (const auto& a : f.answers)
    if (a.kind == "csat") {
      ++n;
      if (a.score >= 4) ++satisfied;
    }
  if (n == 0) return std::nullopt;
  return static_cast<double>(satisfied) / static_cast<double>(n);
}

std::optional<int> last_nps(const Feedback& f) {
  for (auto it = f.answers.rbegin(); it != f.answers.rend(); ++it)
    if (it->kind == "nps") return it->score;
  return std::nullopt;
}

const char* nps_category(int score) {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

// An answer on its kind's scale, as 0..1: how the customer felt.
double normalized(const SurveyAnswerLived& a) {
  if (a.kind == "nps") return a.score / 10.0;
  if (a.kind == "ces") return (a.score - 1) / 6.0;
  return (a.score - 1) / 4.0;
}

}  // namespace

ServiceLived service_lived(std::vector<TicketLived> tickets, int64_t reopens, int64_t sla_breaches) {
  ServiceLived s;
  s.reopens = reopens;
  s.sla_breaches = sla_breaches;
  s.tickets = static_cast<int64_t>(tickets.size());
  std::vector<int64_t> first, resolution, solved;
  std::sort(tickets.begin(), tickets.end(),
            [](const TicketLived& a, const TicketLived& b) { return a.created_at < b.created_at; });
  for (const auto& t : tickets) {
    if (t.open) ++s.open_tickets;
    if (t.first_response_at) first.push_back(std::max<int64_t>(*t.first_response_at - t.created_at, 0));
    if (t.solved_at) resolution.push_back(std::max<int64_t>(*t.solved_at - t.created_at, 0));
    // A customer who has to come back within a week of a solve was not really helped.
    bool repeat = std::any_of(solved.begin(), solved.end(), [&](int64_t at) {
      return at <= t.created_at && t.created_at - at <= kRepeatWindow;
    });
    if (repeat) ++s.repeat_contacts_7d;
    if (t.solved_at) solved.push_back(*t.solved_at);
  }
  s.first_reply_p50_seconds = nearest_rank(first, 50);
  s.resolution_p50_seconds = nearest_rank(resolution, 50);
  return s;
}

Health experience_health(const ServiceLived& s, const Feedback& f) {
  Health h;
  auto factor = [&h](const char* name, int effect) { h.factors.push_back({name, effect}); };
  if (s.first_reply_p50_seconds) {
    if (*s.first_reply_p50_seconds <= 3600) factor("fast first replies", 10);
    else if (*s.first_reply_p50_seconds > 86400) factor("slow first replies", -10);
  }
  if (s.resolution_p50_seconds && *s.resolution_p50_seconds > 3 * 86400) factor("slow resolutions", -10);
  if (s.sla_breaches > 0) factor("missed SLA targets", -static_cast<int>(std::min<int64_t>(5 * s.sla_breaches, 20)));
  if (s.reopens > 0) factor("reopened tickets", -static_cast<int>(std::min<int64_t>(5 * s.reopens, 15)));
  if (s.repeat_contacts_7d > 0)
    factor("came back within a week", -static_cast<int>(std::min<int64_t>(5 * s.repeat_contacts_7d, 10)));
  if (s.open_tickets > 0) factor("a ticket is open", -5);
  if (auto csat = csat_of(f)) {
    if (*csat >= 0.8) factor("satisfied in surveys", 15);
    else if (*csat < 0.5) factor("dissatisfied in surveys", -15);
  }
  if (auto nps = last_nps(f)) {
    if (*nps >= 9) factor("promoter", 10);
    else if (*nps <= 6) factor("detractor", -15);
  }
  int score = 70;
  for (const auto& x : h.factors) score += x.effect;
  h.score = std::clamp(score, 0, 100);
  // The trend is what the last two answers say, each on its own scale's 0..1.
  h.trend = "flat";
  if (f.answers.size() >= 2) {
    double last = normalized(f.answers.back()), before = normalized(f.answers[f.answers.size() - 2]);
    if (last > before + 1e-9) h.trend = "up";
    else if (last < before - 1e-9) h.trend = "down";
  }
  return h;
}

std::vector<JourneyItem> with_channel_switches(const std::vector<JourneyItem>& journey,
                                               std::optional<std::string> previous) {
  // Walk oldest to newest; a contact on another channel than the contact before it is
  // followed by a channel_switch at the same moment (so newest first, the switch heads it).
  std::vector<JourneyItem> out;
  for (auto it = journey.rbegin(); it != journey.rend(); ++it) {
    out.push_back(*it);
    if (it->type != "contact") continue;
    if (previous && *previous != it->channel) {
      JourneyItem s = *it;
      s.type = "channel_switch";
      s.summary = *previous + " → " + it->channel;
      out.push_back(std::move(s));
    }
    previous = it->channel;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string encode_experience(const ExperienceRecord& r) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("customer");
  w.RawValue(r.customer_json.data(), r.customer_json.size(), rapidjson::kObjectType);
  w.Key("channels");
  w.StartArray();
  for (const auto& c : r.channels) {
    w.StartObject();
    text(w, "type", c.type);
    integer(w, "contacts", c.contacts);
    time_at(w, "first_at", c.first_at);
    time_at(w, "last_at", c.last_at);
    w.EndObject();
  }
  w.EndArray();
  const ServiceLived& s = r.service;
  w.Key("service");
  w.StartObject();
  integer(w, "tickets", s.tickets);
  integer(w, "open_tickets", s.open_tickets);
  integer(w, "reopens", s.reopens);
  opt_integer(w, "first_reply_p50_seconds", s.first_reply_p50_seconds);
  opt_integer(w, "resolution_p50_seconds", s.resolution_p50_seconds);
  integer(w, "sla_breaches", s.sla_breaches);
  integer(w, "repeat_contacts_7d", s.repeat_contacts_7d);
  w.EndObject();
  const Feedback& f = r.feedback;
  w.Key("feedback");
  w.StartObject();
  integer(w, "surveys_sent", f.surveys_sent);
  integer(w, "responses", static_cast<int64_t>(f.answers.size()));
  w.Key("csat");
  if (auto csat = csat_of(f)) w.Double(std::round(*csat * 10000) / 10000);
  else w.Null();
  auto nps = last_nps(f);
  w.Key("last_nps");
  nps ? w.Int(*nps) : w.Null();
  w.Key("nps_category");
  nps ? w.String(nps_category(*nps)) : w.Null();
  w.Key("comments");
  w.StartArray();
  for (auto it = f.answers.rbegin(); it != f.answers.rend(); ++it) {  // newest first
    if (!it->comment) continue;
    w.StartObject();
    time_at(w, "at", it->at);
    text(w, "kind", it->kind);
    integer(w, "score", it->score);
    text(w, "text", *it->comment);
    integer(w, "ticket_id", it->ticket_id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  Health h = experience_health(s, f);
  w.Key("health");
  w.StartObject();
  integer(w, "score", h.score);
  text(w, "trend", h.trend);
  w.Key("factors");
  w.StartArray();
  for (const auto& x : h.factors) {
    w.StartObject();
    text(w, "name", x.name);
    integer(w, "effect", x.effect);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("journey");
  w.StartArray();
  for (const auto& j : r.journey) {
    w.StartObject();
    integer(w, "id", j.id);
    time_at(w, "at", j.at);
    text(w, "type", j.type);
    text(w, "channel", j.channel);
    integer(w, "ticket_id", j.ticket_id);
    text(w, "summary", j.summary);
    w.EndObject();
  }
  w.EndArray();
  opt_integer(w, "next_before", r.next_before);
  w.EndObject();
  return sb.GetString();
}

}  // namespace touchpoint::protocol
