// TicketStore's canned replies: create, change, delete (the reply that uses one applies its
// actions in add_agent_message).
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {
namespace {

std::optional<protocol::Macro> load(sqlite3* db, int64_t id) {
  Stmt q(db, "SELECT id, owner_agent_id, name, body, actions FROM macros WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return protocol::Macro{q.int64(0), q.opt_int64(1), q.text(2), q.text(3),
                         protocol::decode_macro_actions(q.text(4))};
}

// A shared macro is changed by admins only; a personal one by its owner only.
Status may_change(const std::optional<protocol::Macro>& m, int64_t id, int64_t actor, bool admin) {
  if (!m || (m->owner && *m->owner != actor)) return Error{Errc::not_found, "no macro " + std::to_string(id)};
  if (!m->owner && !admin) return Error{Errc::forbidden, "only admins change shared macros"};
  return ok();
}

}  // namespace

Result<protocol::Macro> TicketStore::create_macro(std::optional<int64_t> owner, const protocol::MacroInput& in) {
  return guarded([&]() -> Result<protocol::Macro> {
    auto& d = *impl_;
    int64_t now = d.options.now();
    Tx tx(d.h(), d.hooks, d.tx_statements);
    protocol::MacroActions actions = in.actions.value_or(protocol::MacroActions{});
    Stmt q(d.h(), "INSERT INTO macros(owner_agent_id, name, body, actions, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id");
    q.bind(1, owner).bind(2, in.name.value_or("")).bind(3, in.body.value_or(""));
    q.bind(4, protocol::encode_macro_actions(actions)).bind(5, now);
    q.step();
    protocol::Macro m{q.int64(0), owner, in.name.value_or(""), in.body.value_or(""), actions};
    q.reset();
    tx.commit();
    return m;
  });
}

Result<protocol::Macro> TicketStore::update_macro(int64_t id, int64_t actor, bool admin,
                                                  const protocol::MacroInput& in) {
  return guarded([&]() -> Result<protocol::Macro> {
    auto& d = *impl_;
    Tx tx(d.h(), d.hooks, d.tx_statements);
    auto m = load(d.h(), id);
    if (auto s = may_change(m, id, actor, admin); !s) return s.error();
    if (in.name) m->name = *in.name;
    if (in.body) m->body = *in.body;
    if (in.actions) m->actions = *in.actions;
    Stmt u(d.h(), "UPDATE macros SET name = ?2, body = ?3, actions = ?4, updated_at = ?5 WHERE id = ?1");
    u.bind(1, id).bind(2, m->name).bind(3, m->body).bind(4, protocol::encode_macro_actions(m->actions));
    u.bind(5, d.options.now()).run();
    tx.commit();
    return *m;
  });
}

Status TicketStore::delete_macro(int64_t id, int64_t actor, bool admin) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    Tx tx(d.h(), d.hooks, d.tx_statements);
    if (auto s = may_change(load(d.h(), id), id, actor, admin); !s) return s;
    Stmt del(d.h(), "DELETE FROM macros WHERE id = ?1");
    del.bind(1, id).run();
    tx.commit();
    return ok();
  });
}

}  // namespace touchpoint::storage
