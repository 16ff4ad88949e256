// TicketStore's survey writes: the settings, the due decisions and the page's answers
// (SurveyStore does the work inside each transaction).
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

void TicketStore::use_surveys(std::optional<protocol::SurveySettings> settings, SurveySink sink) {
  impl_->surveys.use(std::move(settings), std::move(sink));
}

Result<std::optional<int64_t>> TicketStore::run_due_surveys(std::size_t limit) {
  return guarded([&]() -> Result<std::optional<int64_t>> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    auto next = impl_->surveys.run_due(impl_->options.now(), limit);
    tx.commit();
    return next;
  });
}

Result<SurveyAnswer> TicketStore::answer_survey(const std::string& token, int score,
                                                const std::string& comment) {
  return guarded([&]() -> Result<SurveyAnswer> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    auto answer = impl_->surveys.answer_page(token, score, comment, impl_->options.now());
    if (!answer) return answer.error();  // Tx rolls back: nothing recorded
    tx.commit();
    return answer;
  });
}

}  // namespace touchpoint::storage
