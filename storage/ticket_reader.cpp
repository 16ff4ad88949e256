#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {

Result<TicketReader> TicketReader::open(const std::string& data_dir) {
  return guarded([&]() -> Result<TicketReader> {
    return TicketReader(std::make_unique<Impl>(data_dir));
  });
}

Stmt& TicketReader::cached(const std::string& sql) { return impl_->list_stmt(sql); }
sqlite3* TicketReader::connection() { return impl_->h(); }

void TicketReader::use_sla(std::shared_ptr<const protocol::SlaPolicies> policies, Clock now) {
  impl_->sla = std::move(policies);
  impl_->now = std::move(now);
}

TicketReader::TicketReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TicketReader::TicketReader(TicketReader&&) noexcept = default;
TicketReader& TicketReader::operator=(TicketReader&&) noexcept = default;
TicketReader::~TicketReader() = default;

Result<std::vector<TicketRow>> TicketReader::queue(const QueueQuery& query) {
  return guarded([&]() -> Result<std::vector<TicketRow>> {
    Stmt& s = query.after ? impl_->queue_after : impl_->queue_first;
    StmtUse q(s);
    q->bind(1, query.status).bind(2, static_cast<int64_t>(query.limit));
    if (query.after) q->bind(3, query.after->activity);
    std::vector<TicketRow> out;
    while (q->step()) out.push_back(ticket_row(s));
    for (auto& t : out) impl_->complete(t);
    return out;
  });
}

Result<std::vector<TicketRow>> TicketReader::list(const TicketFilter& f) {
  return guarded([&]() -> Result<std::vector<TicketRow>> {
    std::vector<std::string> statuses = f.statuses;
    if (statuses.empty()) statuses = {"new", "open", "pending", "on_hold", "solved"};
    // Fixed fragments only; every value is bound.
    // Fixed fragments only; every value is bound. A status queue is read through its index in
    // sort order; the SLA queues through the flag index (flag, activity), which holds only
    // flagged tickets, so both seek instead of sorting.
    std::string sql = std::string("SELECT ") + kTicketColumns;
    if (f.sla) {
      // CROSS JOIN keeps the flag index outermost; "flag <> 'ok'" lets the planner use that
      // partial index with a bound flag (it cannot prove ?3 <> 'ok' on its own).
      sql += " FROM ticket_sla f CROSS JOIN tickets ON tickets.id = f.ticket_id WHERE f.flag = ?3"
             " AND f.flag <> 'ok' AND tickets.status IN (SELECT value FROM json_each(?1))";
      if (f.after) sql += " AND f.activity < ?2";
    } else {
      sql += " FROM tickets WHERE tickets.status = ?1";
      if (f.after) sql += " AND tickets.activity < ?2";
    }
    if (f.priority) sql += " AND tickets.priority = ?4";
    if (f.channel_type) sql += " AND tickets.channel_type = ?5";
    if (f.assignee) sql += " AND tickets.assignee_id = ?6";
    if (f.unassigned) sql += " AND tickets.assignee_id IS NULL";
    if (f.group) sql += " AND tickets.group_id = ?7";
    if (f.customer_id) sql += " AND tickets.customer_id = ?8";
    sql += f.sla ? " ORDER BY f.activity DESC LIMIT ?9" : " ORDER BY tickets.activity DESC LIMIT ?9";
    Stmt& s = impl_->list_stmt(sql);
    ReadSnapshot snapshot(impl_->h());  // one committed state across the reads below
    std::vector<TicketRow> out;
    std::vector<std::string> passes = statuses;
    if (f.sla) {  // one pass over the flag index, every status at once
      std::string list = "[";
      for (const auto& st : statuses) list += (list.size() > 1 ? ",\"" : "\"") + st + "\"";
      passes = {list + "]"};
    }
    for (const auto& status : passes) {
      StmtUse q(s);
      q->bind(1, status).bind(9, static_cast<int64_t>(f.limit));
      if (f.after) q->bind(2, f.after->activity);
      if (f.sla) q->bind(3, *f.sla);
      if (f.priority) q->bind(4, *f.priority);
      if (f.channel_type) q->bind(5, *f.channel_type);
      if (f.assignee) q->bind(6, *f.assignee);
      if (f.group) q->bind(7, *f.group);
      if (f.customer_id) q->bind(8, *f.customer_id);
      while (q->step()) out.push_back(ticket_row(s));
    }
    std::sort(out.begin(), out.end(), [](const TicketRow& a, const TicketRow& b) {
      return a.activity > b.activity;
    });
    if (out.size() > f.limit) out.resize(f.limit);
    for (auto& t : out) impl_->complete(t);
    return out;
  });
}

namespace {
bool passes(const TicketFilter& f, const TicketRow& t) {
  if (f.statuses.empty() ? t.status == "closed"
                         : std::find(f.statuses.begin(), f.statuses.end(), t.status) ==
                               f.statuses.end())
    return false;
  if (f.priority && t.priority != *f.priority) return false;
  if (f.channel_type && t.channel_type != *f.channel_type) return false;
  if (f.assignee && t.assignee_id != f.assignee) return false;
  if (f.unassigned && t.assignee_id) return false;
  if (f.group && t.group_id != f.group) return false;
  if (f.customer_id && t.customer_id != *f.customer_id) return false;
  return true;
}
constexpr int64_t kSearchBatch = 200;
constexpr int kSearchMaxBatches = 10;  // at most 2,000 matches looked at per call
}  // namespace

Result<TicketReader::SearchPage> TicketReader::search(const TicketFilter& f,
                                                      const std::string& fts,
                                                      std::optional<int64_t> before_message) {
  return guarded([&]() -> Result<SearchPage> {
    ReadSnapshot snapshot(impl_->h());  // one committed state across the reads below
    SearchPage page;
    std::set<int64_t> seen;
    auto consider = [&](int64_t ticket_id) {
      if (!seen.insert(ticket_id).second) return;
      StmtUse q(impl_->ticket_by_id);
      q->bind(1, ticket_id);
      if (!q->step()) return;
      TicketRow t = ticket_row(impl_->ticket_by_id);
      if (!passes(f, t)) return;
      if (f.sla) {  // the stored flag, as the sla= queues read it
        Stmt& flag = cached("SELECT 1 FROM ticket_sla WHERE ticket_id = ?1 AND flag = ?2");
        StmtUse use(flag);
        flag.bind(1, ticket_id).bind(2, *f.sla);
        if (!flag.step()) return;
      }
      page.tickets.push_back(std::move(t));
    };
    if (!before_message) {
      StmtUse q(impl_->subject_matches);
      q->bind(1, fts).bind(2, static_cast<int64_t>(f.limit));
      std::vector<int64_t> ids;
      while (q->step()) ids.push_back(q->int64(0));
      for (auto id : ids)
        if (page.tickets.size() < f.limit) consider(id);
    }
    int64_t before = before_message.value_or(INT64_MAX);
    bool exhausted = false;
    for (int batch = 0; batch < kSearchMaxBatches && page.tickets.size() < f.limit; ++batch) {
      std::vector<std::pair<int64_t, int64_t>> hits;  // message, ticket
      {
        StmtUse q(impl_->message_matches);
        q->bind(1, fts).bind(2, before).bind(3, kSearchBatch);
        while (q->step()) hits.emplace_back(q->int64(0), q->int64(1));
      }
      for (auto [message, ticket] : hits) {
        before = message;
        consider(ticket);
        if (page.tickets.size() >= f.limit) break;
      }
      if (static_cast<int64_t>(hits.size()) < kSearchBatch && page.tickets.size() < f.limit) {
        exhausted = true;  // every match looked at
        break;
      }
    }
    if (!exhausted) page.next_before = before;
    page.text_index_behind = impl_->text_index.lag() > 0;
    for (auto& t : page.tickets) impl_->complete(t);
    return page;
  });
}

Result<TicketView> TicketReader::ticket(int64_t id) {
  return guarded([&]() -> Result<TicketView> {
    // One read transaction: the ticket, its messages and events are one snapshot.
    ReadSnapshot snapshot(impl_->h());  // one committed state across the reads below
    TicketView v;
    {
      StmtUse q(impl_->ticket_by_id);
      q->bind(1, id);
      if (!q->step()) return Error{Errc::not_found, "no ticket " + std::to_string(id)};
      v.ticket = ticket_row(impl_->ticket_by_id);
    }
    impl_->complete(v.ticket);
    {
      StmtUse q(impl_->messages);
      q->bind(1, id);
      while (q->step()) {
        MessageRow m;
        m.id = q->int64(0);
        m.ticket_id = q->int64(1);
        m.direction = q->text(2);
        m.author = q->text(3);
        m.internal = q->int64(4) != 0;
        m.body = q->text(5);
        m.html = q->opt_text(6);
        m.channel_type = q->text(7);
        m.channel_name = q->text(8);
        m.external_id = q->opt_text(9);
        m.delivery_status = q->opt_text(10);
        m.delivery_error = q->opt_text(11);
        m.sent_at = q->opt_int64(12);
        m.created_at = q->int64(13);
        m.send_options = q->opt_text(14);
        m.full_body = q->opt_text(15);
        m.thread_rule = q->opt_text(16);
        m.automatic = q->opt_text(17);
        m.raw_sha256 = q->opt_text(18);
        v.messages.push_back(std::move(m));
      }
    }
    {
      StmtUse q(impl_->attachments);
      q->bind(1, id);
      std::size_t i = 0;
      while (q->step()) {
        int64_t message_id = q->int64(1);
        while (i < v.messages.size() && v.messages[i].id != message_id) ++i;
        if (i == v.messages.size()) break;
        v.messages[i].attachments.push_back(
            {q->int64(0), q->text(2), q->text(3), q->text(5), q->int64(4)});
      }
    }
    {
      StmtUse q(impl_->events);
      q->bind(1, id);
      while (q->step()) {
        EventRow e;
        e.id = q->int64(0);
        e.ticket_id = q->opt_int64(1);
        e.customer_id = q->opt_int64(2);
        e.type = q->text(3);
        e.actor_type = q->text(4);
        e.actor_id = q->opt_int64(5);
        e.message_id = q->opt_int64(6);
        e.old_value = q->opt_text(7);
        e.new_value = q->opt_text(8);
        e.created_at = q->int64(9);
        v.events.push_back(std::move(e));
      }
    }
    return v;
  });
}

Result<CustomerView> TicketReader::customer(int64_t id) {
  return guarded([&]() -> Result<CustomerView> {
    CustomerView c;
    {
      StmtUse q(impl_->customer);
      q->bind(1, id);
      if (!q->step()) return Error{Errc::not_found, "no customer " + std::to_string(id)};
      c.id = q->int64(0);
      c.name = q->text(1);
      c.created_at = q->int64(2);
      c.merged_into = q->opt_int64(3);
      c.language = q->text(4);
    }
    StmtUse q(impl_->identities);
    q->bind(1, id);
    while (q->step()) c.identities.push_back({q->int64(2), q->text(0), q->text(1)});
    return c;
  });
}

Result<std::vector<CustomerView>> TicketReader::customers_of(const std::vector<int64_t>& ids) {
  std::vector<CustomerView> out;
  for (auto id : ids) {
    auto c = customer(id);
    if (!c) return c.error();
    out.push_back(std::move(c).value());
  }
  return out;
}

Result<StoredFile> TicketReader::with_bytes(StoredFile f) {
  auto bytes = impl_->files.get(f.sha256);
  if (!bytes) return bytes.error();
  f.bytes = std::move(bytes).value();
  return f;
}

Result<std::vector<CustomerView>> TicketReader::customers(std::optional<int64_t> before_id,
                                                        std::size_t limit) {
  std::vector<int64_t> ids;
  auto page = guarded([&]() -> Status {
    Stmt q(impl_->h(), "SELECT id FROM customers WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
    q.bind(1, before_id.value_or(INT64_MAX)).bind(2, static_cast<int64_t>(limit));
    while (q.step()) ids.push_back(q.int64(0));
    return ok();
  });
  if (!page) return page.error();
  return customers_of(ids);
}

namespace {
// An attachment's row by the query (its one parameter: the attachment's id), with its bytes.
Result<StoredFile> attachment_by(sqlite3* db, const char* sql, int64_t attachment_id,
                                 const char* missing) {
  StoredFile f;
  Stmt q(db, sql);
  q.bind(1, attachment_id);
  if (!q.step()) return Error{Errc::not_found, missing + std::to_string(attachment_id)};
  f.filename = q.text(0);
  f.content_type = q.text(1);
  f.sha256 = q.text(2);
  return f;
}
}  // namespace

Result<StoredFile> TicketReader::attachment(int64_t attachment_id) {
  auto found = guarded([&] {
    return attachment_by(impl_->h(), "SELECT filename, content_type, sha256 FROM attachments WHERE id = ?1",
                         attachment_id, "no attachment ");
  });
  if (!found) return found.error();
  return with_bytes(std::move(found).value());
}

Result<StoredFile> TicketReader::sent_attachment(int64_t attachment_id) {
  auto found = guarded([&] {
    return attachment_by(impl_->h(),
                         "SELECT a.filename, a.content_type, a.sha256 FROM attachments a "
                         "JOIN messages m ON m.id = a.message_id WHERE a.id = ?1 AND "
                         "m.direction = 'out' AND m.author = 'agent' AND m.internal = 0",
                         attachment_id, "no file of a sent reply ");
  });
  if (!found) return found.error();
  return with_bytes(std::move(found).value());
}

Result<StoredFile> TicketReader::raw_message(int64_t message_id) {
  StoredFile f;
  auto found = guarded([&]() -> Status {
    Stmt q(impl_->h(), "SELECT raw_sha256 FROM messages WHERE id = ?1 AND raw_sha256 IS NOT NULL");
    q.bind(1, message_id);
    if (!q.step()) return Error{Errc::not_found, "message " + std::to_string(message_id) + " has no raw message"};
    f.sha256 = q.text(0);
    return ok();
  });
  if (!found) return found.error();
  f.filename = "message-" + std::to_string(message_id) + ".eml";
  f.content_type = "message/rfc822";
  return with_bytes(std::move(f));
}

Result<TicketReader::NameMatches> TicketReader::customers_by_name(std::string_view q,
                                                                std::size_t limit) {
  auto match = protocol::fts_prefix_query(q);
  if (!match) return NameMatches{};
  std::vector<int64_t> ids;
  bool behind = false;
  auto found = guarded([&]() -> Status {
    ReadSnapshot snapshot(impl_->h());  // the matches and how far the index reached: one state
    Stmt s(impl_->h(), "SELECT c.id FROM customer_search f JOIN customers c ON c.id = f.rowid "
                       "WHERE customer_search MATCH ?1 AND c.merged_into IS NULL "
                       "ORDER BY f.rank, c.id DESC LIMIT ?2");
    s.bind(1, *match).bind(2, static_cast<int64_t>(limit));
    while (s.step()) ids.push_back(s.int64(0));
    behind = impl_->text_index.lag() > 0;
    return ok();
  });
  if (!found) return found.error();
  auto customers = customers_of(ids);
  if (!customers) return customers.error();
  return NameMatches{std::move(customers).value(), behind};
}

Result<std::vector<CustomerView>> TicketReader::customers_by_identity(
    const std::vector<Identity>& candidates) {
  std::vector<int64_t> ids;
  auto found = guarded([&]() -> Status {
    for (const auto& c : candidates) {
      StmtUse q(impl_->identity_owner);
      q->bind(1, c.type).bind(2, c.address);
      if (q->step() && std::find(ids.begin(), ids.end(), q->int64(0)) == ids.end())
        ids.push_back(q->int64(0));
    }
    return ok();
  });
  if (!found) return found.error();
  return customers_of(ids);
}

Result<std::map<std::string, int64_t>> TicketReader::status_counts() {
  return guarded([&]() -> Result<std::map<std::string, int64_t>> {
    std::map<std::string, int64_t> out;
    StmtUse q(impl_->counts);
    while (q->step()) out[q->text(0)] = q->int64(1);
    return out;
  });
}

}  // namespace touchpoint::storage
