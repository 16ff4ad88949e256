// Tickets: status and field changes, merges, agent replies and notes, delivery outcomes.
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

Status TicketStore::set_status(int64_t ticket_id, const std::string& status,
                               std::optional<int64_t> actor_agent_id) {
  return guarded([&]() -> Status {
    if (!is_ticket_status(status)) return Error{Errc::unprocessable, "unknown status " + status};
    auto& d = *impl_;
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
      if (t->assignee) d.routing.slot_freed();
    }
    if (p.group && *p.group != t->group) {
      const auto& to = *p.group;
      if (to && !exists("SELECT 1 FROM groups WHERE id = ?1", *to))
        return Error{Errc::unprocessable, "no group " + std::to_string(*to)};
      Stmt u(d.h(), "UPDATE tickets SET group_id = ?2 WHERE id = ?1");
      u.bind(1, ticket_id).bind(2, to).run();
      field_event("ticket.group_changed", id_text(t->group), id_text(to));
      d.routing.mark(ticket_id);  // an unassigned ticket now waits for this group's members
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
      // An indexed subject is replaced in the index at once (renames are rare); a ticket past
      // the cursor is not in it yet, and its next batch reads whatever the subject then is.
      if (d.text_index.subjects.covers(ticket_id)) {
        Stmt old(d.h(), "SELECT subject FROM tickets WHERE id = ?1");
        old.bind(1, ticket_id);
        old.step();
        d.unindex_subject.bind(1, ticket_id).bind(2, old.text(0)).run();
        d.index_subject.bind(1, ticket_id).bind(2, *p.subject).run();
      }
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


Status TicketStore::merge_tickets(int64_t source, int64_t target, int64_t actor) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    if (source == target) return Error{Errc::unprocessable, "a ticket cannot be merged into itself"};
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    d.surveys.merged(source, now);  // its conversation lives on in target: no survey of its own
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    if (!m.internal && m.seen_message_id && !m.force) {
      // Two agents answering one customer at once: the later one hears who replied first.
      Stmt q(d.h(), "SELECT m.author_agent_id, a.name FROM messages m JOIN agents a ON a.id = m.author_agent_id "
                    "WHERE m.ticket_id = ?1 AND m.id > ?2 AND m.direction = 'out' AND m.author = 'agent' "
                    "AND m.internal = 0 AND m.author_agent_id <> ?3 ORDER BY m.id DESC LIMIT 1");
      q.bind(1, ticket_id).bind(2, *m.seen_message_id).bind(3, agent_id);
      if (q.step()) {
        MessageCreated r;
        r.ticket_id = ticket_id;
        r.collided_with_agent = q.int64(0);
        r.collided_with_name = q.text(1);
        return r;
      }
    }
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
      Stmt answered(d.h(), "UPDATE tickets SET waiting_since = NULL WHERE id = ?1");
      answered.bind(1, ticket_id).run();
      if (t->status == "new") d.change_status(ticket_id, "new", "open", "agent", agent_id, now);
    }
    d.touch(ticket_id, now);
    if (m.macro_id) {  // the canned reply's actions, in this reply's transaction
      Stmt q(d.h(), "SELECT actions FROM macros WHERE id = ?1 AND (owner_agent_id IS NULL OR "
                    "owner_agent_id = ?2)");
      q.bind(1, *m.macro_id).bind(2, agent_id);
      if (!q.step()) return Error{Errc::unprocessable, "no macro " + std::to_string(*m.macro_id)};
      auto actions = protocol::decode_macro_actions(q.text(0));
      q.reset();
      if (!actions.empty())
        if (auto s = update_ticket(ticket_id, protocol::macro_patch(actions), agent_id, false); !s)
          return s.error();
    }
    if (tx.outer()) d.sync_files();
    tx.commit();
    return r;
  });
}


Status TicketStore::record_delivery(int64_t outbox_id, const DeliveryOutcome& o,
                                    int64_t next_attempt_at) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.hooks, d.tx_statements);
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

}  // namespace touchpoint::storage
