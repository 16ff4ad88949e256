// Customers: names, identities, merge and unmerge.
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

namespace {
bool customer_exists(sqlite3* db, int64_t id) {
  Stmt q(db, "SELECT 1 FROM customers WHERE id = ?1");
  q.bind(1, id);
  return q.step();
}

// A customer's journey rows and tallies follow their tickets. Only a merge and an unmerge move
// a ticket to another customer, so they move the rows here, in one pass over the customer's
// rows (schema v19 dropped the per-ticket index a trigger would need).
void move_journey_on_merge(sqlite3* db, int64_t source, int64_t target) {
  Stmt rows(db, "UPDATE journey SET customer_id = ?2 WHERE customer_id = ?1");
  rows.bind(1, source).bind(2, target).run();
  Stmt add(db, "INSERT INTO journey_tallies(customer_id, kind, channel, n, first_at, last_at) "
               "SELECT ?2, kind, channel, n, first_at, last_at FROM journey_tallies WHERE customer_id = ?1 "
               "ON CONFLICT DO UPDATE SET n = n + excluded.n, first_at = min(first_at, excluded.first_at), "
               "last_at = max(last_at, excluded.last_at)");
  add.bind(1, source).bind(2, target).run();
  Stmt drop(db, "DELETE FROM journey_tallies WHERE customer_id = ?1");
  drop.bind(1, source).run();
}

// The unmerge moves back the rows of the tickets it returns; the two customers' first and last
// contacts may change, so their tallies are counted again.
void move_journey_on_unmerge(sqlite3* db, int64_t merge_id, int64_t source, int64_t target) {
  Stmt rows(db, "UPDATE journey SET customer_id = ?2 WHERE customer_id = ?3 AND ticket_id IN "
                "(SELECT item_id FROM customer_merge_items WHERE merge_id = ?1 AND kind = 'ticket')");
  rows.bind(1, merge_id).bind(2, source).bind(3, target).run();
  Stmt drop(db, "DELETE FROM journey_tallies WHERE customer_id IN (?1, ?2)");
  drop.bind(1, source).bind(2, target).run();
  Stmt count(db, "INSERT INTO journey_tallies(customer_id, kind, channel, n, first_at, last_at) "
                 "SELECT customer_id, kind, channel, count(*), min(at), max(at) FROM journey "
                 "WHERE customer_id IN (?1, ?2) GROUP BY customer_id, kind, channel");
  count.bind(1, source).bind(2, target).run();
}
}  // namespace

Status TicketStore::rename_customer(int64_t customer_id, const std::string& name, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    move_journey_on_merge(d.h(), source, target);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    move_journey_on_unmerge(d.h(), merge_id, source, target);
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

}  // namespace touchpoint::storage
