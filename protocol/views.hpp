#pragma once
// What the store reads back and the API shows: rows as plain structs. Times are unix seconds.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/model.hpp"

namespace touchpoint {

struct TicketRow {
  int64_t id = 0;
  std::string subject, status, priority, channel_type, channel_name;
  int64_t customer_id = 0;
  std::optional<int64_t> group_id, assignee_id;
  std::vector<std::string> tags;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> first_response_at, solved_at;
  int64_t activity = 0;  // the queue's sort key and cursor: unique, grows with every change
  std::optional<int64_t> merged_into;
  std::string sla;  // the "sla" object (JSON) at the time of reading; empty: null (no policy)
  std::string survey;  // the latest "survey" object (JSON); empty: null
};

struct AttachmentRow {
  int64_t id = 0;
  std::string filename, content_type, sha256;
  int64_t size = 0;
};

struct MessageRow {
  int64_t id = 0, ticket_id = 0;
  std::string direction, author;
  bool internal = false;
  std::string body;
  std::optional<std::string> html;
  std::string channel_type, channel_name;
  std::optional<std::string> external_id, delivery_status, delivery_error;
  std::optional<std::string> send_options;  // JSON: the template or tag it was sent with
  // Mail: the whole text when body is the reply part, the threading rule that placed it,
  // why it is automatic (never answered automatically), and the raw message's SHA-256.
  std::optional<std::string> full_body, thread_rule, automatic, raw_sha256;
  std::optional<int64_t> sent_at;
  int64_t created_at = 0;
  std::vector<AttachmentRow> attachments;
};

// A stored file as an agent downloads it: an attachment, or a mail's raw message.
struct StoredFile {
  std::string filename, content_type, sha256;
  std::string bytes;
};

struct EventRow {
  int64_t id = 0;
  std::optional<int64_t> ticket_id, customer_id;
  std::string type, actor_type;
  std::optional<int64_t> actor_id, message_id;
  std::optional<std::string> old_value, new_value;
  int64_t created_at = 0;
};

struct TicketView {
  TicketRow ticket;
  std::vector<MessageRow> messages;
  std::vector<EventRow> events;
};

struct IdentityRow {
  int64_t id = 0;
  std::string type, address;
};

struct CustomerView {
  int64_t id = 0;
  std::string name;
  std::vector<IdentityRow> identities;
  std::optional<int64_t> merged_into;
  int64_t created_at = 0;
  std::string language;  // as a channel stated it (protocol/language.hpp); "" when unknown
};

struct AgentRow {
  int64_t id = 0;
  std::string email, name, role, password_hash;
  bool active = true;
  int64_t open_tickets = 0;   // assigned to them, every status but solved and closed
  std::string presence = {};  // online | away | offline: the server's to fill in; "" leaves it out
};

struct GroupRow {
  int64_t id = 0;
  std::string name;
  std::vector<int64_t> members = {};  // agent ids
};

struct TokenRow {
  int64_t id = 0, agent_id = 0;
  std::string kind, role, name;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at, revoked_at;
};

// Who is calling: an agent authenticated by a session or API token. role is the token's
// effective role (an API token may be scoped below its agent's role).
struct Principal {
  int64_t agent_id = 0;
  std::string email, name, role;
};

}  // namespace touchpoint
