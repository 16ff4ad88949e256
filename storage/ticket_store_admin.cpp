// Agents, tokens and groups.
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

Result<int64_t> TicketStore::add_agent(const NewAgent& a) {
  return guarded([&]() -> Result<int64_t> {
    if (!is_role(a.role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
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


namespace {
int role_rank(std::string_view r) { return r == "admin" ? 3 : r == "supervisor" ? 2 : r == "agent" ? 1 : 0; }
}  // namespace

Result<int64_t> TicketStore::create_token(const NewToken& t) {
  return guarded([&]() -> Result<int64_t> {
    if (!is_role(t.role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
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
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
    Stmt ev(d.h(), "INSERT INTO events(ticket_id, type, actor_type, actor_id, old_value, created_at) "
                   "SELECT id, 'ticket.group_changed', 'agent', ?2, ?1, ?3 FROM tickets "
                   "WHERE group_id = ?1");
    ev.bind(1, group_id).bind(2, actor).bind(3, now).run();
    Stmt clear(d.h(), "UPDATE tickets SET group_id = NULL WHERE group_id = ?1 RETURNING id");
    clear.bind(1, group_id);
    while (clear.step()) d.sla.mark(clear.int64(0));  // a policy may match on the group
    clear.reset();
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
    Tx tx(d.h(), d.hooks, d.tx_statements);
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
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    Stmt taken(impl_->h(), "SELECT id FROM groups WHERE name = ?1 AND id <> ?2");
    taken.bind(1, name).bind(2, group_id);
    if (taken.step()) return Error{Errc::conflict, "a group with that name exists"};
    taken.reset();
    Stmt q(impl_->h(), "UPDATE groups SET name = ?2 WHERE id = ?1 RETURNING id");
    q.bind(1, group_id).bind(2, name);
    if (!q.step()) return Error{Errc::not_found, "no group " + std::to_string(group_id)};
    q.reset();
    if (impl_->sla.enabled()) {  // policies match on the group's name
      Stmt members(impl_->h(), "SELECT id FROM tickets WHERE group_id = ?1 AND status <> 'closed'");
      members.bind(1, group_id);
      while (members.step()) impl_->sla.mark(members.int64(0));
    }
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

}  // namespace touchpoint::storage
