// TicketStore's web chat read inside the writer's job: the seq a visitor's message was given
// (the ack names it, in the same job as the commit, so it is never a guess).
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

Result<int64_t> TicketStore::chat_seq(int64_t message_id) {
  return guarded([&]() -> Result<int64_t> {
    StmtUse q(impl_->chat_seq);
    q->bind(1, message_id);
    if (!q->step()) return Error{Errc::not_found, "the message is no chat line"};
    return q->int64(0);
  });
}

Result<SurveyAnswer> TicketStore::answer_chat_survey(const std::string& channel,
                                                    const std::string& visitor, int64_t survey_id,
                                                    int score, const std::string& comment) {
  return guarded([&]() -> Result<SurveyAnswer> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    // Only a survey of this visitor's own conversation: ids are guessable, visitors are not.
    Stmt q(impl_->h(), "SELECT s.token FROM surveys s JOIN tickets t ON t.id = s.ticket_id "
                       "WHERE s.id = ?1 AND t.channel_name = ?2 AND t.thread_key = ?3");
    q.bind(1, survey_id).bind(2, channel).bind(3, "thread:" + visitor);
    if (!q.step()) return Error{Errc::not_found, "no such survey in this conversation"};
    std::string token = q.text(0);
    q.reset();
    auto answer = impl_->surveys.answer_page(token, score, comment, impl_->options.now());
    if (!answer) return answer.error();  // Tx rolls back: nothing recorded
    tx.commit();
    return answer;
  });
}

}  // namespace touchpoint::storage
