// TicketStore's work distribution: routing settings, assigning the waiting tickets, group
// members (RoutingStore does the assigning inside each transaction).
#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

void TicketStore::use_routing(protocol::RoutingSettings settings, AvailableAgents available,
                              AssignedSink sink) {
  impl_->routing.use(settings, std::move(available), std::move(sink));
}

Result<int64_t> TicketStore::assign_waiting() {
  return guarded([&]() -> Result<int64_t> {
    Tx tx(impl_->h(), impl_->hooks, impl_->tx_statements);
    int64_t n = impl_->routing.assign_waiting(impl_->options.now(), 1000);
    tx.commit();
    return n;
  });
}

Status TicketStore::set_group_members(int64_t group_id, const std::vector<int64_t>& agent_ids) {
  return guarded([&]() -> Status {
    auto& d = *impl_;
    Tx tx(d.h(), d.hooks, d.tx_statements);
    Stmt g(d.h(), "SELECT 1 FROM groups WHERE id = ?1");
    g.bind(1, group_id);
    if (!g.step()) return Error{Errc::not_found, "no group " + std::to_string(group_id)};
    g.reset();
    Stmt agent(d.h(), "SELECT 1 FROM agents WHERE id = ?1");
    for (int64_t id : agent_ids) {
      agent.bind(1, id);
      bool known = agent.step();
      agent.reset();
      if (!known) return Error{Errc::unprocessable, "no agent " + std::to_string(id)};
    }
    Stmt clear(d.h(), "DELETE FROM group_members WHERE group_id = ?1");
    clear.bind(1, group_id).run();
    Stmt add(d.h(), "INSERT OR IGNORE INTO group_members(group_id, agent_id) VALUES (?1, ?2)");
    for (int64_t id : agent_ids) add.bind(1, group_id).bind(2, id).run();
    d.routing.slot_freed();  // new members may take what waits for this group
    tx.commit();
    return ok();
  });
}

}  // namespace touchpoint::storage
