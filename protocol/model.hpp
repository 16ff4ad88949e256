#pragma once
// Domain structs shared by every layer: what arrives (InboundContact) and what the store
// answers (Recorded). Plain data, no behaviour.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace touchpoint {

// One way to reach a customer. (type, address) is unique across all customers.
// type: "email", "phone", "whatsapp", "telegram", "messenger", "instagram", "api", ...
struct Identity {
  std::string type;
  std::string address;
  bool operator==(const Identity&) const = default;
};

struct AttachmentIn {
  std::string filename;
  std::string content_type;
  std::string data;    // raw bytes
  std::string sha256;  // set when the bytes are already in the attachment store (written, maybe
                       // not yet synced: the store syncs before the commit naming them)
};

// Mail only: what threading, loop guards and bounces need beyond the common fields.
struct EmailFacts {
  std::vector<std::string> in_reply_to;   // message ids, without <>
  std::vector<std::string> references;    // as the header lists them, oldest first
  std::optional<int64_t> subject_ticket;  // the subject's [#ID] token
  std::string sender;                     // From, lowercased: must be a participant for [#ID]
  std::string automatic;                  // why no automatic mail may answer it; "" if one may
  std::string bounced_message_id;         // a bounce: the Message-ID of the mail that bounced
  std::string bounce_status;              // and why, as the reporting MTA put it
  std::string full_text;                  // the whole text (InboundContact::text: the reply part)
  std::string raw;                        // the message as received, kept whatever happens
  std::string raw_sha256;                 // set when raw is already in the attachment store
};

// One normalized inbound contact, whatever the channel. Every channel's parser produces this
// and every channel is ingested by TicketStore::record_inbound.
struct InboundContact {
  std::string channel_type;   // "api", "email", "whatsapp", ...
  std::string channel_name;   // the [[channel]] name from config
  std::string external_id;    // provider message id: the idempotency key within the channel
  std::string thread_key;     // groups messages into one ticket; empty = one per customer
  std::vector<Identity> from; // sender identities, most specific first
  std::string from_name;
  std::string language;       // the sender's language when the channel states it (protocol/language.hpp)
  std::string subject;
  std::string text;
  std::optional<std::string> html;
  std::vector<AttachmentIn> attachments;
  std::optional<int64_t> sent_at;  // unix seconds, as the provider stated it
  std::optional<EmailFacts> email; // mail: threaded by its headers, not by thread_key
};

// What record_inbound answers. duplicate=true: the contact was already stored and these are
// the ids of the original; nothing new was written.
struct Recorded {
  int64_t ticket_id = 0;
  int64_t message_id = 0;
  int64_t customer_id = 0;
  bool duplicate = false;
  bool ticket_created = false;
  bool ticket_reopened = false;
  std::string thread_rule;  // mail: how it found its ticket (in-reply-to, references, subject, new)
};

inline constexpr const char* kTicketStatuses[] = {"new", "open", "pending", "on_hold", "solved",
                                                  "closed"};
inline constexpr const char* kPriorities[] = {"low", "normal", "high", "urgent"};
inline constexpr const char* kRoles[] = {"agent", "supervisor", "admin"};

bool is_ticket_status(std::string_view s);
bool is_priority(std::string_view s);
bool is_role(std::string_view s);

}  // namespace touchpoint

namespace touchpoint {

// A change an agent asks for on a ticket. Absent fields stay as they are. For assignee and
// group, a present nullopt means "clear".
struct TicketPatch {
  std::optional<std::string> status, priority, subject;
  std::optional<std::optional<int64_t>> assignee, group;
  std::optional<std::vector<std::string>> tags;
  bool empty() const { return !status && !priority && !subject && !assignee && !group && !tags; }
};

// An agent's public reply (sent through the ticket's channel) or internal note (never sent).
// Outside a messaging window a reply may instead be one of the channel's approved templates
// (WhatsApp) or carry a message tag (Messenger, Instagram); see protocol/reply_rules.hpp.
struct AgentMessage {
  std::string body;
  bool internal = false;
  std::string template_name;             // empty: a free-form reply
  std::string template_language;         // picks one when the name exists in several languages
  std::vector<std::string> parameters;   // the template's {{1}}, {{2}}, ...
  std::string tag;                       // Messenger / Instagram message tag, e.g. HUMAN_AGENT
  std::vector<AttachmentIn> attachments; // files: on notes, and on replies where the channel sends them
  // The Idempotency-Key header: the same key again from the same agent answers the first
  // reply's ids and stores and sends nothing (a retry after a lost 201). Empty: none.
  std::string idempotency_key;
  // The newest message its author saw: a public reply is refused (a collision) when another
  // agent's public reply is newer, unless force.
  std::optional<int64_t> seen_message_id;
  bool force = false;
  // A canned reply whose actions (status, priority, tags) apply in the reply's transaction.
  std::optional<int64_t> macro_id;

  static AgentMessage text(std::string body, bool internal = false) {
    AgentMessage m;
    m.body = std::move(body);
    m.internal = internal;
    return m;
  }
};

struct MessageCreated {
  int64_t message_id = 0;
  int64_t ticket_id = 0;
  bool queued_for_delivery = false;
  bool duplicate = false;  // its Idempotency-Key was seen: these are the first reply's ids
  // Nothing was stored: another agent's public reply is newer than seen_message_id.
  std::optional<int64_t> collided_with_agent = {};
  std::string collided_with_name = {};
};

}  // namespace touchpoint

namespace touchpoint {

// One outbox row due to be sent, with what a channel adapter needs to address it.
// Where one IMAP mailbox has been read up to (RFC 3501 2.3.1.1: UIDs only mean something
// together with the mailbox's UIDVALIDITY).
struct ImapCursor {
  int64_t uidvalidity = 0;
  int64_t last_uid = 0;
};

// A stored file to send: the adapter reads it from path when it builds the message, so queued
// items stay small however large the files.
struct OutboundFile {
  std::string filename, content_type, path;
  int64_t attachment_id = 0;  // names it in a link a provider fetches it from (Twilio)
};

struct OutboundItem {
  int64_t outbox_id = 0, message_id = 0, ticket_id = 0, customer_id = 0;
  std::string channel_type, channel_name;
  std::string thread;           // the thread as the channel named it; empty when none
  std::vector<Identity> to;     // the customer's identities
  std::string body;
  std::string send_options;     // JSON from prepare_reply ({"template":..} or {"tag":..}); "" if none
  // Mail only: the ticket's subject, every Message-ID of its conversation (oldest first) and
  // the customer's latest one, for In-Reply-To and References.
  std::string subject;
  std::vector<std::string> mail_ids;
  std::string last_inbound_mail_id;
  std::vector<OutboundFile> files;  // the reply's attachments (email: all; WhatsApp, Telegram: one)
  int64_t attempts = 0;         // tries so far
};

enum class DeliveryKind { sent, retry, failed };

// What one attempt came to. provider_id: the id the provider gave the sent message, for
// receipts. error: the provider's own words, shown to the agent.
struct DeliveryOutcome {
  DeliveryKind kind = DeliveryKind::retry;
  std::string provider_id;
  std::string error;
};

}  // namespace touchpoint
