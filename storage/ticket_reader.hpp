#pragma once
// TicketReader: one read-only connection for agent and supervisor reads. WAL readers never
// block the writer, and each read sees one committed snapshot.
//
// Not thread-safe: one thread at a time per reader; the server keeps a small pool.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/experience.hpp"
#include "protocol/media_download.hpp"
#include "protocol/model.hpp"
#include "protocol/result.hpp"
#include "protocol/service_stats.hpp"
#include "protocol/sla_policy.hpp"
#include "protocol/survey.hpp"
#include "protocol/views.hpp"
#include "protocol/webchat.hpp"
#include "storage/ticket_store.hpp"

struct sqlite3;

namespace touchpoint::storage {

class Stmt;

// Where a page ended: the last ticket's activity. Pages continue strictly below it.
struct QueueCursor {
  int64_t activity = 0;
};

struct QueueQuery {
  std::string status = "open";
  std::size_t limit = 25;
  std::optional<QueueCursor> after = {};  // continue after this ticket (most recent first)
};

// GET /api/v1/tickets. Each status is read through the queue index in sort order and the
// pages are merged, so no query sorts a large set whatever the filters.
struct TicketFilter {
  std::vector<std::string> statuses = {};  // empty: every status but closed
  std::optional<std::string> priority = {};
  std::optional<std::string> channel_type = {};
  std::optional<int64_t> assignee = {};
  std::optional<int64_t> group = {};
  std::optional<int64_t> customer_id = {};
  bool unassigned = false;
  std::optional<std::string> sla = {};  // "at_risk" | "breached": through the SLA flag index
  std::size_t limit = 25;
  std::optional<QueueCursor> after = {};
};

// GET /api/v1/reports/service: UTC days [from_day, to_day] (days since 1970-01-01), grouped by
// "channel", "group", "agent", "day", "hour" (UTC hours "00".."23" of one day; facts from
// before schema v18 have no hour: key ""), or "" (one row).
struct ServiceQuery {
  int64_t from_day = 0, to_day = 0;
  std::string by;
};

// GET /api/v1/stats/satisfaction: surveys sent on UTC days [from_day, to_day], grouped by
// "channel", "group", "agent" or "" (one row).
struct SatisfactionQuery {
  int64_t from_day = 0, to_day = 0;
  std::string by;
};

// A line of a web chat conversation and whose it is.
struct ChatLineOf {
  std::string channel, visitor;
  protocol::ChatLine line;
};

struct ChatConversation {
  std::string channel, visitor;
};

struct ChatReplay {
  std::vector<protocol::ChatLine> lines;
  int64_t last_seq = 0;   // the conversation's latest (0: nothing yet)
  int64_t ticket_id = 0;  // its latest ticket (0: none yet)
};

// What the survey page shows for a token.
struct SurveyPageState {
  int64_t id = 0;
  protocol::SurveyKind kind = protocol::SurveyKind::csat;
  std::string language;
  bool expired = false;
  std::optional<int> score;
  std::string comment;
};

// GET /api/v1/customers/{id}/experience: the journey's page, newest first, below before.
struct JourneyQuery {
  std::size_t limit = 50;
  std::optional<int64_t> before = {};
};

// A customer's experience record; customer is the one the record is of (a merged customer's
// record is the one they were merged into).
struct Experience {
  CustomerView customer;
  protocol::ExperienceRecord record;
};

class TicketReader {
 public:
  // REQUIRES: the store exists (a TicketStore opened it once, applying migrations).
  static Result<TicketReader> open(const std::string& data_dir);
  TicketReader(TicketReader&&) noexcept;
  TicketReader& operator=(TicketReader&&) noexcept;
  ~TicketReader();

  // Ticket rows render their SLA clock with these policies' calendars at now().
  void use_sla(std::shared_ptr<const protocol::SlaPolicies> policies, Clock now);

  // One page of a status queue, most recently active first, through the index that matches
  // the sort (no sort step, whatever the queue's size).
  Result<std::vector<TicketRow>> queue(const QueueQuery& q);
  Result<std::vector<TicketRow>> list(const TicketFilter& f);

  // Full-text search (fts: a query from protocol::fts_query) with the same filters. Tickets
  // come most recent matching message first; on the first page, tickets whose subject matches
  // come before them. next_before continues after the last message looked at; each call looks
  // at a bounded number of matches, so a page may be short while next_before is set.
  struct SearchPage {
    std::vector<TicketRow> tickets;
    std::optional<int64_t> next_before;
    // Rows committed before this read were not yet in the full-text indexes (they are written
    // in batches): TicketStore::index_text() and a second read find them.
    bool text_index_behind = false;
  };
  Result<SearchPage> search(const TicketFilter& f, const std::string& fts,
                            std::optional<int64_t> before_message);
  Result<TicketView> ticket(int64_t id);
  Result<CustomerView> customer(int64_t id);
  // Customers newest first, continuing below before_id.
  Result<std::vector<CustomerView>> customers(std::optional<int64_t> before_id, std::size_t limit);
  // An attachment with its bytes; not_found when unknown (or its file is missing).
  Result<StoredFile> attachment(int64_t attachment_id);
  // The same, only when it belongs to an agent's public reply (what a provider may fetch by
  // link); not_found for a customer's file or a note's.
  Result<StoredFile> sent_attachment(int64_t attachment_id);
  // A mail's raw message as received (message/rfc822); not_found when it has none.
  Result<StoredFile> raw_message(int64_t message_id);
  // Customers whose name has every word of q as a word prefix, best match first; merged
  // customers left out (their identities live on in the target).
  struct NameMatches {
    std::vector<CustomerView> customers;
    bool text_index_behind = false;  // as in SearchPage
  };
  Result<NameMatches> customers_by_name(std::string_view q, std::size_t limit);
  // The customers owning any of these exact identities (at most one each), in order.
  Result<std::vector<CustomerView>> customers_by_identity(const std::vector<Identity>& candidates);
  Result<std::map<std::string, int64_t>> status_counts();
  // Queue statistics from the counters kept in the write transaction (stats_reader.cpp); the
  // agents' presence is the server's to fill in.
  Result<protocol::QueueStats> queue_stats(int64_t now);
  // The console's queue counts for this agent: counters only, no scan.
  Result<protocol::QueueCounts> queue_counts(int64_t agent_id);
  Result<std::vector<protocol::ServiceFigures>> service_report(const ServiceQuery& q);
  // The experience record (experience_reader.cpp): not_found for an unknown customer.
  Result<Experience> experience(int64_t customer_id, const JourneyQuery& q);
  // Canned replies an agent sees: the shared ones and their own, by name (macro_reader.cpp).
  Result<std::vector<protocol::Macro>> macros(int64_t agent_id);
  // not_found unless the agent sees it.
  Result<protocol::Macro> macro(int64_t id, int64_t agent_id);
  // Surveys (survey_reader.cpp): the page's survey by its token (not_found when none was
  // sent under it), and the satisfaction report.
  Result<SurveyPageState> survey_page(const std::string& token, int64_t now);
  Result<std::vector<protocol::SatisfactionFigures>> satisfaction(const SatisfactionQuery& q);
  // Web chat (chat_reader.cpp): a visitor's conversation after seq, in order (at most limit
  // lines), with its last seq and latest ticket; the line a message is, with its conversation
  // (not_found: none).
  Result<ChatReplay> chat_replay(const std::string& channel, const std::string& visitor,
                                 int64_t after, std::size_t limit);
  Result<ChatLineOf> chat_line(int64_t message_id);
  // The web chat conversation of a ticket; none when it is not a chat's.
  Result<std::optional<ChatConversation>> chat_conversation(int64_t ticket_id);
  // Pending outbox rows whose next attempt is due at now, oldest due first.
  Result<std::vector<OutboundItem>> due_outbox(int64_t now, std::size_t limit);
  // Pending media downloads whose next attempt is due, oldest first.
  Result<std::vector<MediaJob>> due_media(int64_t now, std::size_t limit);
  // Where the channel's IMAP mailbox was read up to; {0, 0} before the first message.
  Result<ImapCursor> imap_cursor(const std::string& channel_name);
  Result<std::optional<AgentRow>> agent_by_email(const std::string& email);
  Result<std::vector<AgentRow>> agents();  // password hashes left empty
  Result<std::vector<GroupRow>> groups();
  Result<std::vector<TokenRow>> tokens();
  // The principal behind a token hash, if the token exists, is not revoked or expired at now,
  // and its agent is active.
  Result<std::optional<Principal>> authenticate(const std::string& token_hash, int64_t now);

 private:
  Result<std::vector<CustomerView>> customers_of(const std::vector<int64_t>& ids);
  // Service reports (stats_reader.cpp): rows by key from the exact samples or the sketches.
  std::map<std::string, protocol::ServiceFigures> exact_rows(const ServiceQuery& q);
  std::map<std::string, protocol::ServiceFigures> sketch_rows(const ServiceQuery& q);
  std::vector<protocol::ServiceFigures> labelled(const std::string& by,
                                                 std::map<std::string, protocol::ServiceFigures> rows);
  Result<StoredFile> with_bytes(StoredFile f);  // reads f.sha256's file into f.bytes
  Stmt& cached(const std::string& sql);  // a prepared statement kept for the next call
  sqlite3* connection();
  struct Impl;
  explicit TicketReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchpoint::storage
