// The experience record: TicketReader's reads of one customer's journey rows (schema v13), its
// tallies (v19), tickets and surveys. Every query seeks by the customer; none scans beyond
// their own rows.
#include <cstdint>

#include "storage/sqlite.hpp"
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {

Result<Experience> TicketReader::experience(int64_t customer_id, const JourneyQuery& jq) {
  return guarded([&]() -> Result<Experience> {
    ReadSnapshot snapshot(connection());
    Experience out;
    // A merged customer's record lives on in the one they were merged into.
    for (int hops = 0;; ++hops) {
      auto c = customer(customer_id);
      if (!c) return c.error();
      out.customer = std::move(c).value();
      if (!out.customer.merged_into || hops == 16) break;
      customer_id = *out.customer.merged_into;
    }
    protocol::ExperienceRecord& r = out.record;
    // The figures come from the running tallies (schema v19), a few rows per customer.
    {
      Stmt& q = cached("SELECT channel, n, first_at, last_at FROM journey_tallies "
                       "WHERE customer_id = ?1 AND kind = 'contact' ORDER BY first_at, channel");
      StmtUse use(q);
      q.bind(1, customer_id);
      while (q.step()) r.channels.push_back({q.text(0), q.int64(1), q.int64(2), q.int64(3)});
    }
    auto tallied = [&](const char* kind) -> int64_t {
      Stmt& q = cached("SELECT coalesce(sum(n), 0) FROM journey_tallies WHERE customer_id = ?1 AND kind = ?2");
      StmtUse use(q);
      q.bind(1, customer_id).bind(2, kind);
      return q.step() ? q.int64(0) : 0;
    };
    int64_t breaches = tallied("sla_breach"), reopens = tallied("reopen");
    std::vector<protocol::TicketLived> tickets;
    {
      Stmt& q = cached("SELECT created_at, first_response_at, solved_at, "
                       "status NOT IN ('solved', 'closed') FROM tickets "
                       "WHERE customer_id = ?1 AND merged_into IS NULL");
      StmtUse use(q);
      q.bind(1, customer_id);
      while (q.step())
        tickets.push_back({q.int64(0), q.opt_int64(1), q.opt_int64(2), q.int64(3) != 0});
    }
    r.service = protocol::service_lived(std::move(tickets), reopens, breaches);
    {
      Stmt& q = cached("SELECT s.answered_at, s.ticket_id, s.kind, s.score, s.comment FROM tickets t "
                       "JOIN surveys s ON s.ticket_id = t.id WHERE t.customer_id = ?1 "
                       "AND s.sent_at IS NOT NULL ORDER BY s.answered_at, s.id");
      StmtUse use(q);
      q.bind(1, customer_id);
      while (q.step()) {
        ++r.feedback.surveys_sent;
        auto score = q.opt_int64(3);
        if (!score) continue;
        r.feedback.answers.push_back(
            {q.opt_int64(0).value_or(0), q.int64(1), q.text(2), static_cast<int>(*score), q.opt_text(4)});
      }
    }
    std::vector<protocol::JourneyItem> page;
    {
      Stmt& q = cached("SELECT id, at, ticket_id, type, channel, summary FROM journey "
                       "WHERE customer_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
      StmtUse use(q);
      q.bind(1, customer_id).bind(2, jq.before.value_or(INT64_MAX));
      q.bind(3, static_cast<int64_t>(jq.limit + 1));
      while (q.step())
        page.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5)});
    }
    if (page.size() > jq.limit) {
      page.pop_back();
      r.next_before = page.back().id;
    }
    std::optional<std::string> previous_channel;
    if (!page.empty()) {
      Stmt& q = cached("SELECT channel FROM journey WHERE customer_id = ?1 AND id < ?2 "
                       "AND type = 'contact' ORDER BY id DESC LIMIT 1");
      StmtUse use(q);
      q.bind(1, customer_id).bind(2, page.back().id);
      if (q.step()) previous_channel = q.text(0);
    }
    r.journey = protocol::with_channel_switches(page, previous_channel);
    return out;
  });
}

}  // namespace touchpoint::storage
