// Queue figures: the agents' queue counts, supervisors' live queue statistics and service
// reports over a period.
#include <algorithm>

#include "protocol/query_string.hpp"
#include "protocol/survey.hpp"
#include "protocol/time.hpp"
#include "server/api_call.hpp"
#include "server/stats_pusher.hpp"

namespace touchpoint::server::api {
namespace {

// "2026-11-30" → days since 1970-01-01; nothing else (2026-02-30 included).
std::optional<int64_t> utc_day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  auto t = parse_rfc3339(text + "T00:00:00Z");
  if (!t || format_rfc3339(*t).substr(0, 10) != text) return std::nullopt;
  return *t / 86400;
}

constexpr int64_t kMaxReportDays = 3660;  // ten years

// from and to (UTC dates, inclusive; default today) and by (one of allowed) from the query
// string; other keys are refused unless extra takes them (it answers false for unknown ones).
struct Period {
  int64_t from_day = 0, to_day = 0;
  std::string by;
};
template <class Extra>
Result<Period> read_period(const CallPtr& c, std::initializer_list<std::string_view> allowed,
                           Extra extra) {
  auto q = protocol::parse_query_string(c->req.target);
  if (!q) return Error{Errc::bad_request, "malformed query string"};
  Period p;
  std::optional<int64_t> from, to;
  for (const auto& [k, v] : *q) {
    if (k == "from" || k == "to") {
      auto day = utc_day(v);
      if (!day) return Error{Errc::bad_request, k + " must be a date, YYYY-MM-DD (UTC)"};
      (k == "from" ? from : to) = day;
    } else if (k == "by") {
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string names;
        for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
        return Error{Errc::bad_request, "by must be one of " + names};
      }
      p.by = v;
    } else if (auto s = extra(k, v); !s) {
      return s.error();
    }
  }
  int64_t today = c->app.now() / 86400;
  p.to_day = to.value_or(today);
  p.from_day = from.value_or(p.to_day);
  if (p.from_day > p.to_day) return Error{Errc::bad_request, "from is after to"};
  if (p.to_day - p.from_day >= kMaxReportDays)
    return Error{Errc::bad_request, "a report covers at most ten years"};
  return p;
}

}  // namespace

void queue_stats(const CallPtr& c) {
  read<protocol::QueueStats>(
      c, [now = c->app.now()](storage::TicketReader& r) { return r.queue_stats(now); },
      [c](protocol::QueueStats s) {
        add_presence(c->app, s);
        c->respond(json(200, protocol::encode_queue_stats(std::move(s))));
      });
}

void queue_counts(const CallPtr& c) {
  read<protocol::QueueCounts>(
      c, [agent = c->who.agent_id](storage::TicketReader& r) { return r.queue_counts(agent); },
      [c](protocol::QueueCounts counts) { c->respond(json(200, protocol::encode_queue_counts(counts))); });
}

void service_report(const CallPtr& c) {
  bool csv = false;
  auto period = read_period(c, {"channel", "group", "agent", "day", "hour"},
                            [&csv](const std::string& k, const std::string& v) -> Status {
                              if (k != "format") return Error{Errc::bad_request, "unknown parameter " + k};
                              if (v != "json" && v != "csv")
                                return Error{Errc::bad_request, "format must be json or csv"};
                              csv = v == "csv";
                              return ok();
                            });
  if (!period) return c->respond(error_response(period.error()));
  if (period->by == "hour" && period->from_day != period->to_day)
    return c->respond(error_response({Errc::bad_request, "by=hour takes one day (from = to)"}));
  storage::ServiceQuery sq{period->from_day, period->to_day, period->by};
  using Rows = std::vector<protocol::ServiceFigures>;
  read<Rows>(
      c, [sq](storage::TicketReader& r) { return r.service_report(sq); },
      [c, csv](Rows rows) {
        if (!csv) return c->respond(json(200, protocol::encode_service_report(std::move(rows))));
        HttpResponse r{200, "text/csv; charset=utf-8", protocol::service_report_csv(std::move(rows)), {}};
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"service-report.csv\"");
        c->respond(std::move(r));
      });
}

void satisfaction_report(const CallPtr& c) {
  auto period = read_period(c, {"channel", "group", "agent"},
                            [](const std::string& k, const std::string&) -> Status {
                              return Error{Errc::bad_request, "unknown parameter " + k};
                            });
  if (!period) return c->respond(error_response(period.error()));
  storage::SatisfactionQuery sq{period->from_day, period->to_day, period->by};
  using Rows = std::vector<protocol::SatisfactionFigures>;
  read<Rows>(
      c, [sq](storage::TicketReader& r) { return r.satisfaction(sq); },
      [c](Rows rows) { c->respond(json(200, protocol::encode_satisfaction(rows))); });
}

}  // namespace touchpoint::server::api
