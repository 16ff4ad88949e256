// TicketStore: opening the store, ingest (every channel's one path), and the commit group.
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

int64_t system_clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string database_path(const std::string& data_dir) { return data_dir + "/touchpoint.db"; }


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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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


Status TicketStore::ping() {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    impl_->count("new", 0);
    tx.commit();
    return ok();
  });
}

void TicketStore::atomically(const std::function<bool()>& body) {
  try {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    if (body()) tx.commit();
  } catch (const SqliteError&) {
    // A failed savepoint statement fails the whole group at COMMIT; every request then hears
    // unavailable. Nothing to add here.
  }
}

void TicketStore::use_sla(std::shared_ptr<const protocol::SlaPolicies> policies, SlaSink sink) {
  impl_->sla.use(std::move(policies), std::move(sink));
}

Result<std::optional<int64_t>> TicketStore::run_sla_deadlines(std::size_t limit) {
  return guarded([&]() -> Result<std::optional<int64_t>> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    auto next = impl_->sla.run_due(impl_->options.now(), limit);
    tx.commit();
    return next;
  });
}

Result<int64_t> TicketStore::adopt_sla_policies() {
  return guarded([&]() -> Result<int64_t> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    int64_t n = impl_->sla.adopt_policies(impl_->options.now());
    tx.commit();
    return n;
  });
}

std::string TicketStore::sync_commits_elsewhere(std::function<void(std::function<void()>)> hold) {
  exec(impl_->h(), "PRAGMA synchronous=NORMAL");
  impl_->deliver_notices = std::move(hold);
  return database_path(impl_->options.data_dir) + "-wal";
}

void TicketStore::defer_text_index() { impl_->text_deferred = true; }

Result<int64_t> TicketStore::index_text(int64_t limit) {
  return guarded([&]() -> Result<int64_t> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    impl_->text_index.catch_up(limit);
    int64_t waiting = impl_->text_index.lag();
    tx.commit();
    return waiting;
  });
}

Result<int64_t> TicketStore::text_index_lag() {
  return guarded([&]() -> Result<int64_t> { return impl_->text_index.lag(); });
}

Status TicketStore::batch(const std::function<void()>& body) {
  return guarded([&]() -> Status {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
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
