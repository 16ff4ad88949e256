#pragma once
// TicketStore: the read-write connection to the store, and every write the server makes.
//
// Not thread-safe: exactly one thread (StoreWriter's) uses a TicketStore. Each write method is
// one transaction, or a savepoint when called inside StoreWriter's batch transaction, so it
// either happens whole or not at all. Durable when it returns a value outside a batch, or when
// the batch's commit returned.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>
#include <optional>
#include <string>

#include "protocol/macros.hpp"
#include "protocol/media_download.hpp"
#include "protocol/messaging.hpp"
#include "protocol/model.hpp"
#include "protocol/reply_rules.hpp"
#include "protocol/routing.hpp"
#include "protocol/result.hpp"
#include "protocol/sla_policy.hpp"
#include "protocol/survey.hpp"
#include "protocol/views.hpp"

namespace touchpoint::storage {

using Clock = std::function<int64_t()>;  // unix seconds
int64_t system_clock_now();

// A moment an SLA clock reached: a warning, a breach or a fulfilment (live events).
struct SlaNotice {
  int64_t ticket_id = 0;
  std::string type;    // "sla.warning" | "sla.breached" | "sla.fulfilled"
  std::string metric;  // "first_reply" | "next_reply" | "resolution"
  int64_t due_at = 0;
};
// What one committed transaction did to SLA clocks.
struct SlaCommitted {
  std::vector<SlaNotice> notices;
  std::optional<int64_t> earliest_deadline;  // the earliest next deadline it wrote, if any
};
// Called on the writer thread after the COMMIT that contains the changes; must not block.
using SlaSink = std::function<void(SlaCommitted)>;

// What one committed transaction did to surveys: answers (live survey.answered) and the
// earliest due time it scheduled, for the one timer that waits for it.
struct SurveyNotice {
  int64_t ticket_id = 0, survey_id = 0;
  int score = 0;
};
struct SurveyCommitted {
  std::vector<SurveyNotice> answered;
  std::optional<int64_t> earliest_due;
  bool messages_queued = false;  // survey messages wait in the outbox: send them now
};
using SurveySink = std::function<void(SurveyCommitted)>;

// Tickets automatic assignment gave an agent in one committed transaction (live
// ticket.updated), in order.
using AssignedSink = std::function<void(std::vector<int64_t>)>;
// Who may be given tickets now (online, not away): the server's presence, read on the writer
// thread inside the transaction. Must be thread-safe and must not block.
using AvailableAgents = std::function<std::vector<int64_t>()>;

// A survey answered on its page.
struct SurveyAnswer {
  int64_t survey_id = 0, ticket_id = 0;
  int score = 0;
  bool first = false;  // false: a later answer replaced an earlier one
};

struct StoreOptions {
  std::string data_dir;                 // holds touchpoint.db and attachments/
  Clock now = system_clock_now;
  // The writer's page cache. Small on purpose: while the store is under 1 GiB, SQLite's b-tree
  // balancing renames pages through the lock-byte page's number, and every COMMIT after such a
  // rename walks the whole page-cache hash (pcache1 truncate). At 64 MiB that walk was 15% of
  // the writer's time late in a soak; at 16 MiB ingest runs ~9% faster throughout, and pages
  // that drop out are read back from the OS's cache.
  int64_t cache_mib = 16;
};

struct NewToken {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token is never stored
  int64_t agent_id = 0;
  std::string kind;        // "session" | "api"
  std::string role;        // effective role, at most the agent's
  std::string name;
  std::optional<int64_t> expires_at;
};

struct NewAgent {
  std::string email, name, role, password_hash;
};

// An outbound message whose delivery_status a receipt moved.
struct DeliveryChanged {
  int64_t ticket_id = 0, message_id = 0;
  std::string status;
  std::string error;  // failed: the provider's words
};

struct WebhookRecorded {
  std::vector<Recorded> contacts;  // in the batch's order
  std::vector<DeliveryChanged> deliveries;
  bool media_queued = false;  // downloads are due: wake the media fetcher
};

class TicketStore {
 public:
  // Creates the data directory if needed, opens the store in WAL mode with synchronous=FULL
  // and foreign keys on, and applies migrations. Fails with a clear message when the directory
  // or database is unusable.
  static Result<TicketStore> open(const StoreOptions& options);
  TicketStore(TicketStore&&) noexcept;
  TicketStore& operator=(TicketStore&&) noexcept;
  ~TicketStore();

  // The one ingest path of every channel: resolves or creates the customer by identity, finds
  // the ticket (same channel and thread key, not closed; a customer message on a pending or
  // solved ticket reopens it) or opens one, appends the message and its attachments, and
  // writes the events.
  // Idempotent on (channel_name, external_id): a redelivery answers the original ids with
  // duplicate=true and writes nothing.
  Result<Recorded> record_inbound(const InboundContact& contact);

  // Moves a ticket to status (one of kTicketStatuses), keeping solved_at, the status counters
  // and the events in step. actor_agent_id: the agent who did it, or none for the system.
  // not_found for an unknown ticket, unprocessable for an unknown status.
  Status set_status(int64_t ticket_id, const std::string& status,
                    std::optional<int64_t> actor_agent_id);

  // Applies an agent's patch in one transaction, with an event per changed field.
  // may_reassign: the actor may assign tickets to others and take them from others
  // (supervisors); without it an agent may only take an unassigned ticket or release their own.
  // not_found, unprocessable (bad value, unknown agent or group), forbidden (reassignment).
  Status update_ticket(int64_t ticket_id, const TicketPatch& patch, int64_t actor_agent_id,
                       bool may_reassign);

  // Merges source into target: source's messages move to target, source closes with
  // merged_into = target, both tickets and both customers' timelines get an event, and later
  // messages on source's thread go to target. unprocessable for itself, a closed side or a
  // missing target; not_found for a missing source.
  Status merge_tickets(int64_t source, int64_t target, int64_t actor_agent_id);

  // An agent edits a customer. Each change is an event on the customer's timeline.
  // not_found for an unknown customer; add_identity answers conflict when the identity is
  // already someone's (its owner is named: merging customers is a separate, deliberate act).
  Status rename_customer(int64_t customer_id, const std::string& name, int64_t actor_agent_id);
  Result<int64_t> add_identity(int64_t customer_id, const Identity& identity,
                               int64_t actor_agent_id);
  Status remove_identity(int64_t customer_id, int64_t identity_id, int64_t actor_agent_id);

  // Merges customer source into target: identities and tickets move to target (a threadless
  // channel's open ticket follows, so the conversation stays one), source keeps a pointer, and
  // both timelines get an event. Reversible: unmerge_customer moves back exactly what moved.
  // unprocessable for itself, an already merged side, or a missing target.
  Status merge_customers(int64_t source, int64_t target, int64_t actor_agent_id);
  // Undoes source's latest merge. unprocessable when source is not merged.
  Status unmerge_customer(int64_t source, int64_t actor_agent_id);

  // Appends an agent's reply or note. A public reply is queued in the outbox in the same
  // transaction, sets first_response_at if unset, and moves a new ticket to open. A note
  // changes nothing else. not_found for an unknown ticket. The channel's rules apply first
  // (protocol::prepare_reply): its window, its length limit, and for a template, the
  // channel's own entry in templates.
  Result<MessageCreated> add_agent_message(int64_t ticket_id, const AgentMessage& message,
                                           int64_t agent_id,
                                           const protocol::TemplateCatalog& templates = {});

  // Records one delivery attempt of an outbox row. sent and failed are final (the message's
  // delivery_status follows); retry counts the attempt and makes the row due again at
  // next_attempt_at. A row already final is left as it is (idempotent).
  Status record_delivery(int64_t outbox_id, const DeliveryOutcome& outcome,
                         int64_t next_attempt_at);

  // Stores what one provider webhook delivery carried, all of it or nothing (one transaction):
  // each contact through the single ingest path (duplicates answered with the original ids),
  // then each receipt and read watermark on the messages we sent, moving delivery_status only
  // forward. A receipt for a message whose provider id is not recorded yet waits for it.
  Result<WebhookRecorded> record_webhook(const std::string& channel_name, const WebhookBatch& batch);

  // Records one media download attempt: stored puts the bytes in the attachment store (fsynced
  // first) and attaches them to the message; failed keeps the provider's words; retry makes
  // the job due again at next_attempt_at. A job already final is left as it is.
  Status record_media(const MediaJob& job, const MediaOutcome& outcome, int64_t next_attempt_at);
  // Remembers where the channel's IMAP mailbox has been read up to.
  Status set_imap_cursor(const std::string& channel_name, const ImapCursor& cursor);

  // REQUIRES: role is one of kRoles; password_hash is already hashed. conflict if the email
  // is taken.
  Result<int64_t> add_agent(const NewAgent& agent);
  Result<int64_t> agent_count();

  // unprocessable: an unknown agent, or a role above
  // the agent's own (a token never grants more than its agent has).
  Result<int64_t> create_token(const NewToken& token);
  Status revoke_token_id(int64_t token_id);
  // conflict when the name is taken.
  Result<int64_t> add_group(const std::string& name);
  // Tickets of the group become ungrouped (an event each keeps the old group).
  Status delete_group(int64_t group_id, int64_t actor_agent_id);
  // Changes an agent's role and/or active flag. A deactivated agent's tokens stop working at
  // once; their tickets stay assigned for a supervisor to move. The last active admin cannot be
  // demoted or deactivated (unprocessable): the system would have no one to administer it.
  Status update_agent(int64_t agent_id, const std::optional<std::string>& role,
                      const std::optional<bool>& active);
  Status rename_group(int64_t group_id, const std::string& name);
  // Revokes by hash. Idempotent: revoking an unknown or revoked token is not an error.
  Status revoke_token(const std::string& token_hash);

  // SLA clocks (none are kept until policies are given). Called before the store is handed to
  // its writer thread; sink hears about what each committed transaction did to them.
  void use_sla(std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink);
  // Recomputes the clocks due at now (at most limit)
  // and answers the earliest deadline still ahead, for the one timer that waits for it.
  Result<std::optional<int64_t>> run_sla_deadlines(std::size_t limit);
  // At start: if the policies changed since the clocks were computed, computes every clock of
  // a ticket in the queue again (SlaStore::adopt_policies), so attainment never drifts from a
  // replay. Answers how many.
  // Breaches that fell due while the server was down are recorded by the first
  // run_sla_deadlines, with breached_at = their due time.
  Result<int64_t> adopt_sla_policies();

  // Surveys (none are scheduled until settings are given; answers to surveys already sent are
  // still taken). sink hears about what each committed transaction did to them.
  void use_surveys(std::optional<protocol::SurveySettings> settings, SurveySink sink);
  // Decides the surveys due at now (at most limit): each is sent (its message queued in the
  // outbox) or skipped with its reason. Answers the earliest due time still ahead.
  Result<std::optional<int64_t>> run_due_surveys(std::size_t limit);
  // An answer from the survey page. not_found: no such token; conflict: expired (the page
  // answers 410); bad_request: a score outside the survey kind's scale. Records nothing then.
  Result<SurveyAnswer> answer_survey(const std::string& token, int score, const std::string& comment);

  // Web chat (ticket_store_chat.cpp): the seq of a visitor's conversation a message was
  // numbered with (not_found: it is no chat line). Read in the job that stored it, for its ack.
  Result<int64_t> chat_seq(int64_t message_id);
  // A survey answered in the chat widget: as answer_survey, for a survey of this visitor's
  // conversation only (not_found otherwise).
  Result<SurveyAnswer> answer_chat_survey(const std::string& channel, const std::string& visitor,
                                          int64_t survey_id, int score, const std::string& comment);

  // Automatic assignment (manual until given): a new ticket, a reopened unassigned one, or an
  // unassigned one given a group is assigned in the transaction that does it, to an available
  // member of its group under the limit; otherwise it waits. Whenever a transaction frees a
  // slot (a ticket solved, closed or moved away from its agent), the oldest waiting tickets are
  // assigned before it commits.
  void use_routing(protocol::RoutingSettings settings, AvailableAgents available, AssignedSink sink);
  // Someone became available: assigns the oldest waiting tickets they (or anyone) can take.
  // Answers how many were assigned.
  Result<int64_t> assign_waiting();
  // Replaces a group's members. not_found for an unknown group; unprocessable naming an id
  // that is no agent.
  Status set_group_members(int64_t group_id, const std::vector<int64_t>& agent_ids);

  // Canned replies. owner: none for a shared macro (an admin's). Changing or deleting one:
  // shared ones only by admins (forbidden), personal ones only by their owner (not_found for
  // anyone else, who cannot see it).
  Result<protocol::Macro> create_macro(std::optional<int64_t> owner, const protocol::MacroInput& in);
  Result<protocol::Macro> update_macro(int64_t id, int64_t actor, bool admin, const protocol::MacroInput& in);
  Status delete_macro(int64_t id, int64_t actor, bool admin);

  // Proves the store takes writes: writes one page, inside whatever transaction is open.
  Status ping();

  // Runs body as one unit: kept if it returns true, rolled back whole if it returns false.
  // Inside batch() this is a savepoint, so one failed request leaves nothing behind while the
  // rest of its group commits.
  void atomically(const std::function<bool()>& body);

  // Runs body inside one BEGIN IMMEDIATE ... COMMIT. Write methods called inside become
  // savepoints. Returns the commit's outcome. Used by StoreWriter for group commit.
  Status batch(const std::function<void()>& body);

  // For StoreWriter, which fsyncs the WAL itself, on another thread, while it runs the next
  // group: from now on COMMIT does not wait for an fsync (synchronous=NORMAL, under which
  // SQLite still syncs the WAL before every checkpoint and its header at every restart), and
  // the notices a transaction's end hands to the server (SLA, surveys, assignment) go to hold,
  // to be run once the caller made the commit durable. Nothing committed after this is durable
  // until the caller synced the file this answers (the WAL).
  std::string sync_commits_elsewhere(std::function<void(std::function<void()>)> hold);

  // Message bodies and ticket subjects enter the full-text indexes behind durable cursors
  // (storage/text_index.hpp). By default every COMMIT brings them up to date. After
  // defer_text_index() only index_text() does: StoreWriter calls it in batches spanning many
  // commit groups, and before a search that would otherwise miss something acknowledged.
  void defer_text_index();
  // Indexes up to limit rows of each index; answers how many rows are still waiting.
  Result<int64_t> index_text(int64_t limit);
  // How many committed rows (messages and tickets) wait for the full-text indexes.
  Result<int64_t> text_index_lag();

  const std::string& data_dir() const;
  // The clock the store stamps rows with; the server uses the same one, so due times agree.
  const Clock& clock() const;

 private:
  struct Impl;
  explicit TicketStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

std::string database_path(const std::string& data_dir);

// An online, consistent copy of the store (SQLite backup API) into out_path.
Status backup_store(const std::string& data_dir, const std::string& out_path);

}  // namespace touchpoint::storage
