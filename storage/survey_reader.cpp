// Surveys: TicketReader's reads of the survey page's state and the satisfaction report.
#include <map>

#include "storage/sqlite.hpp"
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {

Result<SurveyPageState> TicketReader::survey_page(const std::string& token, int64_t now) {
  return guarded([&]() -> Result<SurveyPageState> {
    Stmt& q = cached("SELECT id, kind, language, expires_at, score, coalesce(comment, '') "
                     "FROM surveys WHERE token = ?1 AND status IN ('sent', 'answered')");
    StmtUse use(q);
    q.bind(1, token);
    if (!q.step()) return Error{Errc::not_found, "no such survey"};
    SurveyPageState s;
    s.id = q.int64(0);
    s.kind = protocol::survey_kind(q.text(1)).value_or(protocol::SurveyKind::csat);
    s.language = q.text(2);
    auto expires_at = q.opt_int64(3);
    s.expired = expires_at && now >= *expires_at;
    if (auto score = q.opt_int64(4)) s.score = static_cast<int>(*score);
    s.comment = q.text(5);
    return s;
  });
}

Result<std::vector<protocol::SatisfactionFigures>> TicketReader::satisfaction(
    const SatisfactionQuery& sq) {
  return guarded([&]() -> Result<std::vector<protocol::SatisfactionFigures>> {
    const std::string& by = sq.by;
    // The key of each survey as it was when its ticket was solved.
    std::string key = by == "channel" ? "s.channel_type"
                      : by == "group" ? "coalesce(g.name, CAST(s.group_id AS TEXT), '')"
                      : by == "agent" ? "coalesce(CAST(s.agent_id AS TEXT), '')"
                                      : "''";
    Stmt& q = cached(
        "SELECT " + key + ", coalesce(a.name, ''), s.kind, count(*), count(s.score), "
        "sum(s.score >= 4), sum(s.score >= 9), sum(s.score <= 6), coalesce(sum(s.score), 0) "
        "FROM surveys s LEFT JOIN groups g ON g.id = s.group_id "
        "LEFT JOIN agents a ON a.id = s.agent_id "
        "WHERE s.sent_at >= ?1 AND s.sent_at < ?2 GROUP BY 1, 3 ORDER BY 1, 3");
    StmtUse use(q);
    q.bind(1, sq.from_day * 86400).bind(2, (sq.to_day + 1) * 86400);
    std::vector<protocol::SatisfactionFigures> out;
    while (q.step()) {
      protocol::SatisfactionFigures f;
      f.key = q.text(0);
      if (by == "agent") f.label = q.text(1);
      f.kind = q.text(2);
      f.sent = q.int64(3);
      f.responses = q.int64(4);
      f.satisfied = q.opt_int64(5).value_or(0);
      f.promoters = q.opt_int64(6).value_or(0);
      f.detractors = q.opt_int64(7).value_or(0);
      f.score_sum = q.int64(8);
      out.push_back(std::move(f));
    }
    return out;
  });
}

}  // namespace touchpoint::storage
