#include "protocol/service_stats.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "protocol/model.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void opt(Writer& w, const char* key, std::optional<int64_t> v) {
  w.Key(key);
  v ? w.Int64(*v) : w.Null();
}
void opt(Writer& w, const char* key, std::optional<double> v) {
  w.Key(key);
  if (!v) {
    w.Null();
    return;
  }
  w.Double(std::round(*v * 10000) / 10000);  // four places: 0.9731
}
void counts(Writer& w, const char* key, const std::map<std::string, int64_t>& m) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, n] : m) {
    str(w, k);
    w.Int64(n);
  }
  w.EndObject();
}

struct Figures {
  std::optional<int64_t> fr50, fr90, res50;
  std::optional<double> sla;
};
// Exact values when the row has them, its sketch otherwise.
std::optional<int64_t> percentile(std::vector<int64_t>& values, const std::map<int64_t, int64_t>& buckets,
                                  int percent) {
  return values.empty() ? sketch_rank(buckets, percent) : nearest_rank(values, percent);
}
Figures figures(ServiceFigures& f) {
  return {percentile(f.first_reply_seconds, f.first_reply_buckets, 50),
          percentile(f.first_reply_seconds, f.first_reply_buckets, 90),
          percentile(f.resolution_seconds, f.resolution_buckets, 50),
          attainment(f.sla_met, f.sla_breached)};
}

}  // namespace

std::optional<int64_t> nearest_rank(std::vector<int64_t>& values, int percent) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto n = static_cast<int64_t>(values.size());
  int64_t rank = (static_cast<int64_t>(percent) * n + 99) / 100;  // ceil(p * n / 100)
  rank = std::clamp<int64_t>(rank, 1, n);
  return values[static_cast<std::size_t>(rank - 1)];
}

int64_t duration_bucket(int64_t seconds) {
  return static_cast<int64_t>(8 * std::log2(1.0 + static_cast<double>(std::max<int64_t>(seconds, 0))));
}

std::optional<int64_t> sketch_rank(const std::map<int64_t, int64_t>& buckets, int percent) {
  int64_t n = 0;
  for (const auto& [b, count] : buckets) n += count;
  if (n == 0) return std::nullopt;
  int64_t rank = std::clamp<int64_t>((static_cast<int64_t>(percent) * n + 99) / 100, 1, n);
  for (const auto& [b, count] : buckets) {
    if ((rank -= count) > 0) continue;
    // The bucket's seconds run from the first s with 8·log2(1+s) >= b to the last below b+1.
    auto lowest = static_cast<int64_t>(std::ceil(std::exp2(static_cast<double>(b) / 8) - 1));
    auto highest = static_cast<int64_t>(std::ceil(std::exp2(static_cast<double>(b + 1) / 8) - 1)) - 1;
    auto middle = std::llround(std::exp2((static_cast<double>(b) + 0.5) / 8) - 1);
    return std::clamp<int64_t>(middle, lowest, std::max(lowest, highest));
  }
  return std::nullopt;
}

std::optional<double> attainment(int64_t met, int64_t breached) {
  if (met + breached == 0) return std::nullopt;
  return static_cast<double>(met) / static_cast<double>(met + breached);
}

std::string encode_queue_stats(QueueStats s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("open_total");
  w.Int64(s.open_total);
  for (const char* st : kTicketStatuses) s.statuses.try_emplace(st, 0);
  for (const char* p : kPriorities) s.by_priority.try_emplace(p, 0);
  counts(w, "statuses", s.statuses);
  counts(w, "by_priority", s.by_priority);
  counts(w, "by_channel", s.by_channel);
  counts(w, "by_group", s.by_group);
  w.Key("unassigned");
  w.Int64(s.unassigned);
  w.Key("oldest_waiting_at");
  if (s.oldest_waiting_at) str(w, format_rfc3339(*s.oldest_waiting_at));
  else w.Null();
  w.Key("sla");
  w.StartObject();
  w.Key("at_risk");
  w.Int64(s.sla_at_risk);
  w.Key("breached");
  w.Int64(s.sla_breached);
  w.EndObject();
  w.Key("agents");
  w.StartObject();
  w.Key("online");
  w.Int64(s.agents_online);
  w.Key("away");
  w.Int64(s.agents_away);
  w.EndObject();
  Figures f = figures(s.today);
  w.Key("today");
  w.StartObject();
  w.Key("received");
  w.Int64(s.today.tickets);
  w.Key("solved");
  w.Int64(s.today.solved);
  opt(w, "first_reply_p50_seconds", f.fr50);
  opt(w, "first_reply_p90_seconds", f.fr90);
  opt(w, "resolution_p50_seconds", f.res50);
  opt(w, "sla_attainment", f.sla);
  w.Key("reopens");
  w.Int64(s.today.reopens);
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_queue_counts(const QueueCounts& c) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  for (auto [key, n] : {std::pair{"open", c.open}, {"mine", c.mine}, {"unassigned", c.unassigned},
                        {"sla_at_risk", c.sla_at_risk}, {"sla_breached", c.sla_breached}}) {
    w.Key(key);
    w.Int64(n);
  }
  w.Key("groups");
  w.StartArray();
  for (const auto& g : c.groups) {
    w.StartObject();
    w.Key("id");
    w.Int64(g.id);
    w.Key("name");
    str(w, g.name);
    w.Key("open");
    w.Int64(g.open);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string queue_stats_metrics(const QueueStats& s) {
  std::string out;
  auto gauge = [&](const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  };
  // Label values: channel types and statuses are ours; group names are escaped.
  auto label = [](const std::string& v) {
    std::string e;
    for (char c : v) {
      if (c == '\\' || c == '"') e += '\\';
      if (c == '\n') {
        e += "\\n";
        continue;
      }
      e += c;
    }
    return e;
  };
  gauge("touchpoint_queue_tickets", "Tickets by status.");
  for (const char* st : kTicketStatuses) {
    auto it = s.statuses.find(st);
    out += std::string("touchpoint_queue_tickets{status=\"") + st + "\"} " +
           std::to_string(it == s.statuses.end() ? 0 : it->second) + "\n";
  }
  gauge("touchpoint_queue_open_tickets", "Open tickets (every status but solved and closed) by priority, channel and group.");
  for (const auto& [k, n] : s.by_priority)
    out += "touchpoint_queue_open_tickets{priority=\"" + label(k) + "\"} " + std::to_string(n) + "\n";
  for (const auto& [k, n] : s.by_channel)
    out += "touchpoint_queue_open_tickets{channel=\"" + label(k) + "\"} " + std::to_string(n) + "\n";
  for (const auto& [k, n] : s.by_group)
    out += "touchpoint_queue_open_tickets{group=\"" + label(k) + "\"} " + std::to_string(n) + "\n";
  gauge("touchpoint_queue_unassigned_tickets", "Open tickets nobody is assigned to.");
  out += "touchpoint_queue_unassigned_tickets " + std::to_string(s.unassigned) + "\n";
  gauge("touchpoint_queue_oldest_waiting_timestamp_seconds", "When the oldest unanswered customer message arrived (0: none).");
  out += "touchpoint_queue_oldest_waiting_timestamp_seconds " + std::to_string(s.oldest_waiting_at.value_or(0)) + "\n";
  gauge("touchpoint_sla_tickets", "Open tickets with an SLA metric at risk or breached.");
  out += "touchpoint_sla_tickets{state=\"at_risk\"} " + std::to_string(s.sla_at_risk) + "\n";
  out += "touchpoint_sla_tickets{state=\"breached\"} " + std::to_string(s.sla_breached) + "\n";
  gauge("touchpoint_agents_online", "Agents with a console connected.");
  out += "touchpoint_agents_online " + std::to_string(s.agents_online) + "\n";
  return out;
}

std::string encode_service_report(std::vector<ServiceFigures> rows) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("rows");
  w.StartArray();
  for (auto& r : rows) {
    Figures f = figures(r);
    w.StartObject();
    w.Key("key");
    str(w, r.key);
    if (!r.label.empty()) {
      w.Key("label");
      str(w, r.label);
    }
    w.Key("tickets");
    w.Int64(r.tickets);
    w.Key("solved");
    w.Int64(r.solved);
    opt(w, "first_reply_p50_seconds", f.fr50);
    opt(w, "first_reply_p90_seconds", f.fr90);
    opt(w, "resolution_p50_seconds", f.res50);
    opt(w, "sla_attainment", f.sla);
    w.Key("reopens");
    w.Int64(r.reopens);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string service_report_csv(std::vector<ServiceFigures> rows) {
  // RFC 4180: every key quoted (a group name may hold a comma or a quote); a key starting
  // with = + - @ is prefixed with ' so a spreadsheet never runs it as a formula.
  auto field = [](const std::string& v) {
    std::string out = "\"";
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) out += '\'';
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  auto num = [](std::optional<int64_t> v) { return v ? std::to_string(*v) : std::string(); };
  std::string out =
      "key,tickets,solved,first_reply_p50_seconds,first_reply_p90_seconds,"
      "resolution_p50_seconds,sla_attainment,reopens\r\n";
  for (auto& r : rows) {
    Figures f = figures(r);
    char sla[32] = "";
    if (f.sla) std::snprintf(sla, sizeof sla, "%.4f", *f.sla);
    out += field(r.key) + "," + std::to_string(r.tickets) + "," + std::to_string(r.solved) + "," +
           num(f.fr50) + "," + num(f.fr90) + "," + num(f.res50) + "," + sla + "," +
           std::to_string(r.reopens) + "\r\n";
  }
  return out;
}

}  // namespace touchpoint::protocol
