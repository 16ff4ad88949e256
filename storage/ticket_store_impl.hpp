#pragma once
#include <cstdint>
// TicketStore's insides, shared by the files that implement it by domain (ticket_store.cpp:
// opening, ingest and the commit group; ticket_store_tickets.cpp; ticket_store_customers.cpp;
// ticket_store_admin.cpp; ticket_store_mail_threading.cpp). Internal to storage/: nothing
// outside includes it.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>

#include "protocol/http_field.hpp"
#include "storage/attachment_store.hpp"
#include "storage/schema.hpp"
#include "storage/sla_store.hpp"
#include "storage/routing_store.hpp"
#include "storage/survey_store.hpp"
#include "storage/text_index.hpp"
#include "storage/write_transaction.hpp"
#include "storage/sqlite.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::storage {
namespace fs = std::filesystem;

// FNV-1a over channel name, a separator, and the provider id: stable across builds and
// machines, which std::hash is not.
inline int64_t dedup_key(std::string_view channel_name, std::string_view external_id) {
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

inline Error to_error(const SqliteError& e) {
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



// WAL: readers never block the writer. FULL: under NORMAL a committed transaction can roll back
// after power loss, and by then we have acknowledged it. Checkpoints pause the writer 100-200 ms,
// so the writer never runs them (WalCheckpointer does, on its own connection).
inline bool configure_and_migrate(sqlite3* db, const StoreOptions& o) {
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, "PRAGMA foreign_keys=ON");
  exec(db, "PRAGMA wal_autocheckpoint=0");
  // While the checkpointer's RESTART holds the WAL's write lock, the next group waits; with
  // SQLite's sleeps (1, 2, 5, 10 ... ms) it overslept the release.
  poll_when_busy(db);
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
inline int64_t max_activity(sqlite3* db) {
  Stmt q(db, "SELECT max(activity) FROM tickets WHERE status = ?1");
  int64_t m = 0;
  for (const char* s : kTicketStatuses) {
    q.bind(1, s);
    if (q.step()) m = std::max(m, q.int64(0));
    q.reset();
  }
  return m;
}

struct TicketStore::Impl {
  explicit Impl(const StoreOptions& o)
      : options(o),
        db(open_db(database_path(o.data_dir), false)),
        ready(configure_and_migrate(db.get(), o)),
        attachments(AttachmentStore::of_store(o.data_dir)),
        last_activity(max_activity(db.get())) {
    // Assignment first: it touches the tickets it assigns, whose SLA clocks follow.
    hooks.before_commit = [this] {
      int64_t now = options.now();
      routing.before_commit(now);
      sla.before_commit(now);
      if (!text_deferred) text_index.catch_up(INT64_MAX);  // last: the hooks above may add rows
    };
    // Taken out at once, so the next transaction starts clean; handed to the server when the
    // commit is durable (at once, unless StoreWriter syncs the WAL itself: deliver_notices).
    hooks.after_commit = [this] {
      std::function<void()> taken[] = {sla.committed(), surveys.committed(), routing.committed()};
      for (auto& notices : taken)
        if (notices) deliver_notices(std::move(notices));
    };
    hooks.rolled_back = [this] {
      sla.rolled_back();
      surveys.rolled_back();
      routing.rolled_back();
    };
  }

  StoreOptions options;
  std::function<void(std::function<void()>)> deliver_notices = [](std::function<void()> f) { f(); };
  DbHandle db;
  bool ready;  // the schema exists before the statements below are prepared
  TransactionStatements tx_statements{h()};
  AttachmentStore attachments;
  CommitHooks hooks;  // what the end of the outermost transaction runs
  TextIndexes text_index{h()};  // bodies and subjects: at every COMMIT, or in batches (deferred)
  bool text_deferred = false;
  SlaStore sla{h(), nullptr, nullptr};  // every touched ticket's clock, at COMMIT
  SurveyStore surveys{h()};             // scheduled at solve, decided when due
  RoutingStore routing{h(), [this](int64_t ticket, int64_t now) { touch(ticket, now); }};
  sqlite3* h() { return db.get(); }

  // Prepared once, reused for every call.
  Stmt find_dup{h(), "SELECT id, ticket_id, channel_name, external_id FROM messages "
                     "WHERE dedup_key = ?1"};
  Stmt ticket_customer{h(), "SELECT customer_id FROM tickets WHERE id = ?1"};
  Stmt chat_seq{h(), "SELECT seq FROM chat_lines WHERE message_id = ?1"};  // each web chat ack
  Stmt find_identity{h(), "SELECT customer_id FROM identities WHERE type = ?1 AND address = ?2"};
  Stmt insert_customer{h(), "INSERT INTO customers(name, created_at, updated_at) "
                            "VALUES (?1, ?2, ?2) RETURNING id"};
  Stmt customer_name{h(), "SELECT name FROM customers WHERE id = ?1"};
  Stmt set_customer_name{h(), "UPDATE customers SET name = ?2, updated_at = ?3 WHERE id = ?1"};
  // The language a channel stated, kept when it changes (the latest says best what they read).
  Stmt set_customer_language{h(), "UPDATE customers SET language = ?2 WHERE id = ?1 AND language IS NOT ?2"};
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
  // A solved or closed ticket has nobody waiting on it.
  Stmt set_status_stmt{h(),
                       "UPDATE tickets SET status = ?2, updated_at = ?3, solved_at = CASE "
                       "WHEN ?2 = 'solved' THEN ?3 WHEN ?2 = 'closed' THEN solved_at ELSE NULL "
                       "END, waiting_since = CASE WHEN ?2 IN ('solved', 'closed') THEN NULL "
                       "ELSE waiting_since END WHERE id = ?1"};
  Stmt set_waiting{h(), "UPDATE tickets SET waiting_since = coalesce(waiting_since, ?2) WHERE id = ?1"};
  Stmt ticket_state_stmt{h(), "SELECT status, assignee_id, group_id, first_response_at, "
                              "channel_type, channel_name FROM tickets WHERE id = ?1"};
  Stmt count_status{h(), "UPDATE status_counts SET n = n + ?2 WHERE status = ?1"};
  Stmt insert_message{h(),
                      "INSERT INTO messages(ticket_id, direction, author, body, html, "
                      "channel_type, channel_name, external_id, dedup_key, sent_at, created_at, "
                      "raw_sha256, full_body, thread_rule, automatic) "
                      "VALUES (?1, 'in', 'customer', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                      "?12, ?13) RETURNING id"};
  Stmt unindex_subject{h(), "INSERT INTO subject_search(subject_search, rowid, subject) "
                            "VALUES ('delete', ?1, ?2)"};
  Stmt index_subject{h(), "INSERT INTO subject_search(rowid, subject) VALUES (?1, ?2)"};
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
    surveys.status_changed(ticket_id, from, to, now);
    bool was_open = from != "solved" && from != "closed", is_open = to != "solved" && to != "closed";
    if (was_open && !is_open) routing.slot_freed();
    if (!was_open && is_open) routing.mark(ticket_id);  // reopened: it needs an agent if it has none
    count(from, -1);
    count(to, 1);
    event({.ticket_id = ticket_id, .type = "ticket.status_changed", .actor_type = actor_type,
           .actor_id = actor_id, .old_value = from, .new_value = to},
          now);
  }

  // The last activity value handed out; a rolled-back savepoint leaves a gap, never a repeat.
  int64_t last_activity = 0;
  int64_t next_activity() { return ++last_activity; }
  // Every change to a ticket passes here, so its SLA clock is computed again at COMMIT.
  void touch(int64_t ticket_id, int64_t now, bool customer_message = false) {
    touch_ticket.bind(1, ticket_id).bind(2, now).bind(3, next_activity()).run();
    if (customer_message)
      sla.mark_customer_message(ticket_id);
    else
      sla.mark(ticket_id);
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

  // Mail threading (storage/ticket_store_mail_threading.cpp): the ticket of a message we
  // stored under a Message-ID on this channel; of a mail we sent from another channel under
  // one of our own ids; and where an inbound mail goes.
  std::optional<int64_t> ticket_of_message_id(const std::string& channel, const std::string& id);
  std::optional<int64_t> ticket_of_our_mail(const std::string& id);
  struct EmailThread {
    std::optional<int64_t> ticket;  // where it goes; none: a new ticket
    std::string status;             // of that ticket
    std::string rule;               // in-reply-to, references, subject, bounce, new
    std::optional<int64_t> follow_up_of;  // a closed ticket it answers: the new one links it
  };
  EmailThread thread_email(const InboundContact& c);

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
    if (!c.language.empty()) set_customer_language.bind(1, *customer).bind(2, c.language).run();
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
    Tx tx(h(), hooks, tx_statements);  // before the dedup read, so no other writer can slip in between
    if (auto dup = find_duplicate(c.channel_name, c.external_id, key)) return *dup;

    // Bytes first, row second: a committed row never names a file a crash lost.
    std::vector<std::string> hashes = store_files(c.attachments);

    Recorded r;
    r.customer_id = resolve_customer(c, now);
    std::string thread;
    std::optional<std::string> status;
    std::optional<int64_t> follow_up_of;
    bool automatic = c.email && !c.email->automatic.empty();
    bool survey_answer = false;
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
      // An answer to the survey of this conversation belongs to the surveyed ticket and never
      // reopens it; anything else is an ordinary contact.
      if (auto surveyed = surveys.take_reply(c.channel_name, thread, c.text, now)) {
        r.ticket_id = *surveyed;
        survey_answer = true;
      } else {
        status = open_ticket_of_thread(c.channel_name, thread, r.ticket_id);
      }
    }
    if (survey_answer) {
      // The message joins the ticket as it is: no status change, nobody waits for a reply.
    } else if (!status) {
      StmtUse q(insert_ticket);
      q->bind(1, c.subject).bind(2, c.channel_type).bind(3, c.channel_name).bind(4, thread);
      q->bind(5, r.customer_id).bind(6, now).bind(7, next_activity());
      q->step();
      r.ticket_id = q->int64(0);
      r.ticket_created = true;
      sla.mark(r.ticket_id);
      routing.mark(r.ticket_id);
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
      touch(r.ticket_id, now, /*customer_message=*/true);
    }

    std::optional<std::string> raw_sha256, full_body, rule, why_automatic;
    if (c.email) {
      raw_sha256 = store_file(c.email->raw, c.email->raw_sha256);
      if (c.email->full_text != c.text) full_body = c.email->full_text;
      rule = r.thread_rule;
      if (automatic) why_automatic = c.email->automatic;
    }
    if (survey_answer) why_automatic = "survey";  // no SLA metric starts or ends on it
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
    if (!automatic && !survey_answer) set_waiting.bind(1, r.ticket_id).bind(2, now).run();
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

}  // namespace touchpoint::storage
