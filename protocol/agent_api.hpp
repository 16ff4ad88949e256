#pragma once
// JSON of the agents' REST API (/api/v1): what it accepts and what it answers. Field names and
// shapes follow docs/api.md; times are RFC 3339 UTC strings, ids integers.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_rules.hpp"
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
// POST /api/v1/tickets/{id}/messages: {"body":"...","internal":false}, or instead of body
// "template":{"name","language","parameters":[...]}, and "tag" (Messenger, Instagram).
// Unknown fields are rejected.
Result<AgentMessage> parse_agent_message(std::string_view body);
// {"message_id":..,"ticket_id":..,"delivery_status":"queued"|null}
std::string encode_message_created(const MessageCreated& m);
// 409 {"error":{"code":"conflict","message","agent":{"id","name"}}}: another agent replied first.
std::string encode_reply_collision(int64_t agent_id, const std::string& agent_name);

inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxTagBytes = 64;
inline constexpr std::size_t kMaxReplyBytes = 256 * 1024;
inline constexpr std::size_t kMaxReplyFilesBytes = 25 * 1024 * 1024;  // what mail servers take

// POST /api/v1/tickets/{id}/merge: {"into":42}
Result<int64_t> parse_merge(std::string_view body);

// PATCH /api/v1/customers/{id}: {"name":"Ada Lovelace"}
Result<std::string> parse_customer_name(std::string_view body);
// POST /api/v1/customers/{id}/identities: {"type":"email","address":"Ada@Example.com"}.
// type is email, phone, whatsapp, telegram, messenger or instagram; email, phone and whatsapp
// addresses are normalised the way ingestion stores them.
Result<Identity> parse_identity(std::string_view body);
// Every stored form an agent's lookup string could have: as an email, a phone (and WhatsApp
// number), and as a raw per-channel id.
std::vector<Identity> identity_candidates(std::string_view lookup);
std::string encode_customers(const std::vector<CustomerView>& customers,
                             const std::optional<std::string>& next_cursor = std::nullopt);
struct AgentUpdate {
  std::optional<std::string> role;
  std::optional<bool> active;
};
// Admin, PATCH /api/v1/agents/{id}: {"role":"supervisor","active":false}
Result<AgentUpdate> parse_agent_update(std::string_view body);
// {"channels":[{"type","name","webhook"}]} from (type, name) pairs.
std::string encode_channels(const std::vector<std::pair<std::string, std::string>>& channels);
// {"templates":[{"channel_type","channel","name","language","text","parameters":N}]}
std::string encode_templates(const TemplateCatalog& catalog);

// Admin: {"name":"Billing"}
Result<std::string> parse_group_name(std::string_view body);
struct NewAgentRequest {
  std::string email, name, role, password;
};
// Admin: {"email","name","role","password"} (password at least 8 characters)
Result<NewAgentRequest> parse_new_agent(std::string_view body);
struct NewTokenRequest {
  int64_t agent_id = 0;
  std::string role, name;
  std::optional<int64_t> expires_at;
};
// Admin: {"agent_id":3,"role":"agent","name":"crm sync","expires_at":"2027-01-01T00:00:00Z"}
Result<NewTokenRequest> parse_new_token(std::string_view body);

std::string encode_groups(const std::vector<GroupRow>& groups);
std::string encode_group(const GroupRow& g);
std::string encode_agents(const std::vector<AgentRow>& agents);
std::string encode_tokens(const std::vector<TokenRow>& tokens);
// {"id":..,"token":"..."}: the only time a token is shown.
std::string encode_token_created(int64_t id, const std::string& token);

std::string encode_ticket(const TicketRow& t);
// The ticket with "messages" and "events".
std::string encode_ticket_view(const TicketView& v);
// {"tickets":[...],"next_cursor":"..."|null}
std::string encode_ticket_list(const std::vector<TicketRow>& tickets,
                               const std::optional<std::string>& next_cursor);
std::string encode_customer(const CustomerView& c);

}  // namespace touchpoint::protocol
