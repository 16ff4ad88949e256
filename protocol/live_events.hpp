#pragma once
// The "data" of live events pushed on /api/v1/live. Small on purpose: ids and states; the
// console fetches what it shows.
//   ticket.created / ticket.updated    {"ticket_id":17}
//   message.created                    {"ticket_id":17,"message_id":123,"direction":"in",
//                                       "author":"customer","internal":false}
//   message.delivery_updated           {"ticket_id":17,"message_id":123,
//                                       "delivery_status":"sent","delivery_error":null}
//   sla.warning / sla.breached / sla.fulfilled
//                                      {"ticket_id":17,"metric":"first_reply","due_at":"..."}
//   stats.updated (supervisors)        the GET /api/v1/stats/queues object
#include <cstdint>
#include <optional>
#include <string>

namespace touchpoint::protocol {

std::string live_ticket(int64_t ticket_id);
std::string live_message(int64_t ticket_id, int64_t message_id, const std::string& direction,
                         const std::string& author, bool internal);
std::string live_delivery(int64_t ticket_id, int64_t message_id, const std::string& status,
                          const std::optional<std::string>& error);
// due_at: the metric's due time (for sla.fulfilled, when it was met).
std::string live_sla(int64_t ticket_id, const std::string& metric, int64_t due_at);
// survey.answered: {"ticket_id","survey_id","score"}.
std::string live_survey_answered(int64_t ticket_id, int64_t survey_id, int score);
// {"seq":N,"epoch":"...","agent":{...}} for the hello that follows a successful subscribe.
std::string live_hello(int64_t seq, const std::string& epoch, const std::string& agent_json);

}  // namespace touchpoint::protocol
