#pragma once
// SurveyStore: satisfaction surveys on the writer's connection, inside the write transaction.
// A ticket moved to solved schedules its survey (due at solved + delay, on an index one timer
// waits for); a reopen or merge before then skips it. When due, the contract's rules decide
// (protocol::decide_survey) and the survey is sent, its messages queued in the outbox in the
// same transaction, or skipped; every decision is an event on the ticket. A customer's message
// in a conversation whose survey waits for an answer is taken as the score, then the comment.
// Notices reach the server only once COMMIT returned.
//
// Internal to storage/. Not thread-safe: the writer thread only.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "protocol/survey.hpp"
#include "storage/sqlite.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {

class SurveyStore {
 public:
  explicit SurveyStore(sqlite3* db);

  void use(std::optional<protocol::SurveySettings> settings, SurveySink sink);

  // A ticket's status changed in the current transaction: solved schedules its survey,
  // leaving solved for anything but closed skips a scheduled one ("reopened").
  void status_changed(int64_t ticket_id, const std::string& from, const std::string& to, int64_t now);
  // The ticket was merged into another: a scheduled survey is skipped ("merged").
  void merged(int64_t ticket_id, int64_t now);

  // A customer's message on (channel, thread): when a survey there waits for an answer, takes
  // it as the score (then queues "why?") or as the comment (then queues the thanks) and answers
  // the survey's ticket, where the message belongs; it never reopens it. A message that is no
  // score ends the survey and is not taken (nullopt: an ordinary contact).
  std::optional<int64_t> take_reply(const std::string& channel_name, const std::string& thread_key,
                                    const std::string& text, int64_t now);

  // Decides the surveys due at now (at most limit); answers the earliest due time ahead.
  std::optional<int64_t> run_due(int64_t now, std::size_t limit);
  Result<SurveyAnswer> answer_page(const std::string& token, int score, const std::string& comment,
                                   int64_t now);

  std::function<void()> committed();  // takes the transaction's notices out, as SlaStore
  void rolled_back();   // nothing it noted happened

 private:
  void decide(int64_t survey_id, int64_t now);
  void skip(int64_t survey_id, int64_t ticket_id, const std::string& reason, int64_t now);
  // Queues one survey message on the ticket, through the outbox like an agent's reply.
  // options: protocol::survey_send_options (the adapters read the step and the template there).
  void queue_message(int64_t ticket_id, const std::string& body, const std::string& options,
                     int64_t now);
  void event(int64_t ticket_id, const char* type, const char* actor, std::optional<std::string> old_value,
             std::optional<std::string> new_value, int64_t now);

  sqlite3* db_;
  std::optional<protocol::SurveySettings> settings_;
  SurveySink sink_;
  SurveyCommitted pending_;

  Stmt schedule_;
  Stmt customer_language_;
  Stmt skip_scheduled_;
  Stmt awaiting_;
  Stmt end_conversation_;
  Stmt due_;
  Stmt earliest_;
  Stmt survey_facts_;
  Stmt message_;
  Stmt outbox_;
  Stmt event_;
};

}  // namespace touchpoint::storage
