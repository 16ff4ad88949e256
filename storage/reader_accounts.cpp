// TicketReader: agents, groups, tokens and authentication.
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {

Result<std::optional<AgentRow>> TicketReader::agent_by_email(const std::string& email) {
  return guarded([&]() -> Result<std::optional<AgentRow>> {
    StmtUse q(impl_->agent);
    q->bind(1, email);
    if (!q->step()) return std::optional<AgentRow>{};
    return std::optional<AgentRow>{
        AgentRow{q->int64(0), q->text(1), q->text(2), q->text(3), q->text(4), q->int64(5) != 0}};
  });
}

Result<std::vector<AgentRow>> TicketReader::agents() {
  return guarded([&]() -> Result<std::vector<AgentRow>> {
    Stmt q(impl_->h(), "SELECT a.id, a.email, a.name, a.role, a.active, coalesce(c.n, 0) FROM agents a "
                       "LEFT JOIN queue_counts c ON c.dim = 'assignee' AND c.key = CAST(a.id AS TEXT) "
                       "ORDER BY a.id");
    std::vector<AgentRow> out;
    while (q.step())
      out.push_back(AgentRow{q.int64(0), q.text(1), q.text(2), q.text(3), "", q.int64(4) != 0, q.int64(5)});
    return out;
  });
}

Result<std::vector<GroupRow>> TicketReader::groups() {
  return guarded([&]() -> Result<std::vector<GroupRow>> {
    Stmt q(impl_->h(), "SELECT id, name FROM groups ORDER BY name");
    std::vector<GroupRow> out;
    while (q.step()) out.push_back(GroupRow{q.int64(0), q.text(1)});
    Stmt m(impl_->h(), "SELECT agent_id FROM group_members WHERE group_id = ?1 ORDER BY agent_id");
    for (auto& g : out) {
      m.bind(1, g.id);
      while (m.step()) g.members.push_back(m.int64(0));
      m.reset();
    }
    return out;
  });
}

Result<std::vector<TokenRow>> TicketReader::tokens() {
  return guarded([&]() -> Result<std::vector<TokenRow>> {
    Stmt q(impl_->h(), "SELECT id, agent_id, kind, role, name, created_at, expires_at, revoked_at "
                       "FROM auth_tokens WHERE kind = 'api' ORDER BY id");
    std::vector<TokenRow> out;
    while (q.step())
      out.push_back(TokenRow{q.int64(0), q.int64(1), q.text(2), q.text(3), q.text(4), q.int64(5),
                             q.opt_int64(6), q.opt_int64(7)});
    return out;
  });
}

Result<std::optional<Principal>> TicketReader::authenticate(const std::string& token_hash,
                                                           int64_t now) {
  return guarded([&]() -> Result<std::optional<Principal>> {
    StmtUse q(impl_->token);
    q->bind(1, token_hash).bind(2, now);
    if (!q->step()) return std::optional<Principal>{};
    return std::optional<Principal>{Principal{q->int64(0), q->text(1), q->text(2), q->text(3)}};
  });
}

}  // namespace touchpoint::storage
