#include "storage/ticket_store.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "protocol/http_field.hpp"
#include "storage/attachment_store.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"

namespace touchpoint::storage {
namespace fs = std::filesystem;

int64_t system_clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string database_path(const std::string& data_dir) { return data_dir + "/touchpoint.db"; }

namespace {

// FNV-1a over channel name, a separator, and the provider id: stable across builds and
// machines, which std::hash is not.
int64_t dedup_key(std::string_view channel_name, std::string_view external_id) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(channel_name);
  mix(std::string_view("\0", 1));
  mix(external_id);
  return static_cast<int64_t>(h);
}

Error to_error(const SqliteError& e) {
  if (e.transient()) return Error{Errc::unavailable, "the store cannot take writes now"};
  if ((e.code & 0xff) == SQLITE_CONSTRAINT) return Error{Errc::conflict, e.what()};
  return Error{Errc::internal, e.what()};
}

// Runs fn, turning storage exceptions into error values at the API boundary.
template <class F>
auto guarded(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SqliteError& e) {
    return to_error(e);
  } catch (const std::bad_alloc&) {
    return Error{Errc::unavailable, "out of memory"};
  }
}

}  // namespace

// WAL: readers never block the writer. FULL: under NORMAL a committed transaction can roll back
// after power loss, and by then we have acknowledged it. Checkpoints pause the writer 100-200 ms,
// so the writer never runs them (WalCheckpointer does, on its own connection).
static bool configure_and_migrate(sqlite3* db, const StoreOptions& o) {
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, "PRAGMA foreign_keys=ON");
  exec(db, "PRAGMA wal_autocheckpoint=0");
  // When a checkpoint let the WAL start over, cut its file back to this, so a burst does not
  // leave a huge file behind (WalCheckpointer keeps it from growing without bound). Above the
  // checkpointer's restart point, so in steady state the file is reused in place: truncating
  // and growing it again on every restart cost more than the space it saved.
  exec(db, "PRAGMA journal_size_limit=67108864");
  // Every request of a group is a savepoint; its statement journal must not be a temp file.
  exec(db, "PRAGMA temp_store=MEMORY");
  exec(db, ("PRAGMA cache_size=-" + std::to_string(o.cache_mib * 1024)).c_str());
  migrate(db);
  return true;
}

// The largest activity in the store: one index seek per status.
static int64_t max_activity(sqlite3* db) {
  Stmt q(db, "SELECT max(activity) FROM tickets WHERE status = ?1");
  int64_t m = 0;
  for (const char* s : kTicketStatuses) {
    q.bind(1, s);
    if (q.step()) m = std::max(m, q.int64(0));
    q.reset();
  }
  return m;
}

// Full-text index writes wait for the end of the outermost transaction. FTS5 flushes its
// pending terms into a new on-disk segment at every SAVEPOINT and RELEASE, and each request of a
// commit group runs in savepoints: written in place, every message became its own segment (and
// then merge work), which cost more than the rest of the message's rows together. Queued here,
// a whole group's text goes into the index in one flush just before COMMIT.
class SearchWrites {
 public:
  void add(Stmt& insert, int64_t rowid, std::string text) {
    queued_.push_back({&insert, rowid, std::move(text)});
  }
  std::size_t size() const { return queued_.size(); }
  // What a rolled-back savepoint wrote never reaches the index.
  void truncate(std::size_t n) { queued_.erase(queued_.begin() + static_cast<long>(n), queued_.end()); }
  void flush() {
    for (auto& w : queued_) w.insert->bind(1, w.rowid).bind(2, w.text).run();
    queued_.clear();
  }

 private:
  struct Write {
    Stmt* insert;  // (rowid, text): an insert into, or a 'delete' command on, an FTS5 table
    int64_t rowid;
    std::string text;
  };
  std::vector<Write> queued_;
};

// A transaction, or a savepoint inside one, that also owns the index writes queued in it:
// flushed when the outermost commits, dropped with a rollback.
class Tx {
 public:
  Tx(sqlite3* db, SearchWrites& search, TransactionStatements& prepared)
      : tx_(db, &prepared), search_(search), mark_(search.size()) {}
  ~Tx() {
    if (!done_) search_.truncate(mark_);
  }
  void commit() {
    if (tx_.outer()) search_.flush();
    tx_.commit();
    done_ = true;
  }
  bool outer() const { return tx_.outer(); }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Transaction tx_;
  SearchWrites& search_;
  std::size_t mark_;
  bool done_ = false;
};

struct TicketStore::Impl {
  explicit Impl(const StoreOptions& o)
      : options(o),
        db(open_db(database_path(o.data_dir), false)),
        ready(configure_and_migrate(db.get(), o)),
        attachments(AttachmentStore::of_store(o.data_dir)),
        last_activity(max_activity(db.get())) {}

  StoreOptions options;
  DbHandle db;
  bool ready;  // the schema exists before the statements below are prepared
  TransactionStatements tx_statements{h()};
  AttachmentStore attachments;
  SearchWrites search;  // full-text writes of the open transaction, flushed at its COMMIT
  sqlite3* h() { return db.get(); }

  // Prepared once, reused for every call.
  Stmt find_dup{h(), "SELECT id, ticket_id, channel_name, external_id FROM messages "
                     "WHERE dedup_key = ?1"};
  Stmt ticket_customer{h(), "SELECT customer_id FROM tickets WHERE id = ?1"};
  Stmt find_identity{h(), "SELECT customer_id FROM identities WHERE type = ?1 AND address = ?2"};
  Stmt insert_customer{h(), "INSERT INTO customers(name, created_at, updated_at) "
                            "VALUES (?1, ?2, ?2) RETURNING id"};
  Stmt customer_name{h(), "SELECT name FROM customers WHERE id = ?1"};
  Stmt set_customer_name{h(), "UPDATE customers SET name = ?2, updated_at = ?3 WHERE id = ?1"};
  Stmt insert_identity{h(), "INSERT INTO identities(customer_id, type, address, created_at) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"};
  Stmt find_thread_ticket{h(), "SELECT id, status, merged_into FROM tickets WHERE "
                               "channel_name = ?1 AND thread_key = ?2 ORDER BY id DESC LIMIT 1"};
  Stmt ticket_merge_state{h(), "SELECT status, merged_into FROM tickets WHERE id = ?1"};
  Stmt insert_ticket{h(),
                     "INSERT INTO tickets(subject, status, channel_type, channel_name, "
                     "thread_key, customer_id, created_at, updated_at, activity) "
                     "VALUES (?1, 'new', ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id"};
  Stmt touch_ticket{h(), "UPDATE tickets SET updated_at = ?2, activity = ?3 WHERE id = ?1"};
  Stmt set_status_stmt{h(),
                       "UPDATE tickets SET status = ?2, solved_at = CASE "
                       "WHEN ?2 = 'solved' THEN ?3 WHEN ?2 = 'closed' THEN solved_at ELSE NULL "
                       "END WHERE id = ?1"};
  Stmt ticket_state_stmt{h(), "SELECT status, assignee_id, group_id, first_response_at, "
                              "channel_type, channel_name FROM tickets WHERE id = ?1"};
  Stmt count_status{h(), "UPDATE status_counts SET n = n + ?2 WHERE status = ?1"};
  Stmt insert_message{h(),
                      "INSERT INTO messages(ticket_id, direction, author, body, html, "
                      "channel_type, channel_name, external_id, dedup_key, sent_at, created_at, "
                      "raw_sha256, full_body, thread_rule, automatic) "
                      "VALUES (?1, 'in', 'customer', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                      "?12, ?13) RETURNING id"};
  Stmt index_message{h(), "INSERT INTO message_search(rowid, body) VALUES (?1, ?2)"};
  Stmt index_subject{h(), "INSERT INTO subject_search(rowid, subject) VALUES (?1, ?2)"};
  Stmt unindex_subject{h(), "INSERT INTO subject_search(subject_search, rowid, subject) "
                            "VALUES ('delete', ?1, ?2)"};
  Stmt insert_attachment{h(), "INSERT INTO attachments(message_id, filename, content_type, size, "
                              "sha256) VALUES (?1, ?2, ?3, ?4, ?5)"};
  Stmt insert_event{h(),
                    "INSERT INTO events(ticket_id, customer_id, type, actor_type, actor_id, "
                    "message_id, old_value, new_value, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};

  struct Event {
    std::optional<int64_t> ticket_id = {};
    std::optional<int64_t> customer_id = {};
    const char* type = "";
    const char* actor_type = "system";
    std::optional<int64_t> actor_id = {};
    std::optional<int64_t> message_id = {};
    std::optional<std::string> old_value = {};
    std::optional<std::string> new_value = {};
  };

  void event(const Event& e, int64_t now) {
    insert_event.bind(1, e.ticket_id).bind(2, e.customer_id).bind(3, e.type).bind(4, e.actor_type);
    insert_event.bind(5, e.actor_id).bind(6, e.message_id).bind(7, e.old_value);
    insert_event.bind(8, e.new_value).bind(9, now).run();
  }

  void count(std::string_view status, int64_t delta) {
    count_status.bind(1, status).bind(2, delta).run();
  }

  // Moves a ticket between statuses, keeping solved_at, the counters and the timeline in step.
  void change_status(int64_t ticket_id, const std::string& from, const std::string& to,
                     const char* actor_type, std::optional<int64_t> actor_id, int64_t now) {
    if (from == to) return;
    set_status_stmt.bind(1, ticket_id).bind(2, to).bind(3, now).run();
    touch(ticket_id, now);
    count(from, -1);
    count(to, 1);
    event({.ticket_id = ticket_id, .type = "ticket.status_changed", .actor_type = actor_type,
           .actor_id = actor_id, .old_value = from, .new_value = to},
          now);
  }

  // The last activity value handed out; a rolled-back savepoint leaves a gap, never a repeat.
  int64_t last_activity = 0;
  int64_t next_activity() { return ++last_activity; }
  void touch(int64_t ticket_id, int64_t now) {
    touch_ticket.bind(1, ticket_id).bind(2, now).bind(3, next_activity()).run();
  }

  struct TicketState {
    std::string status;
    std::optional<int64_t> assignee, group;
    std::optional<int64_t> first_response_at;
    std::string channel_type, channel_name;
  };
  std::optional<TicketState> ticket_state(int64_t id) {
    StmtUse q(ticket_state_stmt);
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return TicketState{q->text(0), q->opt_int64(1), q->opt_int64(2), q->opt_int64(3), q->text(4),
                       q->text(5)};
  }

  // The thread's newest ticket if it is not closed, following merges (a merged ticket's
  // thread keeps flowing into the ticket it was merged into). Sets ticket_id; returns its
  // status, or nullopt when the thread needs a new ticket.
  std::optional<std::string> open_ticket_of_thread(const std::string& channel,
                                                   const std::string& thread, int64_t& ticket_id) {
    {
      StmtUse q(find_thread_ticket);
      q->bind(1, channel).bind(2, thread);
      if (!q->step()) return std::nullopt;
      ticket_id = q->int64(0);
    }
    auto status = follow_merges(ticket_id);
    if (!status || *status == "closed") return std::nullopt;
    return status;
  }

  // A merged ticket's messages live on in the ticket it was merged into: follows the chain
  // and answers the status of where it ends (ticket_id moves along).
  std::optional<std::string> follow_merges(int64_t& ticket_id) {
    std::optional<int64_t> merged_into;
    std::string status;
    {
      StmtUse q(ticket_merge_state);
      q->bind(1, ticket_id);
      if (!q->step()) return std::nullopt;
      status = q->text(0);
      merged_into = q->opt_int64(1);
    }
    for (int hops = 0; status == "closed" && merged_into && hops < 16; ++hops) {
      StmtUse q(ticket_merge_state);
      q->bind(1, *merged_into);
      if (!q->step()) return std::nullopt;
      ticket_id = *merged_into;
      status = q->text(0);
      merged_into = q->opt_int64(1);
    }
    return status;
  }

  // The ticket of a message we stored (either way) under this Message-ID on this channel.
  std::optional<int64_t> ticket_of_message_id(const std::string& channel, const std::string& id) {
    StmtUse q(find_dup);
    q->bind(1, dedup_key(channel, id));
    while (q->step())
      if (q->text(2) == channel && q->text(3) == id) return q->int64(1);
    return std::nullopt;
  }

  struct EmailThread {
    std::optional<int64_t> ticket;  // where it goes; none: a new ticket
    std::string status;             // of that ticket
    std::string rule;               // in-reply-to, references, subject, bounce, new
    std::optional<int64_t> follow_up_of;  // a closed ticket it answers: the new one links it
  };

  // Mail finds its ticket by what it answers, never by its subject alone: the mail it replies
  // to (In-Reply-To, then References newest first, among every Message-ID we stored, ours
  // included), then a [#ID] subject token from someone who is a participant of that ticket.
  EmailThread thread_email(const InboundContact& c) {
    const EmailFacts& e = *c.email;
    EmailThread t;
    std::vector<std::pair<std::string, const char*>> candidates;
    if (!e.bounced_message_id.empty()) candidates.emplace_back(e.bounced_message_id, "bounce");
    for (const auto& id : e.in_reply_to) candidates.emplace_back(id, "in-reply-to");
    for (auto it = e.references.rbegin(); it != e.references.rend(); ++it)
      candidates.emplace_back(*it, "references");
    for (const auto& [id, rule] : candidates) {
      if (auto ticket = ticket_of_message_id(c.channel_name, id)) {
        t.ticket = ticket;
        t.rule = rule;
        break;
      }
    }
    if (!t.ticket && e.subject_ticket && !e.sender.empty()) {
      Stmt q(h(), "SELECT 1 FROM tickets t JOIN identities i ON i.customer_id = t.customer_id "
                  "WHERE t.id = ?1 AND t.channel_name = ?2 AND i.type = 'email' AND i.address = ?3");
      q.bind(1, *e.subject_ticket).bind(2, c.channel_name).bind(3, e.sender);
      if (q.step()) {
        t.ticket = *e.subject_ticket;
        t.rule = "subject";
      }
    }
    if (!t.ticket) {
      t.rule = "new";
      return t;
    }
    auto status = follow_merges(*t.ticket);
    if (!status) {
      t.ticket.reset();
      t.rule = "new";
    } else if (*status == "closed" && e.automatic.empty()) {
      // A closed ticket stays closed: the customer's new words start a ticket that links it.
      t.follow_up_of = t.ticket;
      t.ticket.reset();
    } else {
      t.status = *status;  // automatic mail joins even a closed ticket, quietly
    }
    return t;
  }

  std::optional<Recorded> find_duplicate(std::string_view channel, std::string_view external_id,
                                         int64_t key) {
    StmtUse q(find_dup);
    q->bind(1, key);
    while (q->step()) {
      if (q->text(2) != channel || q->text(3) != external_id) continue;  // a hash collision
      Recorded r;
      r.message_id = q->int64(0);
      r.ticket_id = q->int64(1);
      r.duplicate = true;
      StmtUse t(ticket_customer);
      t->bind(1, r.ticket_id);
      if (t->step()) r.customer_id = t->int64(0);
      return r;
    }
    return std::nullopt;
  }

  // First identity already known wins; the others are added to that customer unless another
  // customer owns them (never silently move an identity: that is a merge, an agent's decision).
  int64_t resolve_customer(const InboundContact& c, int64_t now) {
    std::optional<int64_t> customer;
    for (const auto& id : c.from) {
      StmtUse q(find_identity);
      q->bind(1, id.type).bind(2, id.address);
      if (q->step()) {
        customer = q->int64(0);
        break;
      }
    }
    if (!customer) {
      StmtUse q(insert_customer);
      q->bind(1, c.from_name).bind(2, now);
      q->step();
      customer = q->int64(0);
      event({.customer_id = customer, .type = "customer.created", .actor_type = "system",
             .new_value = c.from_name},
            now);
    } else if (!c.from_name.empty()) {
      StmtUse q(customer_name);
      q->bind(1, *customer);
      if (q->step() && q->text(0).empty()) {
        set_customer_name.bind(1, *customer).bind(2, c.from_name).bind(3, now).run();
      }
    }
    for (const auto& id : c.from) {
      insert_identity.bind(1, *customer).bind(2, id.type).bind(3, id.address).bind(4, now).run();
      if (sqlite3_changes(h()) > 0)
        event({.customer_id = customer, .type = "identity.added", .actor_type = "system",
               .new_value = id.type + ":" + id.address},
              now);
    }
    return *customer;
  }

  // Moves an outbound message's delivery_status forward by a provider receipt; a receipt for
  // an id not recorded yet waits in early_receipts. Answers the change, if any.
  // keep_early: a receipt for a send not yet committed waits for it (provider receipts can
  // overtake our own COMMIT); a bounce about mail we never sent is simply nothing.
  std::optional<DeliveryChanged> apply_receipt(const std::string& channel_name,
                                               const DeliveryReceipt& r, int64_t now,
                                               bool keep_early = true) {
    Stmt q(h(), "SELECT id, ticket_id, coalesce(delivery_status, '') FROM messages "
                "WHERE dedup_key = ?1 AND channel_name = ?2 AND external_id = ?3 AND direction = 'out'");
    q.bind(1, dedup_key(channel_name, r.provider_id)).bind(2, channel_name).bind(3, r.provider_id);
    if (!q.step()) {
      q.reset();
      if (!keep_early) return std::nullopt;
      Stmt prune(h(), "DELETE FROM early_receipts WHERE created_at < ?1");
      prune.bind(1, now - 86400).run();
      Stmt keep(h(), "INSERT OR IGNORE INTO early_receipts(channel_name, provider_id, status, "
                     "error, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
      keep.bind(1, channel_name).bind(2, r.provider_id).bind(3, r.status);
      keep.bind(4, r.error.empty() ? std::nullopt : std::optional<std::string>(r.error)).bind(5, now).run();
      return std::nullopt;
    }
    DeliveryChanged changed{q.int64(1), q.int64(0), r.status, r.error};
    std::string current = q.text(2);
    q.reset();
    if (!protocol::delivery_moves_forward(current, r.status)) return std::nullopt;
    Stmt u(h(), "UPDATE messages SET delivery_status = ?2, delivery_error = ?3 WHERE id = ?1");
    u.bind(1, changed.message_id).bind(2, r.status);
    u.bind(3, r.error.empty() ? std::nullopt : std::optional<std::string>(r.error)).run();
    event({.ticket_id = changed.ticket_id, .type = "message.delivery_updated", .actor_type = "system",
           .message_id = changed.message_id, .old_value = current,
           .new_value = r.status == "failed" ? "failed: " + r.error : r.status},
          now);
    return changed;
  }

  Recorded record_inbound(const InboundContact& c) {
    int64_t now = options.now();
    int64_t key = dedup_key(c.channel_name, c.external_id);
    Tx tx(h(), search, tx_statements);  // before the dedup read, so no other writer can slip in between
    if (auto dup = find_duplicate(c.channel_name, c.external_id, key)) return *dup;

    // Bytes first, row second: a committed row never names a file a crash lost.
    std::vector<std::string> hashes = store_files(c.attachments);

    Recorded r;
    r.customer_id = resolve_customer(c, now);
    std::string thread;
    std::optional<std::string> status;
    std::optional<int64_t> follow_up_of;
    bool automatic = c.email && !c.email->automatic.empty();
    if (c.email) {  // one ticket per conversation, found by headers; thread_key only names it
      EmailThread t = thread_email(c);
      r.thread_rule = t.rule;
      thread = "email:" + c.external_id;
      if (t.ticket) {
        r.ticket_id = *t.ticket;
        status = t.status;
      }
      follow_up_of = t.follow_up_of;
    } else {
      thread = c.thread_key.empty() ? "customer:" + std::to_string(r.customer_id)
                                    : "thread:" + c.thread_key;
      status = open_ticket_of_thread(c.channel_name, thread, r.ticket_id);
    }
    if (!status) {
      StmtUse q(insert_ticket);
      q->bind(1, c.subject).bind(2, c.channel_type).bind(3, c.channel_name).bind(4, thread);
      q->bind(5, r.customer_id).bind(6, now).bind(7, next_activity());
      q->step();
      r.ticket_id = q->int64(0);
      r.ticket_created = true;
      search.add(index_subject, r.ticket_id, c.subject);
      count("new", 1);
      event({.ticket_id = r.ticket_id, .customer_id = r.customer_id, .type = "ticket.created",
             .actor_type = "customer", .new_value = std::string("new")},
            now);
      if (follow_up_of) {
        event({.ticket_id = r.ticket_id, .customer_id = r.customer_id, .type = "ticket.follow_up_of",
               .actor_type = "customer", .old_value = std::to_string(*follow_up_of)},
              now);
        event({.ticket_id = *follow_up_of, .type = "ticket.followed_up_by", .actor_type = "customer",
               .new_value = std::to_string(r.ticket_id)},
              now);
      }
    } else if ((*status == "pending" || *status == "solved") && !automatic) {
      // The customer answered: the ball is back in the agents' court. (An auto-reply is not
      // an answer: it never reopens.)
      change_status(r.ticket_id, *status, "open", "customer", std::nullopt, now);
      r.ticket_reopened = true;
    } else {
      touch(r.ticket_id, now);
    }

    std::optional<std::string> raw_sha256, full_body, rule, why_automatic;
    if (c.email) {
      raw_sha256 = store_file(c.email->raw, c.email->raw_sha256);
      if (c.email->full_text != c.text) full_body = c.email->full_text;
      rule = r.thread_rule;
      if (automatic) why_automatic = c.email->automatic;
    }
    {
      StmtUse q(insert_message);
      q->bind(1, r.ticket_id).bind(2, c.text).bind(3, c.html).bind(4, c.channel_type);
      q->bind(5, c.channel_name).bind(6, c.external_id).bind(7, key).bind(8, c.sent_at);
      q->bind(9, now).bind(10, raw_sha256).bind(11, full_body).bind(12, rule).bind(13, why_automatic);
      q->step();
      r.message_id = q->int64(0);
    }
    if (c.email && !c.email->bounced_message_id.empty()) {
      // Our mail bounced: the reply it reports on has failed, with the MTA's words.
      apply_receipt(c.channel_name,
                    {c.email->bounced_message_id, "failed",
                     c.email->bounce_status.empty() ? "bounced" : c.email->bounce_status},
                    now, /*keep_early=*/false);
    }
    search.add(index_message, r.message_id, c.text);
    name_files(r.message_id, c.attachments, hashes);
    if (tx.outer()) sync_files();  // inside a group, batch() syncs once for all of it
    tx.commit();
    return r;
  }

  // Writes each file's bytes (unless already written ahead) and returns their hashes. They are
  // durable once sync_files() ran, which every outer transaction does before its COMMIT.
  std::vector<std::string> store_files(const std::vector<AttachmentIn>& files) {
    std::vector<std::string> hashes;
    for (const auto& a : files) hashes.push_back(store_file(a.data, a.sha256));
    return hashes;
  }

  // written_as: the hash when the bytes were written before the request reached the writer.
  std::string store_file(std::string_view data, const std::string& written_as) {
    files_unsynced = true;
    if (!written_as.empty()) return written_as;
    auto h = attachments.put(data, AttachmentStore::Sync::deferred);
    if (!h) throw SqliteError(SQLITE_IOERR, h.error().message);
    return h.value();
  }

  // The rows that attach stored files to a message.
  void name_files(int64_t message_id, const std::vector<AttachmentIn>& files,
                  const std::vector<std::string>& hashes) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      // Every channel's files pass here: a type that is no media type is never stored, so it
      // can never reach a download's headers.
      insert_attachment.bind(1, message_id).bind(2, files[i].filename)
          .bind(3, protocol::media_type_or_bytes(files[i].content_type));
      insert_attachment.bind(4, static_cast<int64_t>(files[i].data.size())).bind(5, hashes[i]).run();
    }
  }

  // Files written ahead of their rows (Sync::deferred) must be durable before any COMMIT
  // names them: one filesystem flush serves every file of the group.
  bool files_unsynced = false;
  void sync_files() {
    if (!files_unsynced) return;
    if (auto s = attachments.sync_all(); !s) throw SqliteError(SQLITE_IOERR, s.error().message);
    files_unsynced = false;
  }
};

Result<TicketStore> TicketStore::open(const StoreOptions& options) {
  std::error_code ec;
  fs::create_directories(options.data_dir, ec);
  if (ec || !fs::is_directory(options.data_dir))
    return Error{Errc::unavailable, "data directory " + options.data_dir + " is unusable: " +
                                        (ec ? ec.message() : "not a directory")};
  try {
    return TicketStore(std::make_unique<Impl>(options));
  } catch (const SqliteError& e) {
    return Error{Errc::unavailable, "cannot open the store in " + options.data_dir + ": " +
                                        e.what()};
  }
}

TicketStore::TicketStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TicketStore::TicketStore(TicketStore&&) noexcept = default;
TicketStore& TicketStore::operator=(TicketStore&&) noexcept = default;
TicketStore::~TicketStore() = default;

const std::string& TicketStore::data_dir() const { return impl_->options.data_dir; }
const Clock& TicketStore::clock() const { return impl_->options.now; }

Result<WebhookRecorded> TicketStore::record_webhook(const std::string& channel_name,
                                                    const WebhookBatch& batch) {
  return guarded([&]() -> Result<WebhookRecorded> {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    WebhookRecorded out;
    for (std::size_t i = 0; i < batch.contacts.size(); ++i) {
      const auto& c = batch.contacts[i];
      out.contacts.push_back(d.record_inbound(c));
      const Recorded& rec = out.contacts.back();
      if (rec.duplicate) continue;  // its media was queued the first time
      for (const auto& m : batch.media) {
        if (m.contact != i || m.ref.empty()) continue;
        Stmt q(d.h(), "INSERT INTO media_jobs(message_id, channel_type, channel_name, kind, ref, "
                      "content_type, filename, state, next_attempt_at, created_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?8)");
        q.bind(1, rec.message_id).bind(2, c.channel_type).bind(3, c.channel_name).bind(4, m.kind);
        q.bind(5, m.ref).bind(6, m.content_type).bind(7, m.filename).bind(8, now).run();
        out.media_queued = true;
      }
    }
    for (const auto& r : batch.receipts)
      if (auto changed = d.apply_receipt(channel_name, r, now)) out.deliveries.push_back(*changed);
    for (const auto& w : batch.reads) {
      Stmt q(d.h(), "UPDATE messages SET delivery_status = 'read' WHERE direction = 'out' "
                    "AND internal = 0 AND delivery_status IN ('sent','delivered') "
                    "AND created_at <= ?3 AND ticket_id IN (SELECT id FROM tickets "
                    "WHERE channel_name = ?1 AND thread_key = 'thread:' || ?2) "
                    "RETURNING ticket_id, id");
      q.bind(1, channel_name).bind(2, w.thread_key).bind(3, w.until);
      while (q.step()) out.deliveries.push_back({q.int64(0), q.int64(1), "read", ""});
      q.reset();
    }
    tx.commit();
    return out;
  });
}

Status TicketStore::set_imap_cursor(const std::string& channel_name, const ImapCursor& cursor) {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    Stmt q(impl_->h(), "INSERT INTO imap_cursors(channel_name, uidvalidity, last_uid) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT(channel_name) DO UPDATE SET uidvalidity = ?2, last_uid = ?3");
    q.bind(1, channel_name).bind(2, cursor.uidvalidity).bind(3, cursor.last_uid).run();
    tx.commit();
    return ok();
  });
}

Status TicketStore::record_media(const MediaJob& job, const MediaOutcome& o, int64_t next_attempt_at) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    // Bytes first, row second: a committed row never names a file a crash lost.
    std::string hash;
    if (o.kind == MediaFetchKind::stored) {
      auto h = d.attachments.put(o.bytes);
      if (!h) return Error{Errc::unavailable, h.error().message};
      hash = h.value();
    }
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt row(d.h(), "SELECT state FROM media_jobs WHERE id = ?1");
    row.bind(1, job.id);
    if (!row.step()) return Error{Errc::not_found, "no media job " + std::to_string(job.id)};
    bool final = row.text(0) != "pending";
    row.reset();
    if (final) return ok();
    const char* state = o.kind == MediaFetchKind::stored ? "stored"
                        : o.kind == MediaFetchKind::failed ? "failed" : "pending";
    Stmt u(d.h(), "UPDATE media_jobs SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3, "
                  "last_error = ?4 WHERE id = ?1");
    u.bind(1, job.id).bind(2, state).bind(3, next_attempt_at);
    u.bind(4, o.error.empty() ? std::nullopt : std::optional<std::string>(o.error)).run();
    if (o.kind == MediaFetchKind::stored) {
      // The webhook's own word on the type first; a CDN's answer header is often generic.
      std::string type = job.content_type.empty() ? o.content_type : job.content_type;
      d.insert_attachment.bind(1, job.message_id).bind(2, protocol::media_filename(job))
          .bind(3, protocol::media_type_or_bytes(type));
      d.insert_attachment.bind(4, static_cast<int64_t>(o.bytes.size())).bind(5, hash).run();
    } else if (o.kind == MediaFetchKind::failed) {
      d.event({.ticket_id = job.ticket_id, .type = "message.media_failed", .actor_type = "system",
               .message_id = job.message_id, .new_value = o.error},
              now);
    }
    tx.commit();
    return ok();
  });
}

Result<Recorded> TicketStore::record_inbound(const InboundContact& contact) {
  return guarded([&]() -> Result<Recorded> { return impl_->record_inbound(contact); });
}

Status TicketStore::set_status(int64_t ticket_id, const std::string& status,
                               std::optional<int64_t> actor_agent_id) {
  return guarded([&]() -> Status {
    if (!is_ticket_status(status)) return Error{Errc::unprocessable, "unknown status " + status};
    auto& d = *impl_;
    Tx tx(d.h(), d.search, d.tx_statements);
    auto t = d.ticket_state(ticket_id);
    if (!t) return Error{Errc::not_found, "no ticket " + std::to_string(ticket_id)};
    d.change_status(ticket_id, t->status, status, actor_agent_id ? "agent" : "system",
                    actor_agent_id, d.options.now());
    tx.commit();
    return ok();
  });
}

Status TicketStore::update_ticket(int64_t ticket_id, const TicketPatch& p, int64_t actor,
                                  bool may_reassign) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    auto t = d.ticket_state(ticket_id);
    if (!t) return Error{Errc::not_found, "no ticket " + std::to_string(ticket_id)};
    auto exists = [&](const char* sql, int64_t id) {
      Stmt q(d.h(), sql);
      q.bind(1, id);
      return q.step();
    };
    auto field_event = [&](const char* type, std::optional<std::string> old_value,
                           std::optional<std::string> new_value) {
      d.event({.ticket_id = ticket_id, .type = type, .actor_type = "agent", .actor_id = actor,
               .old_value = std::move(old_value), .new_value = std::move(new_value)},
              now);
    };
    auto id_text = [](std::optional<int64_t> v) {
      return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
    };
    if (p.status && !is_ticket_status(*p.status))
      return Error{Errc::unprocessable, "status must be one of new, open, pending, on_hold, "
                                        "solved, closed"};
    if (p.status && t->status == "closed" && *p.status != "closed")
      return Error{Errc::unprocessable, "a closed ticket cannot be reopened; the customer's next "
                                        "message starts a new ticket"};
    if (p.priority && !is_priority(*p.priority))
      return Error{Errc::unprocessable, "priority must be one of low, normal, high, urgent"};
    if (p.assignee && *p.assignee != t->assignee) {
      const auto& to = *p.assignee;
      bool own_move = (!t->assignee && to == actor) || (t->assignee == actor && !to);
      if (!may_reassign && !own_move)
        return Error{Errc::forbidden, "only supervisors assign tickets to others or take them "
                                      "from others"};
      if (to && !exists("SELECT 1 FROM agents WHERE id = ?1 AND active = 1", *to))
        return Error{Errc::unprocessable, "no active agent " + std::to_string(*to)};
      Stmt u(d.h(), "UPDATE tickets SET assignee_id = ?2 WHERE id = ?1");
      u.bind(1, ticket_id).bind(2, to).run();
      field_event("ticket.assignee_changed", id_text(t->assignee), id_text(to));
    }
    if (p.group && *p.group != t->group) {
      const auto& to = *p.group;
      if (to && !exists("SELECT 1 FROM groups WHERE id = ?1", *to))
        return Error{Errc::unprocessable, "no group " + std::to_string(*to)};
      Stmt u(d.h(), "UPDATE tickets SET group_id = ?2 WHERE id = ?1");
      u.bind(1, ticket_id).bind(2, to).run();
      field_event("ticket.group_changed", id_text(t->group), id_text(to));
    }
    if (p.priority) {
      Stmt old(d.h(), "SELECT priority FROM tickets WHERE id = ?1");
      old.bind(1, ticket_id);
      old.step();
      std::string before = old.text(0);
      old.reset();
      if (before != *p.priority) {
        Stmt u(d.h(), "UPDATE tickets SET priority = ?2 WHERE id = ?1");
        u.bind(1, ticket_id).bind(2, *p.priority).run();
        field_event("ticket.priority_changed", before, *p.priority);
      }
    }
    if (p.subject) {
      Stmt old(d.h(), "SELECT subject FROM tickets WHERE id = ?1");
      old.bind(1, ticket_id);
      old.step();
      d.search.add(d.unindex_subject, ticket_id, old.text(0));
      old.reset();
      d.search.add(d.index_subject, ticket_id, *p.subject);
      Stmt u(d.h(), "UPDATE tickets SET subject = ?2 WHERE id = ?1");
      u.bind(1, ticket_id).bind(2, *p.subject).run();
      field_event("ticket.subject_changed", std::nullopt, *p.subject);
    }
    if (p.tags) {
      Stmt del(d.h(), "DELETE FROM ticket_tags WHERE ticket_id = ?1");
      del.bind(1, ticket_id).run();
      Stmt ins(d.h(), "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)");
      std::string joined;
      for (const auto& tag : *p.tags) {
        ins.bind(1, ticket_id).bind(2, tag).run();
        joined += (joined.empty() ? "" : " ") + tag;
      }
      field_event("ticket.tags_changed", std::nullopt, joined);
    }
    if (p.status) d.change_status(ticket_id, t->status, *p.status, "agent", actor, now);
    d.touch(ticket_id, now);
    tx.commit();
    return ok();
  });
}

namespace {
bool customer_exists(sqlite3* db, int64_t id) {
  Stmt q(db, "SELECT 1 FROM customers WHERE id = ?1");
  q.bind(1, id);
  return q.step();
}
}  // namespace

Status TicketStore::rename_customer(int64_t customer_id, const std::string& name, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt old(d.h(), "SELECT name FROM customers WHERE id = ?1");
    old.bind(1, customer_id);
    if (!old.step()) return Error{Errc::not_found, "no customer " + std::to_string(customer_id)};
    std::string before = old.text(0);
    old.reset();
    d.set_customer_name.bind(1, customer_id).bind(2, name).bind(3, now).run();
    d.event({.customer_id = customer_id, .type = "customer.renamed", .actor_type = "agent",
             .actor_id = actor, .old_value = before, .new_value = name},
            now);
    tx.commit();
    return ok();
  });
}

Result<int64_t> TicketStore::add_identity(int64_t customer_id, const Identity& identity,
                                          int64_t actor) {
  return guarded([&]() -> Result<int64_t> {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    if (!customer_exists(d.h(), customer_id))
      return Error{Errc::not_found, "no customer " + std::to_string(customer_id)};
    {
      StmtUse q(d.find_identity);
      q->bind(1, identity.type).bind(2, identity.address);
      if (q->step())
        return Error{Errc::conflict, "that identity belongs to customer " +
                                         std::to_string(q->int64(0))};
    }
    Stmt ins(d.h(), "INSERT INTO identities(customer_id, type, address, created_at) "
                    "VALUES (?1, ?2, ?3, ?4) RETURNING id");
    ins.bind(1, customer_id).bind(2, identity.type).bind(3, identity.address).bind(4, now);
    ins.step();
    int64_t id = ins.int64(0);
    ins.reset();
    d.event({.customer_id = customer_id, .type = "identity.added", .actor_type = "agent",
             .actor_id = actor, .new_value = identity.type + ":" + identity.address},
            now);
    tx.commit();
    return id;
  });
}

Status TicketStore::remove_identity(int64_t customer_id, int64_t identity_id, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt del(d.h(), "DELETE FROM identities WHERE id = ?1 AND customer_id = ?2 "
                    "RETURNING type, address");
    del.bind(1, identity_id).bind(2, customer_id);
    if (!del.step())
      return Error{Errc::not_found, "customer " + std::to_string(customer_id) +
                                        " has no identity " + std::to_string(identity_id)};
    std::string gone = del.text(0) + ":" + del.text(1);
    del.reset();
    d.event({.customer_id = customer_id, .type = "identity.removed", .actor_type = "agent",
             .actor_id = actor, .old_value = gone},
            now);
    tx.commit();
    return ok();
  });
}

Status TicketStore::merge_customers(int64_t source, int64_t target, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    if (source == target) return Error{Errc::unprocessable, "a customer cannot be merged into itself"};
    Tx tx(d.h(), d.search, d.tx_statements);
    auto merged = [&](int64_t id) -> std::optional<bool> {
      Stmt q(d.h(), "SELECT merged_into IS NOT NULL FROM customers WHERE id = ?1");
      q.bind(1, id);
      if (!q.step()) return std::nullopt;
      return q.int64(0) != 0;
    };
    auto s = merged(source), t = merged(target);
    if (!s) return Error{Errc::not_found, "no customer " + std::to_string(source)};
    if (!t) return Error{Errc::unprocessable, "no customer " + std::to_string(target) + " to merge into"};
    if (*s || *t) return Error{Errc::unprocessable, "a merged customer cannot be merged again; unmerge first"};
    Stmt m(d.h(), "INSERT INTO customer_merges(source_id, target_id, actor_id, created_at) "
                  "VALUES (?1, ?2, ?3, ?4) RETURNING id");
    m.bind(1, source).bind(2, target).bind(3, actor).bind(4, now);
    m.step();
    int64_t merge_id = m.int64(0);
    m.reset();
    std::string from_key = "customer:" + std::to_string(source);
    std::string to_key = "customer:" + std::to_string(target);
    // Record first, then move: the record lists exactly what this merge moved.
    Stmt items(d.h(),
               "INSERT INTO customer_merge_items(merge_id, kind, item_id, old_value) "
               "SELECT ?1, 'identity', id, NULL FROM identities WHERE customer_id = ?2 "
               "UNION ALL SELECT ?1, 'ticket', id, thread_key FROM tickets WHERE customer_id = ?2");
    items.bind(1, merge_id).bind(2, source).run();
    Stmt ids(d.h(), "UPDATE identities SET customer_id = ?2 WHERE customer_id = ?1");
    ids.bind(1, source).bind(2, target).run();
    Stmt tickets(d.h(), "UPDATE tickets SET customer_id = ?2, thread_key = CASE WHEN "
                        "thread_key = ?3 THEN ?4 ELSE thread_key END WHERE customer_id = ?1");
    tickets.bind(1, source).bind(2, target).bind(3, from_key).bind(4, to_key).run();
    Stmt mark(d.h(), "UPDATE customers SET merged_into = ?2, updated_at = ?3 WHERE id = ?1");
    mark.bind(1, source).bind(2, target).bind(3, now).run();
    d.event({.customer_id = source, .type = "customer.merged", .actor_type = "agent",
             .actor_id = actor, .new_value = std::to_string(target)},
            now);
    d.event({.customer_id = target, .type = "customer.merged_from", .actor_type = "agent",
             .actor_id = actor, .old_value = std::to_string(source)},
            now);
    tx.commit();
    return ok();
  });
}

Status TicketStore::unmerge_customer(int64_t source, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt m(d.h(), "SELECT id, target_id FROM customer_merges WHERE source_id = ?1 AND "
                  "undone_at IS NULL ORDER BY id DESC LIMIT 1");
    m.bind(1, source);
    if (!m.step()) return Error{Errc::unprocessable, "customer " + std::to_string(source) + " is not merged"};
    int64_t merge_id = m.int64(0), target = m.int64(1);
    m.reset();
    // Only what this merge moved and still sits with the target goes back.
    Stmt ids(d.h(), "UPDATE identities SET customer_id = ?2 WHERE customer_id = ?3 AND id IN "
                    "(SELECT item_id FROM customer_merge_items WHERE merge_id = ?1 AND kind = 'identity')");
    ids.bind(1, merge_id).bind(2, source).bind(3, target).run();
    Stmt tickets(d.h(),
                 "UPDATE tickets SET customer_id = ?2, thread_key = (SELECT old_value FROM "
                 "customer_merge_items i WHERE i.merge_id = ?1 AND i.kind = 'ticket' AND "
                 "i.item_id = tickets.id) WHERE customer_id = ?3 AND id IN (SELECT item_id FROM "
                 "customer_merge_items WHERE merge_id = ?1 AND kind = 'ticket')");
    tickets.bind(1, merge_id).bind(2, source).bind(3, target).run();
    Stmt done(d.h(), "UPDATE customer_merges SET undone_at = ?2 WHERE id = ?1");
    done.bind(1, merge_id).bind(2, now).run();
    Stmt mark(d.h(), "UPDATE customers SET merged_into = NULL, updated_at = ?2 WHERE id = ?1");
    mark.bind(1, source).bind(2, now).run();
    d.event({.customer_id = source, .type = "customer.unmerged", .actor_type = "agent",
             .actor_id = actor, .old_value = std::to_string(target)},
            now);
    d.event({.customer_id = target, .type = "customer.unmerged_from", .actor_type = "agent",
             .actor_id = actor, .old_value = std::to_string(source)},
            now);
    tx.commit();
    return ok();
  });
}

Status TicketStore::merge_tickets(int64_t source, int64_t target, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    if (source == target) return Error{Errc::unprocessable, "a ticket cannot be merged into itself"};
    Tx tx(d.h(), d.search, d.tx_statements);
    auto s = d.ticket_state(source);
    auto t = d.ticket_state(target);
    if (!s) return Error{Errc::not_found, "no ticket " + std::to_string(source)};
    if (!t) return Error{Errc::unprocessable, "no ticket " + std::to_string(target) + " to merge into"};
    if (s->status == "closed") return Error{Errc::unprocessable, "a closed ticket cannot be merged"};
    if (t->status == "closed")
      return Error{Errc::unprocessable, "cannot merge into a closed ticket"};
    Stmt move(d.h(), "UPDATE messages SET ticket_id = ?2 WHERE ticket_id = ?1");
    move.bind(1, source).bind(2, target).run();
    Stmt mark(d.h(), "UPDATE tickets SET merged_into = ?2 WHERE id = ?1");
    mark.bind(1, source).bind(2, target).run();
    d.change_status(source, s->status, "closed", "agent", actor, now);
    int64_t source_customer = 0, target_customer = 0;
    {
      Stmt q(d.h(), "SELECT customer_id FROM tickets WHERE id = ?1");
      q.bind(1, source);
      q.step();
      source_customer = q.int64(0);
      q.reset();
      q.bind(1, target);
      q.step();
      target_customer = q.int64(0);
      q.reset();
    }
    // Each side's timeline, and each customer's, keeps the merge.
    d.event({.ticket_id = source, .customer_id = source_customer, .type = "ticket.merged",
             .actor_type = "agent", .actor_id = actor, .new_value = std::to_string(target)},
            now);
    d.event({.ticket_id = target, .customer_id = target_customer, .type = "ticket.merged_from",
             .actor_type = "agent", .actor_id = actor, .old_value = std::to_string(source)},
            now);
    d.touch(target, now);
    tx.commit();
    return ok();
  });
}

Result<MessageCreated> TicketStore::add_agent_message(int64_t ticket_id, const AgentMessage& m,
                                                      int64_t agent_id,
                                                      const protocol::TemplateCatalog& templates) {
  return guarded([&]() -> Result<MessageCreated> {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    if (!m.idempotency_key.empty()) {
      Stmt k(d.h(), "SELECT m.id, m.ticket_id, m.internal FROM reply_keys k JOIN messages m "
                    "ON m.id = k.message_id WHERE k.agent_id = ?1 AND k.key = ?2");
      k.bind(1, agent_id).bind(2, m.idempotency_key);
      if (k.step()) {
        if (k.int64(1) != ticket_id)
          return Error{Errc::unprocessable, "this Idempotency-Key was used for a reply on ticket " +
                                                std::to_string(k.int64(1))};
        return MessageCreated{k.int64(0), ticket_id, k.int64(2) == 0, true};
      }
    }
    auto t = d.ticket_state(ticket_id);
    if (!t) return Error{Errc::not_found, "no ticket " + std::to_string(ticket_id)};
    if (!m.internal && t->status == "closed")
      return Error{Errc::unprocessable, "the ticket is closed; replies are no longer sent"};
    // The channel's own rules: its window, its longest message, its templates.
    std::optional<int64_t> last_in;
    std::string thread;
    if (!m.internal) {
      Stmt q(d.h(), "SELECT t.thread_key, (SELECT max(created_at) FROM messages "
                    "WHERE ticket_id = t.id AND direction = 'in') FROM tickets t WHERE t.id = ?1");
      q.bind(1, ticket_id);
      q.step();
      thread = q.text(0);
      if (thread.rfind("thread:", 0) == 0) thread.erase(0, 7);
      last_in = q.opt_int64(1);
      q.reset();
    }
    static const std::vector<protocol::ReplyTemplate> kNone;
    auto own = templates.find({t->channel_type, t->channel_name});
    auto reply = protocol::prepare_reply(t->channel_type, thread, m,
                                         own == templates.end() ? kNone : own->second, last_in, now);
    if (!reply) return reply.error();
    const std::string& body = reply->body;
    std::vector<std::string> hashes = d.store_files(m.attachments);
    MessageCreated r;
    r.ticket_id = ticket_id;
    {
      Stmt q(d.h(),
             "INSERT INTO messages(ticket_id, direction, author, author_agent_id, internal, body, "
             "channel_type, channel_name, delivery_status, created_at, send_options) "
             "VALUES (?1, 'out', 'agent', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id");
      q.bind(1, ticket_id).bind(2, agent_id).bind(3, int64_t{m.internal}).bind(4, body);
      q.bind(5, t->channel_type).bind(6, t->channel_name);
      q.bind(7, m.internal ? std::nullopt : std::optional<std::string>("queued")).bind(8, now);
      q.bind(9, reply->send_options.empty() ? std::nullopt
                                             : std::optional<std::string>(reply->send_options));
      q.step();
      r.message_id = q.int64(0);
      q.reset();
    }
    d.search.add(d.index_message, r.message_id, body);
    d.name_files(r.message_id, m.attachments, hashes);
    if (!m.idempotency_key.empty()) {
      Stmt k(d.h(), "INSERT INTO reply_keys(agent_id, key, message_id, created_at) "
                    "VALUES (?1, ?2, ?3, ?4)");
      k.bind(1, agent_id).bind(2, m.idempotency_key).bind(3, r.message_id).bind(4, now).run();
    }
    if (!m.internal) {
      Stmt o(d.h(), "INSERT INTO outbox(message_id, channel_type, channel_name, state, "
                    "next_attempt_at, created_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?4)");
      o.bind(1, r.message_id).bind(2, t->channel_type).bind(3, t->channel_name).bind(4, now).run();
      r.queued_for_delivery = true;
      if (!t->first_response_at) {
        Stmt u(d.h(), "UPDATE tickets SET first_response_at = ?2 WHERE id = ?1");
        u.bind(1, ticket_id).bind(2, now).run();
        d.event({.ticket_id = ticket_id, .type = "ticket.first_response", .actor_type = "agent",
                 .actor_id = agent_id, .message_id = r.message_id},
                now);
      }
      if (t->status == "new") d.change_status(ticket_id, "new", "open", "agent", agent_id, now);
    }
    d.touch(ticket_id, now);
    if (tx.outer()) d.sync_files();
    tx.commit();
    return r;
  });
}

Result<int64_t> TicketStore::add_agent(const NewAgent& a) {
  return guarded([&]() -> Result<int64_t> {
    if (!is_role(a.role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    Stmt q(impl_->h(),
           "INSERT INTO agents(email, name, role, password_hash, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(email) DO NOTHING RETURNING id");
    q.bind(1, a.email).bind(2, a.name).bind(3, a.role).bind(4, a.password_hash);
    q.bind(5, impl_->options.now());
    if (!q.step()) return Error{Errc::conflict, "an agent with that email already exists"};
    int64_t id = q.int64(0);
    q.reset();
    impl_->event({.type = "agent.created", .actor_type = "system", .actor_id = id,
                  .new_value = a.email},
                 impl_->options.now());
    tx.commit();
    return id;
  });
}

Status TicketStore::record_delivery(int64_t outbox_id, const DeliveryOutcome& o,
                                    int64_t next_attempt_at) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt row(d.h(), "SELECT message_id, state, channel_name FROM outbox WHERE id = ?1");
    row.bind(1, outbox_id);
    if (!row.step()) return Error{Errc::not_found, "no outbox row " + std::to_string(outbox_id)};
    int64_t message_id = row.int64(0);
    std::string channel_name = row.text(2);
    bool final = row.text(1) != "pending";
    row.reset();
    if (final) return ok();
    const char* state = o.kind == DeliveryKind::sent     ? "sent"
                        : o.kind == DeliveryKind::failed ? "failed"
                                                         : "pending";
    Stmt u(d.h(), "UPDATE outbox SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3, "
                  "last_error = ?4 WHERE id = ?1");
    u.bind(1, outbox_id).bind(2, state).bind(3, next_attempt_at);
    u.bind(4, o.error.empty() ? std::nullopt : std::optional<std::string>(o.error)).run();
    if (o.kind != DeliveryKind::retry) {
      // The provider id is indexed like an inbound one, so its receipts find the message.
      Stmt m(d.h(), "UPDATE messages SET delivery_status = ?2, delivery_error = ?3, "
                    "external_id = coalesce(?4, external_id), dedup_key = coalesce(?5, dedup_key) "
                    "WHERE id = ?1");
      m.bind(1, message_id).bind(2, state);
      m.bind(3, o.error.empty() ? std::nullopt : std::optional<std::string>(o.error));
      m.bind(4, o.provider_id.empty() ? std::nullopt : std::optional<std::string>(o.provider_id));
      m.bind(5, o.provider_id.empty() ? std::nullopt
                                      : std::optional<int64_t>(dedup_key(channel_name, o.provider_id)));
      m.run();
      d.event({.type = o.kind == DeliveryKind::sent ? "message.sent" : "message.failed",
               .actor_type = "system", .message_id = message_id,
               .new_value = o.error.empty() ? std::nullopt : std::optional<std::string>(o.error)},
              now);
      if (o.kind == DeliveryKind::sent && !o.provider_id.empty()) {
        Stmt early(d.h(), "DELETE FROM early_receipts WHERE channel_name = ?1 AND provider_id = ?2 "
                          "RETURNING status, coalesce(error, '')");
        early.bind(1, channel_name).bind(2, o.provider_id);
        std::vector<DeliveryReceipt> waiting;
        while (early.step()) waiting.push_back({o.provider_id, early.text(0), early.text(1)});
        early.reset();
        // Oldest state first, so each one moves the status forward.
        std::sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
          return protocol::delivery_moves_forward(a.status, b.status) &&
                 !protocol::delivery_moves_forward(b.status, a.status);
        });
        for (const auto& r : waiting) d.apply_receipt(channel_name, r, now);
      }
    }
    tx.commit();
    return ok();
  });
}

namespace {
int role_rank(std::string_view r) { return r == "admin" ? 3 : r == "supervisor" ? 2 : r == "agent" ? 1 : 0; }
}  // namespace

Result<int64_t> TicketStore::create_token(const NewToken& t) {
  return guarded([&]() -> Result<int64_t> {
    if (!is_role(t.role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    {
      Stmt a(impl_->h(), "SELECT role FROM agents WHERE id = ?1 AND active = 1");
      a.bind(1, t.agent_id);
      if (!a.step()) return Error{Errc::unprocessable, "no active agent " + std::to_string(t.agent_id)};
      if (role_rank(t.role) > role_rank(a.text(0)))
        return Error{Errc::unprocessable, "a token cannot have a higher role than its agent"};
    }
    Stmt q(impl_->h(),
           "INSERT INTO auth_tokens(token_hash, agent_id, kind, role, name, created_at, expires_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    q.bind(1, t.token_hash).bind(2, t.agent_id).bind(3, t.kind).bind(4, t.role).bind(5, t.name);
    q.bind(6, impl_->options.now()).bind(7, t.expires_at);
    q.step();
    int64_t id = q.int64(0);
    q.reset();
    tx.commit();
    return id;
  });
}

Status TicketStore::revoke_token_id(int64_t token_id) {
  return guarded([&]() -> Status {
    Stmt q(impl_->h(), "UPDATE auth_tokens SET revoked_at = ?2 WHERE id = ?1 AND "
                       "revoked_at IS NULL RETURNING id");
    q.bind(1, token_id).bind(2, impl_->options.now());
    bool changed = q.step();
    q.reset();
    if (!changed) {
      Stmt e(impl_->h(), "SELECT 1 FROM auth_tokens WHERE id = ?1");
      e.bind(1, token_id);
      if (!e.step()) return Error{Errc::not_found, "no token " + std::to_string(token_id)};
    }
    return ok();
  });
}

Result<int64_t> TicketStore::add_group(const std::string& name) {
  return guarded([&]() -> Result<int64_t> {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    Stmt q(impl_->h(), "INSERT INTO groups(name, created_at) VALUES (?1, ?2) "
                       "ON CONFLICT(name) DO NOTHING RETURNING id");
    q.bind(1, name).bind(2, impl_->options.now());
    if (!q.step()) return Error{Errc::conflict, "a group with that name exists"};
    int64_t id = q.int64(0);
    q.reset();
    tx.commit();
    return id;
  });
}

Status TicketStore::delete_group(int64_t group_id, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt ev(d.h(), "INSERT INTO events(ticket_id, type, actor_type, actor_id, old_value, created_at) "
                   "SELECT id, 'ticket.group_changed', 'agent', ?2, ?1, ?3 FROM tickets "
                   "WHERE group_id = ?1");
    ev.bind(1, group_id).bind(2, actor).bind(3, now).run();
    Stmt clear(d.h(), "UPDATE tickets SET group_id = NULL WHERE group_id = ?1");
    clear.bind(1, group_id).run();
    Stmt del(d.h(), "DELETE FROM groups WHERE id = ?1 RETURNING id");
    del.bind(1, group_id);
    if (!del.step()) return Error{Errc::not_found, "no group " + std::to_string(group_id)};
    del.reset();
    tx.commit();
    return ok();
  });
}

Status TicketStore::update_agent(int64_t agent_id, const std::optional<std::string>& role,
                                 const std::optional<bool>& active) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    if (role && !is_role(*role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    Tx tx(d.h(), d.search, d.tx_statements);
    Stmt cur(d.h(), "SELECT role, active FROM agents WHERE id = ?1");
    cur.bind(1, agent_id);
    if (!cur.step()) return Error{Errc::not_found, "no agent " + std::to_string(agent_id)};
    std::string old_role = cur.text(0);
    bool was_active = cur.int64(1) != 0;
    cur.reset();
    std::string new_role = role.value_or(old_role);
    bool now_active = active.value_or(was_active);
    if (old_role == "admin" && was_active && (new_role != "admin" || !now_active)) {
      Stmt admins(d.h(), "SELECT count(*) FROM agents WHERE role = 'admin' AND active = 1");
      admins.step();
      if (admins.int64(0) <= 1)
        return Error{Errc::unprocessable, "this is the last active admin"};
    }
    Stmt u(d.h(), "UPDATE agents SET role = ?2, active = ?3 WHERE id = ?1");
    u.bind(1, agent_id).bind(2, new_role).bind(3, int64_t{now_active}).run();
    // Tokens never outrank their agent: a demotion lowers them too.
    Stmt t(d.h(), "UPDATE auth_tokens SET role = ?2 WHERE agent_id = ?1 AND "
                  "(role = 'admin' OR (role = 'supervisor' AND ?2 = 'agent'))");
    if (new_role != "admin") t.bind(1, agent_id).bind(2, new_role).run();
    // Deactivation revokes every token for good: reactivating the agent must not bring back a
    // session (or integration token) someone kept from before.
    if (was_active && !now_active) {
      Stmt r(d.h(), "UPDATE auth_tokens SET revoked_at = ?2 WHERE agent_id = ?1 AND "
                    "revoked_at IS NULL");
      r.bind(1, agent_id).bind(2, d.options.now()).run();
    }
    d.event({.type = "agent.updated", .actor_type = "system", .actor_id = agent_id,
             .old_value = old_role + (was_active ? "" : " inactive"),
             .new_value = new_role + (now_active ? "" : " inactive")},
            d.options.now());
    tx.commit();
    return ok();
  });
}

Status TicketStore::rename_group(int64_t group_id, const std::string& name) {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    Stmt taken(impl_->h(), "SELECT id FROM groups WHERE name = ?1 AND id <> ?2");
    taken.bind(1, name).bind(2, group_id);
    if (taken.step()) return Error{Errc::conflict, "a group with that name exists"};
    taken.reset();
    Stmt q(impl_->h(), "UPDATE groups SET name = ?2 WHERE id = ?1 RETURNING id");
    q.bind(1, group_id).bind(2, name);
    if (!q.step()) return Error{Errc::not_found, "no group " + std::to_string(group_id)};
    q.reset();
    tx.commit();
    return ok();
  });
}

Status TicketStore::revoke_token(const std::string& token_hash) {
  return guarded([&]() -> Status {
    Stmt q(impl_->h(), "UPDATE auth_tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND "
                       "revoked_at IS NULL");
    q.bind(1, token_hash).bind(2, impl_->options.now()).run();
    return ok();
  });
}

Result<int64_t> TicketStore::agent_count() {
  return guarded([&]() -> Result<int64_t> {
    Stmt q(impl_->h(), "SELECT count(*) FROM agents");
    q.step();
    return q.int64(0);
  });
}

Status TicketStore::ping() {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    impl_->count("new", 0);
    tx.commit();
    return ok();
  });
}

void TicketStore::atomically(const std::function<bool()>& body) {
  try {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    if (body()) tx.commit();
  } catch (const SqliteError&) {
    // A failed savepoint statement fails the whole group at COMMIT; every request then hears
    // unavailable. Nothing to add here.
  }
}

Status TicketStore::batch(const std::function<void()>& body) {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->search, impl_->tx_statements);
    body();
    impl_->sync_files();
    tx.commit();
    return ok();
  });
}

Status backup_store(const std::string& data_dir, const std::string& out_path) {
  return guarded([&]() -> Status {
    if (!fs::exists(database_path(data_dir)))
      return Error{Errc::not_found, "no store in " + data_dir};
    auto src = open_db(database_path(data_dir), true);
    auto dst = open_db(out_path, false);
    sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
    if (!b) return Error{Errc::internal, sqlite3_errmsg(dst.get())};
    int rc = sqlite3_backup_step(b, -1);  // one step: a consistent snapshot of the source
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return Error{Errc::unavailable, sqlite3_errstr(rc)};
    return ok();
  });
}

}  // namespace touchpoint::storage
