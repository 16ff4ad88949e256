// Queue statistics and service reports: TicketReader's reads of the counters and service
// samples and their per-day sketches the write transaction keeps (schema v11, v17). No query
// here scans tickets.
#include <algorithm>
#include <map>

#include "protocol/time.hpp"
#include "storage/sqlite.hpp"
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {
namespace {

std::string day_text(int64_t day) { return format_rfc3339(day * 86400).substr(0, 10); }

std::map<int64_t, std::string> names(Stmt& q) {
  std::map<int64_t, std::string> out;
  StmtUse use(q);
  while (q.step()) out[q.int64(0)] = q.text(1);
  return out;
}

// n facts of a metric that counts (a duration's seconds or bucket is the caller's to add).
void count_fact(protocol::ServiceFigures& r, const std::string& metric, int64_t n) {
  if (metric == "received") r.tickets += n;
  else if (metric == "solved") r.solved += n;
  else if (metric == "reopened") r.reopens += n;
  else if (metric == "sla_met") r.sla_met += n;
  else if (metric == "sla_breached") r.sla_breached += n;
}

}  // namespace

// A period's rows: one day from the exact samples (so a day's report and a recomputation by
// hand agree to the second); longer periods from the per-day sketches (a few rows a day,
// however busy the days were).
Result<std::vector<protocol::ServiceFigures>> TicketReader::service_report(const ServiceQuery& sq) {
  return guarded([&]() -> Result<std::vector<protocol::ServiceFigures>> {
    bool exact = sq.from_day == sq.to_day || sq.by == "hour";  // the sketches have no hours
    auto rows = exact ? exact_rows(sq) : sketch_rows(sq);
    return labelled(sq.by, std::move(rows));
  });
}

std::map<std::string, protocol::ServiceFigures> TicketReader::exact_rows(const ServiceQuery& sq) {
  const std::string& by = sq.by;
  // The key of each sample: what the row groups by, as it was when the fact happened.
  std::string key = by == "channel" ? "channel_type"
                    : by == "group" ? "coalesce(group_id, '')"
                    : by == "agent" ? "coalesce(assignee_id, '')"
                    : by == "day"   ? "day"
                    : by == "hour"  ? "CASE WHEN at IS NULL THEN '' ELSE printf('%02d', (at % 86400) / 3600) END"
                                    : "''";
  Stmt& q = cached("SELECT metric, seconds, " + key +
                   " FROM service_samples WHERE day BETWEEN ?1 AND ?2");
  std::map<std::string, protocol::ServiceFigures> rows;
  ReadSnapshot snapshot(connection());
  StmtUse use(q);
  q.bind(1, sq.from_day).bind(2, sq.to_day);
  while (q.step()) {
    std::string k = by == "day" ? day_text(q.int64(2)) : q.text(2);
    auto& r = rows[k];
    std::string metric = q.text(0);
    count_fact(r, metric, 1);
    if (auto sec = q.opt_int64(1)) {
      if (metric == "solved") r.resolution_seconds.push_back(*sec);
      else if (metric == "first_reply") r.first_reply_seconds.push_back(*sec);
    }
  }
  return rows;
}

std::map<std::string, protocol::ServiceFigures> TicketReader::sketch_rows(const ServiceQuery& sq) {
  const std::string& by = sq.by;
  Stmt& q = cached("SELECT day, key, metric, bucket, n FROM service_sketch "
                   "WHERE dim = ?1 AND day BETWEEN ?2 AND ?3");
  std::map<std::string, protocol::ServiceFigures> rows;
  StmtUse use(q);
  q.bind(1, by == "day" ? std::string() : by).bind(2, sq.from_day).bind(3, sq.to_day);
  while (q.step()) {
    std::string k = by == "day" ? day_text(q.int64(0)) : q.text(1);
    auto& r = rows[k];
    std::string metric = q.text(2);
    int64_t bucket = q.int64(3), n = q.int64(4);
    count_fact(r, metric, n);
    if (bucket >= 0) {
      if (metric == "solved") r.resolution_buckets[bucket] += n;
      else if (metric == "first_reply") r.first_reply_buckets[bucket] += n;
    }
  }
  return rows;
}

// Keys as the report shows them: a group's name as it is today, an agent's name beside their id.
std::vector<protocol::ServiceFigures> TicketReader::labelled(
    const std::string& by, std::map<std::string, protocol::ServiceFigures> rows) {
  std::map<int64_t, std::string> labels;
  if (by == "group") labels = names(cached("SELECT id, name FROM groups"));
  if (by == "agent") labels = names(cached("SELECT id, name FROM agents"));
  std::vector<protocol::ServiceFigures> out;
  for (auto& [k, r] : rows) {
    r.key = k;
    if (by == "group" && !k.empty()) {
      auto it = labels.find(std::stoll(k));
      r.key = it == labels.end() ? "(deleted group " + k + ")" : it->second;
    }
    if (by == "agent" && !k.empty()) {
      auto it = labels.find(std::stoll(k));
      if (it != labels.end()) r.label = it->second;
    }
    out.push_back(std::move(r));
  }
  if (by.empty() && out.empty()) out.emplace_back();  // one row, even for a quiet period
  return out;
}

Result<protocol::QueueStats> TicketReader::queue_stats(int64_t now) {
  return guarded([&]() -> Result<protocol::QueueStats> {
    protocol::QueueStats s;
    {
      ReadSnapshot snapshot(connection());
      {
        Stmt& q = cached("SELECT status, n FROM status_counts");
        StmtUse use(q);
        while (q.step()) s.statuses[q.text(0)] = q.int64(1);
      }
      std::map<int64_t, std::string> groups = names(cached("SELECT id, name FROM groups"));
      {
        Stmt& q = cached("SELECT dim, key, n FROM queue_counts WHERE n <> 0");
        StmtUse use(q);
        while (q.step()) {
          std::string dim = q.text(0), key = q.text(1);
          int64_t n = q.int64(2);
          if (dim == "priority") s.by_priority[key] = n;
          else if (dim == "channel") s.by_channel[key] = n;
          else if (dim == "unassigned") s.unassigned = n;
          else if (dim == "sla") (key == "at_risk" ? s.sla_at_risk : s.sla_breached) = n;
          else if (dim == "group") {
            std::string name;
            if (!key.empty()) {
              auto it = groups.find(std::stoll(key));
              name = it == groups.end() ? key : it->second;
            }
            s.by_group[name] += n;
          }
        }
      }
      {
        Stmt& q = cached("SELECT min(waiting_since) FROM tickets WHERE waiting_since IS NOT NULL");
        StmtUse use(q);
        if (q.step()) s.oldest_waiting_at = q.opt_int64(0);
      }
      // Today from the sketch: a few rows however busy the day (percentiles within 4.5%).
      s.today = labelled("", sketch_rows({now / 86400, now / 86400, ""})).front();
    }
    for (const auto& [status, n] : s.statuses)
      if (status != "solved" && status != "closed") s.open_total += n;
    return s;
  });
}

Result<protocol::QueueCounts> TicketReader::queue_counts(int64_t agent_id) {
  return guarded([&]() -> Result<protocol::QueueCounts> {
    protocol::QueueCounts c;
    ReadSnapshot snapshot(connection());
    {
      Stmt& q = cached("SELECT sum(n) FROM status_counts WHERE status NOT IN ('solved', 'closed')");
      StmtUse use(q);
      if (q.step()) c.open = q.int64(0);
    }
    std::map<std::string, int64_t> by_group;
    {
      Stmt& q = cached("SELECT dim, key, n FROM queue_counts "
                       "WHERE dim IN ('unassigned', 'sla', 'group') OR (dim = 'assignee' AND key = ?1)");
      StmtUse use(q);
      q.bind(1, std::to_string(agent_id));
      while (q.step()) {
        std::string dim = q.text(0), key = q.text(1);
        int64_t n = q.int64(2);
        if (dim == "unassigned") c.unassigned = n;
        else if (dim == "assignee") c.mine = n;
        else if (dim == "group") by_group[key] = n;
        else if (key == "at_risk") c.sla_at_risk = n;
        else if (key == "breached") c.sla_breached = n;
      }
    }
    Stmt& q = cached("SELECT id, name FROM groups ORDER BY name");
    StmtUse use(q);
    while (q.step()) {
      auto id = q.int64(0);
      auto it = by_group.find(std::to_string(id));
      c.groups.push_back({id, q.text(1), it == by_group.end() ? 0 : it->second});
    }
    return c;
  });
}

}  // namespace touchpoint::storage
