// Canned replies: TicketReader's reads of the macros an agent sees.
#include "storage/sqlite.hpp"
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {
namespace {
protocol::Macro macro_row(const Stmt& q) {
  return protocol::Macro{q.int64(0), q.opt_int64(1), q.text(2), q.text(3),
                         protocol::decode_macro_actions(q.text(4))};
}
}  // namespace

Result<std::vector<protocol::Macro>> TicketReader::macros(int64_t agent_id) {
  return guarded([&]() -> Result<std::vector<protocol::Macro>> {
    Stmt& q = cached("SELECT id, owner_agent_id, name, body, actions FROM macros "
                     "WHERE owner_agent_id IS NULL OR owner_agent_id = ?1 ORDER BY name, id");
    StmtUse use(q);
    q.bind(1, agent_id);
    std::vector<protocol::Macro> out;
    while (q.step()) out.push_back(macro_row(q));
    return out;
  });
}

Result<protocol::Macro> TicketReader::macro(int64_t id, int64_t agent_id) {
  return guarded([&]() -> Result<protocol::Macro> {
    Stmt& q = cached("SELECT id, owner_agent_id, name, body, actions FROM macros WHERE id = ?1 "
                     "AND (owner_agent_id IS NULL OR owner_agent_id = ?2)");
    StmtUse use(q);
    q.bind(1, id).bind(2, agent_id);
    if (!q.step()) return Error{Errc::not_found, "no macro " + std::to_string(id)};
    return macro_row(q);
  });
}

}  // namespace touchpoint::storage
