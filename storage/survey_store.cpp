#include "storage/survey_store.hpp"

#include <sys/random.h>

#include <algorithm>

namespace touchpoint::storage {
namespace {

// 160 random bits, hex: the page's address is its only credential.
std::string random_token() {
  unsigned char bytes[20];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) throw SqliteError(SQLITE_IOERR, "no random bytes for a survey token");
    got += static_cast<std::size_t>(n);
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// "thread:X" → X; a threadless channel's "customer:N" → "" (replies find them by identity).
std::string thread_of(const std::string& key) {
  return key.rfind("thread:", 0) == 0 ? key.substr(7) : std::string();
}

}  // namespace

SurveyStore::SurveyStore(sqlite3* db)
    : db_(db),
      // One survey is sent per ticket: solving it again after a reopen schedules it again only
      // when the earlier one was skipped.
      schedule_(db, "INSERT INTO surveys(ticket_id, channel_type, channel_name, thread_key, "
                    "group_id, agent_id, kind, language, status, due_at, created_at) "
                    "SELECT id, channel_type, channel_name, thread_key, group_id, assignee_id, "
                    "?2, ?3, 'scheduled', ?4, ?5 FROM tickets WHERE id = ?1 AND NOT EXISTS ("
                    "SELECT 1 FROM surveys WHERE ticket_id = ?1 AND status <> 'skipped')"),
      // The customer's language, when a channel stated it (a survey asks in it if built in).
      customer_language_(db, "SELECT c.language FROM tickets t JOIN customers c ON c.id = t.customer_id "
                             "WHERE t.id = ?1"),
      skip_scheduled_(db, "UPDATE surveys SET status = 'skipped', reason = ?2 "
                          "WHERE ticket_id = ?1 AND status = 'scheduled' RETURNING id"),
      awaiting_(db, "SELECT id, ticket_id, kind, language, step, expires_at FROM surveys "
                    "WHERE channel_name = ?1 AND thread_key = ?2 AND step IS NOT NULL "
                    "ORDER BY id DESC LIMIT 1"),
      end_conversation_(db, "UPDATE surveys SET step = NULL WHERE id = ?1"),
      due_(db, "SELECT id FROM surveys WHERE status = 'scheduled' AND due_at <= ?1 "
               "ORDER BY due_at LIMIT ?2"),
      earliest_(db, "SELECT min(due_at) FROM surveys WHERE status = 'scheduled'"),
      survey_facts_(
          db,
          "SELECT s.ticket_id, s.kind, s.language, t.status, t.channel_type, t.channel_name, "
          "t.thread_key, "
          "EXISTS(SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.direction = 'in' "
          "AND m.automatic IS NULL), "
          "EXISTS(SELECT 1 FROM identities i WHERE i.customer_id = t.customer_id AND i.type = 'email'), "
          "(SELECT max(o.sent_at) FROM tickets ct JOIN surveys o ON o.ticket_id = ct.id "
          "WHERE ct.customer_id = t.customer_id), "
          "EXISTS(SELECT 1 FROM tickets ot WHERE ot.customer_id = t.customer_id AND ot.id <> t.id "
          "AND ot.status NOT IN ('solved', 'closed')), "
          "(SELECT max(m.created_at) FROM messages m WHERE m.ticket_id = t.id AND m.direction = 'in') "
          "FROM surveys s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = ?1 AND s.status = 'scheduled'"),
      // A survey message is the system's: it neither answers the customer (first reply, SLA)
      // nor moves the ticket in the queue.
      message_(db, "INSERT INTO messages(ticket_id, direction, author, internal, body, channel_type, "
                   "channel_name, delivery_status, created_at, send_options) "
                   "SELECT id, 'out', 'system', 0, ?2, channel_type, channel_name, 'queued', ?3, ?4 "
                   "FROM tickets WHERE id = ?1 RETURNING id"),
      outbox_(db, "INSERT INTO outbox(message_id, channel_type, channel_name, state, next_attempt_at, "
                  "created_at) SELECT id, channel_type, channel_name, 'pending', ?2, ?2 "
                  "FROM messages WHERE id = ?1"),
      event_(db, "INSERT INTO events(ticket_id, type, actor_type, old_value, new_value, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)") {}

void SurveyStore::use(std::optional<protocol::SurveySettings> settings, SurveySink sink) {
  settings_ = std::move(settings);
  sink_ = std::move(sink);
}

void SurveyStore::event(int64_t ticket_id, const char* type, const char* actor,
                        std::optional<std::string> old_value, std::optional<std::string> new_value,
                        int64_t now) {
  event_.bind(1, ticket_id).bind(2, type).bind(3, actor).bind(4, old_value).bind(5, new_value);
  event_.bind(6, now).run();
}

void SurveyStore::status_changed(int64_t ticket_id, const std::string& from, const std::string& to,
                                 int64_t now) {
  if (to == "solved" && settings_) {
    int64_t due = now + settings_->delay_seconds;
    std::string language = settings_->language;
    customer_language_.bind(1, ticket_id);
    if (customer_language_.step())
      if (auto theirs = protocol::survey_language_of(customer_language_.text(0))) language = *theirs;
    customer_language_.reset();
    schedule_.bind(1, ticket_id).bind(2, protocol::survey_kind_name(settings_->kind));
    schedule_.bind(3, language).bind(4, due).bind(5, now).run();
    if (sqlite3_changes(db_) > 0)
      pending_.earliest_due = std::min(pending_.earliest_due.value_or(due), due);
  } else if (from == "solved" && to != "closed") {
    skip(0, ticket_id, "reopened", now);
  }
}

void SurveyStore::merged(int64_t ticket_id, int64_t now) { skip(0, ticket_id, "merged", now); }

// survey_id 0: the ticket's scheduled survey, if any.
void SurveyStore::skip(int64_t survey_id, int64_t ticket_id, const std::string& reason, int64_t now) {
  if (survey_id) {
    Stmt q(db_, "UPDATE surveys SET status = 'skipped', reason = ?2 WHERE id = ?1 AND status = 'scheduled'");
    q.bind(1, survey_id).bind(2, reason).run();
    if (sqlite3_changes(db_) == 0) return;
  } else {
    StmtUse q(skip_scheduled_);
    q->bind(1, ticket_id).bind(2, reason);
    if (!q->step()) return;
  }
  event(ticket_id, "survey.skipped", "system", std::nullopt, reason, now);
}

void SurveyStore::queue_message(int64_t ticket_id, const std::string& body,
                                const std::string& options, int64_t now) {
  int64_t message_id = 0;
  {
    StmtUse q(message_);
    q->bind(1, ticket_id).bind(2, body).bind(3, now).bind(4, options);
    if (!q->step()) return;
    message_id = q->int64(0);
  }
  outbox_.bind(1, message_id).bind(2, now).run();
  pending_.messages_queued = true;
}

std::optional<int64_t> SurveyStore::take_reply(const std::string& channel_name,
                                               const std::string& thread_key,
                                               const std::string& text, int64_t now) {
  int64_t survey_id = 0, ticket_id = 0;
  std::string kind, language, step;
  std::optional<int64_t> expires_at;
  {
    StmtUse q(awaiting_);
    q->bind(1, channel_name).bind(2, thread_key);
    if (!q->step()) return std::nullopt;
    survey_id = q->int64(0);
    ticket_id = q->int64(1);
    kind = q->text(2);
    language = q->text(3);
    step = q->text(4);
    expires_at = q->opt_int64(5);
  }
  auto end = [&] {
    end_conversation_.bind(1, survey_id).run();
    return std::nullopt;
  };
  if (expires_at && now >= *expires_at) return end();
  auto k = protocol::survey_kind(kind).value_or(protocol::SurveyKind::csat);
  protocol::SurveyTexts texts = protocol::survey_texts(k, language);
  if (step == "score") {
    auto score = protocol::parse_survey_score(text, k);
    if (!score) {
      // Not an answer: the survey ends quietly and the message is an ordinary contact.
      event(ticket_id, "survey.ended", "customer", std::nullopt, std::string("no_score"), now);
      return end();
    }
    Stmt u(db_, "UPDATE surveys SET status = 'answered', score = ?2, answered_at = ?3, "
                "step = 'reason' WHERE id = ?1");
    u.bind(1, survey_id).bind(2, int64_t{*score}).bind(3, now).run();
    event(ticket_id, "survey.answered", "customer", std::nullopt, std::to_string(*score), now);
    queue_message(ticket_id, texts.reason,
                  protocol::survey_send_options(survey_id, "reason", nullptr), now);
    pending_.answered.push_back({ticket_id, survey_id, *score});
    return ticket_id;
  }
  Stmt u(db_, "UPDATE surveys SET comment = ?2, step = NULL WHERE id = ?1");
  u.bind(1, survey_id).bind(2, protocol::clip_comment(text)).run();
  event(ticket_id, "survey.commented", "customer", std::nullopt, std::nullopt, now);
  queue_message(ticket_id, texts.thanks,
                protocol::survey_send_options(survey_id, "thanks", nullptr), now);
  return ticket_id;
}

void SurveyStore::decide(int64_t survey_id, int64_t now) {
  protocol::SurveyFacts f;
  int64_t ticket_id = 0;
  std::string kind_name, language, channel_name;
  {
    StmtUse q(survey_facts_);
    q->bind(1, survey_id);
    if (!q->step()) return;
    ticket_id = q->int64(0);
    kind_name = q->text(1);
    language = q->text(2);
    f.ticket_status = q->text(3);
    f.channel_type = q->text(4);
    channel_name = q->text(5);
    f.thread = thread_of(q->text(6));
    f.customer_spoke = q->int64(7) != 0;
    f.has_email_address = q->int64(8) != 0;
    f.last_survey_sent_at = q->opt_int64(9);
    f.other_open_ticket = q->int64(10) != 0;
    f.last_inbound_at = q->opt_int64(11);
  }
  // Settings gone (the [survey] table removed): what was scheduled is skipped, not sent.
  if (!settings_) return skip(survey_id, ticket_id, "disabled", now);
  const protocol::SurveySettings& s = *settings_;
  auto opener = s.templates.find(channel_name);
  f.has_template = opener != s.templates.end();
  auto decision = protocol::decide_survey(f, s, now);
  if (!decision.send) return skip(survey_id, ticket_id, decision.reason, now);

  auto kind = protocol::survey_kind(kind_name).value_or(s.kind);
  std::string token = random_token();
  bool conversation = f.channel_type != "email";
  std::string body;
  const protocol::ReplyTemplate* tpl = decision.use_template ? &opener->second : nullptr;
  if (!conversation) body = protocol::survey_email_body(kind, language, s.public_url + "/s/" + token);
  else if (tpl) body = tpl->text;
  else body = protocol::survey_question_message(kind, language);
  Stmt u(db_, "UPDATE surveys SET status = 'sent', step = ?2, token = ?3, sent_at = ?4, "
              "expires_at = ?5 WHERE id = ?1");
  u.bind(1, survey_id).bind(2, conversation ? std::optional<std::string>("score") : std::nullopt);
  u.bind(3, token).bind(4, now).bind(5, now + s.expires_seconds).run();
  queue_message(ticket_id, body,
                protocol::survey_send_options(survey_id, "question", tpl), now);
  event(ticket_id, "survey.sent", "system", std::nullopt, f.channel_type, now);
}

std::optional<int64_t> SurveyStore::run_due(int64_t now, std::size_t limit) {
  std::vector<int64_t> due;
  {
    StmtUse q(due_);
    q->bind(1, now).bind(2, static_cast<int64_t>(limit));
    while (q->step()) due.push_back(q->int64(0));
  }
  for (int64_t id : due) decide(id, now);
  StmtUse q(earliest_);
  if (!q->step()) return std::nullopt;
  return q->opt_int64(0);
}

Result<SurveyAnswer> SurveyStore::answer_page(const std::string& token, int score,
                                              const std::string& comment, int64_t now) {
  Stmt q(db_, "SELECT id, ticket_id, kind, expires_at, answered_at FROM surveys "
              "WHERE token = ?1 AND status IN ('sent', 'answered')");
  q.bind(1, token);
  if (!q.step()) return Error{Errc::not_found, "no such survey"};
  SurveyAnswer a;
  a.survey_id = q.int64(0);
  a.ticket_id = q.int64(1);
  auto kind = protocol::survey_kind(q.text(2)).value_or(protocol::SurveyKind::csat);
  auto expires_at = q.opt_int64(3);
  a.first = !q.opt_int64(4);
  q.reset();
  if (expires_at && now >= *expires_at) return Error{Errc::conflict, "the survey has closed"};
  auto scale = protocol::survey_scale(kind);
  if (score < scale.min || score > scale.max)
    return Error{Errc::bad_request, "the score must be from " + std::to_string(scale.min) + " to " +
                                        std::to_string(scale.max)};
  a.score = score;
  std::string text = protocol::clip_comment(comment);
  Stmt u(db_, "UPDATE surveys SET status = 'answered', score = ?2, comment = ?3, "
              "answered_at = coalesce(answered_at, ?4), step = NULL WHERE id = ?1");
  u.bind(1, a.survey_id).bind(2, int64_t{score});
  u.bind(3, text.empty() ? std::nullopt : std::optional<std::string>(text)).bind(4, now).run();
  event(a.ticket_id, a.first ? "survey.answered" : "survey.changed", "customer", std::nullopt,
        std::to_string(score), now);
  pending_.answered.push_back({a.ticket_id, a.survey_id, score});
  return a;
}

std::function<void()> SurveyStore::committed() {
  if (pending_.answered.empty() && !pending_.earliest_due && !pending_.messages_queued) return {};
  SurveyCommitted done;
  std::swap(done, pending_);
  if (!sink_) return {};
  return [sink = sink_, done = std::move(done)]() mutable { sink(std::move(done)); };
}

void SurveyStore::rolled_back() { pending_ = {}; }

}  // namespace touchpoint::storage
