#pragma once
// JSON of the agents' REST API (/api/v1): what it accepts and what it answers. Field names and
// shapes follow docs/api.md; times are RFC 3339 UTC strings, ids integers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"
#include "protocol/views.hpp"

namespace touchpoint::protocol {

struct LoginRequest {
  std::string email;  // normalized
  std::string password;
};
// {"email":"...","password":"..."}
Result<LoginRequest> parse_login(std::string_view body);
// {"token":"...","expires_at":"...","agent":{"id":..,"email":..,"name":..,"role":..}}
std::string encode_login(const std::string& token, int64_t expires_at, const Principal& agent);
std::string encode_agent(const Principal& agent);

// PATCH /api/v1/tickets/{id}: {"status","priority","subject","assignee":id|null,
// "group":id|null,"tags":[...]}. Unknown fields are rejected, so a typo never passes silently.
Result<TicketPatch> parse_ticket_patch(std::string_view body);
// POST /api/v1/tickets/{id}/messages: {"body":"...","internal":false}
Result<AgentMessage> parse_agent_message(std::string_view body);
// {"message_id":..,"ticket_id":..,"delivery_status":"queued"|null}
std::string encode_message_created(const MessageCreated& m);

inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxTagBytes = 64;
inline constexpr std::size_t kMaxReplyBytes = 256 * 1024;

std::string encode_ticket(const TicketRow& t);
// The ticket with "messages" and "events".
std::string encode_ticket_view(const TicketView& v);
// {"tickets":[...],"next_cursor":"..."|null}
std::string encode_ticket_list(const std::vector<TicketRow>& tickets,
                               const std::optional<std::string>& next_cursor);
std::string encode_customer(const CustomerView& c);

}  // namespace touchpoint::protocol
