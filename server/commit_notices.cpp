#include "server/commit_notices.hpp"

#include "protocol/live_events.hpp"

namespace touchpoint::server {

void announce_sla(App& app, DeadlineTimer* timer, storage::SlaCommitted committed) {
  for (const auto& n : committed.notices)
    app.hub.publish(n.type, protocol::live_sla(n.ticket_id, n.metric, n.due_at));
  if (timer) timer->consider(committed.earliest_deadline);
}

void announce_surveys(App& app, DeadlineTimer* timer, storage::SurveyCommitted committed) {
  for (const auto& a : committed.answered)
    app.hub.publish("survey.answered", protocol::live_survey_answered(a.ticket_id, a.survey_id, a.score));
  if (timer) timer->consider(committed.earliest_due);
  if (committed.messages_queued) app.nudge_outbox();
}

}  // namespace touchpoint::server
