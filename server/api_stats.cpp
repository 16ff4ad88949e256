// Supervisors' figures: live queue statistics and service reports over a period.
#include "protocol/query_string.hpp"
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

}  // namespace

void queue_stats(const CallPtr& c) {
  read<protocol::QueueStats>(
      c, [now = c->app.now()](storage::TicketReader& r) { return r.queue_stats(now); },
      [c](protocol::QueueStats s) {
        add_presence(c->app, s);
        c->respond(json(200, protocol::encode_queue_stats(std::move(s))));
      });
}

void service_report(const CallPtr& c) {
  auto q = protocol::parse_query_string(c->req.target);
  if (!q) return c->respond(error_response({Errc::bad_request, "malformed query string"}));
  storage::ServiceQuery sq;
  bool csv = false;
  std::optional<int64_t> from, to;
  for (const auto& [k, v] : *q) {
    if (k == "from" || k == "to") {
      auto day = utc_day(v);
      if (!day) return c->respond(error_response({Errc::bad_request, k + " must be a date, YYYY-MM-DD (UTC)"}));
      (k == "from" ? from : to) = day;
    } else if (k == "by") {
      if (v != "channel" && v != "group" && v != "agent" && v != "day")
        return c->respond(error_response({Errc::bad_request, "by must be channel, group, agent or day"}));
      sq.by = v;
    } else if (k == "format") {
      if (v != "json" && v != "csv")
        return c->respond(error_response({Errc::bad_request, "format must be json or csv"}));
      csv = v == "csv";
    } else {
      return c->respond(error_response({Errc::bad_request, "unknown parameter " + k}));
    }
  }
  int64_t today = c->app.now() / 86400;
  sq.to_day = to.value_or(today);
  sq.from_day = from.value_or(sq.to_day);
  if (sq.from_day > sq.to_day)
    return c->respond(error_response({Errc::bad_request, "from is after to"}));
  if (sq.to_day - sq.from_day >= kMaxReportDays)
    return c->respond(error_response({Errc::bad_request, "a report covers at most ten years"}));
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

}  // namespace touchpoint::server::api
