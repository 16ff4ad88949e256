#pragma once
// TicketReader's insides, shared by the files that implement it by domain (ticket_reader.cpp:
// tickets, customers and files; reader_jobs.cpp: the background jobs' due work;
// reader_accounts.cpp: agents, groups, tokens; stats_reader.cpp; survey_reader.cpp).
// Internal to storage/.
#include "storage/ticket_reader.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "protocol/search_query.hpp"
#include "protocol/sla_snapshot.hpp"
#include "protocol/survey.hpp"
#include "storage/attachment_store.hpp"
#include "storage/sqlite.hpp"
#include "storage/text_index.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {
namespace reader_detail {

// Qualified: the SLA queue joins ticket_sla, which has an activity of its own.
inline constexpr const char* kTicketColumns =
    "tickets.id, tickets.subject, tickets.status, tickets.priority, tickets.channel_type, "
    "tickets.channel_name, tickets.customer_id, tickets.group_id, tickets.assignee_id, "
    "tickets.created_at, tickets.updated_at, tickets.first_response_at, tickets.solved_at, "
    "tickets.activity, tickets.merged_into, "
    "(SELECT snapshot FROM ticket_sla WHERE ticket_sla.ticket_id = tickets.id)";

inline TicketRow ticket_row(const Stmt& s) {
  TicketRow t;
  t.id = s.int64(0);
  t.subject = s.text(1);
  t.status = s.text(2);
  t.priority = s.text(3);
  t.channel_type = s.text(4);
  t.channel_name = s.text(5);
  t.customer_id = s.int64(6);
  t.group_id = s.opt_int64(7);
  t.assignee_id = s.opt_int64(8);
  t.created_at = s.int64(9);
  t.updated_at = s.int64(10);
  t.first_response_at = s.opt_int64(11);
  t.solved_at = s.opt_int64(12);
  t.activity = s.int64(13);
  t.merged_into = s.opt_int64(14);
  if (auto snapshot = s.opt_text(15)) t.sla = *snapshot;  // rendered by TicketReader::rendered
  return t;
}

template <class F>
auto guarded(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SqliteError& e) {
    return Error{e.transient() ? Errc::unavailable : Errc::internal, e.what()};
  }
}

}  // namespace reader_detail
using reader_detail::guarded;
using reader_detail::kTicketColumns;
using reader_detail::ticket_row;

struct TicketReader::Impl {
  explicit Impl(const std::string& data_dir)
      : db(open_db(database_path(data_dir), true)), files(AttachmentStore::of_store(data_dir)) {}
  DbHandle db;
  AttachmentStore files;
  sqlite3* h() { return db.get(); }

  Stmt queue_first{h(), std::string("SELECT ") + kTicketColumns +
                            " FROM tickets WHERE status = ?1 "
                            "ORDER BY activity DESC LIMIT ?2"};
  Stmt queue_after{h(), std::string("SELECT ") + kTicketColumns +
                            " FROM tickets WHERE status = ?1 AND activity < ?3 "
                            "ORDER BY activity DESC LIMIT ?2"};
  Stmt ticket_by_id{h(), std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE id = ?1"};
  Stmt tags{h(), "SELECT tag FROM ticket_tags WHERE ticket_id = ?1 ORDER BY tag"};
  Stmt messages{h(),
                "SELECT id, ticket_id, direction, author, internal, body, html, channel_type, "
                "channel_name, external_id, delivery_status, delivery_error, sent_at, created_at, "
                "send_options, full_body, thread_rule, automatic, raw_sha256 "
                "FROM messages WHERE ticket_id = ?1 ORDER BY id"};
  Stmt attachments{h(),
                   "SELECT a.id, a.message_id, a.filename, a.content_type, a.size, a.sha256 "
                   "FROM attachments a JOIN messages m ON m.id = a.message_id "
                   "WHERE m.ticket_id = ?1 ORDER BY a.id"};
  Stmt events{h(),
              "SELECT id, ticket_id, customer_id, type, actor_type, actor_id, message_id, "
              "old_value, new_value, created_at FROM events WHERE ticket_id = ?1 ORDER BY id"};
  Stmt customer{h(), "SELECT id, name, created_at, merged_into, language FROM customers WHERE id = ?1"};
  Stmt message_matches{h(),
                       "SELECT s.rowid, m.ticket_id FROM message_search s "
                       "JOIN messages m ON m.id = s.rowid "
                       "WHERE message_search MATCH ?1 AND s.rowid < ?2 "
                       "ORDER BY s.rowid DESC LIMIT ?3"};
  TextIndexes text_index{h()};  // how far bodies and subjects are searchable
  Stmt subject_matches{h(), "SELECT rowid FROM subject_search WHERE subject_search MATCH ?1 "
                            "ORDER BY rowid DESC LIMIT ?2"};
  Stmt identities{h(), "SELECT type, address, id FROM identities WHERE customer_id = ?1 ORDER BY id"};
  Stmt identity_owner{h(), "SELECT customer_id FROM identities WHERE type = ?1 AND address = ?2"};
  Stmt counts{h(), "SELECT status, n FROM status_counts"};
  Stmt due{h(),
           "SELECT o.id, o.message_id, m.ticket_id, t.customer_id, o.channel_type, "
           "o.channel_name, t.thread_key, m.body, o.attempts, coalesce(m.send_options, ''), "
           "t.subject FROM outbox o "
           "JOIN messages m ON m.id = o.message_id JOIN tickets t ON t.id = m.ticket_id "
           "WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 "
           "ORDER BY o.next_attempt_at LIMIT ?2"};
  Stmt message_files{h(), "SELECT filename, content_type, sha256, id FROM attachments "
                          "WHERE message_id = ?1 ORDER BY id"};
  // A mail conversation's Message-IDs (not the SHA-256 keys of mail that had none).
  Stmt mail_ids{h(), "SELECT external_id, direction FROM messages WHERE ticket_id = ?1 AND "
                     "channel_type = 'email' AND external_id IS NOT NULL AND "
                     "external_id NOT LIKE 'sha256:%' ORDER BY id"};
  Stmt agent{h(), "SELECT id, email, name, role, password_hash, active FROM agents "
                  "WHERE email = ?1"};

  Stmt token{h(),
             "SELECT a.id, a.email, a.name, t.role FROM auth_tokens t JOIN agents a "
             "ON a.id = t.agent_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND "
             "(t.expires_at IS NULL OR t.expires_at > ?2) AND a.active = 1"};

  // Filter combinations are few; each gets one prepared statement, kept.
  std::map<std::string, std::unique_ptr<Stmt>> list_stmts;
  Stmt& list_stmt(const std::string& sql) {
    auto& s = list_stmts[sql];
    if (!s) s = std::make_unique<Stmt>(h(), sql);
    return *s;
  }

  std::shared_ptr<const protocol::SlaPolicies> sla;
  Clock now = system_clock_now;
  // What a row needs beyond its columns: its tags, and its SLA clock rendered for now.
  void complete(TicketRow& t) {
    t.tags = tags_of(t.id);
    t.survey = survey_of(t.id);
    if (t.sla.empty()) return;
    auto snapshot = protocol::decode_sla_snapshot(t.sla);
    if (!snapshot) {
      t.sla.clear();
      return;
    }
    const protocol::SlaPolicy* policy = sla ? sla->policy(snapshot->policy) : nullptr;
    t.sla = protocol::render_sla(*snapshot, now(), policy ? policy->targets.calendar : nullptr);
  }

  // The ticket's latest survey as JSON, "" when it has none.
  Stmt survey_stmt{h(), "SELECT s.id, s.kind, s.channel_type, s.status, s.score, s.comment, "
                        "s.sent_at, s.answered_at, s.expires_at, s.reason FROM surveys s "
                        "WHERE s.ticket_id = ?1 ORDER BY s.id DESC LIMIT 1"};
  std::string survey_of(int64_t ticket_id) {
    StmtUse q(survey_stmt);
    q->bind(1, ticket_id);
    if (!q->step()) return {};
    protocol::SurveyView v{q->int64(0), q->text(1), q->text(2), q->text(3), q->opt_int64(4),
                           q->opt_text(5), q->opt_text(9), q->opt_int64(6), q->opt_int64(7),
                           q->opt_int64(8)};
    return protocol::encode_survey(v, now());
  }

  std::vector<std::string> tags_of(int64_t ticket_id) {
    std::vector<std::string> out;
    StmtUse q(tags);
    q->bind(1, ticket_id);
    while (q->step()) out.push_back(q->text(0));
    return out;
  }
};

}  // namespace touchpoint::storage
