// /api/v1/macros: canned replies, shared (an admin's) or an agent's own, and rendering one for
// a ticket's composer.
#include "protocol/macros.hpp"
#include "server/api_call.hpp"
#include "server/auth.hpp"

namespace touchpoint::server::api {
namespace {
bool is_admin(const CallPtr& c) { return role_allows(c->who.role, "admin"); }

std::string first_word(const std::string& name) { return name.substr(0, name.find(' ')); }
}  // namespace

void list_macros(const CallPtr& c) {
  read<std::vector<protocol::Macro>>(
      c, [agent = c->who.agent_id](storage::TicketReader& r) { return r.macros(agent); },
      [c](std::vector<protocol::Macro> m) { c->respond(json(200, protocol::encode_macros(m))); });
}

void create_macro(const CallPtr& c) {
  auto in = protocol::parse_macro(c->req.body, true);
  if (!in) return c->respond(error_response(in.error()));
  std::optional<int64_t> owner;
  if (!is_admin(c)) owner = c->who.agent_id;  // an admin's macro is everyone's
  write<protocol::Macro>(
      c, [owner, m = in.value()](storage::TicketStore& s) { return s.create_macro(owner, m); },
      [c](protocol::Macro m) { c->respond(json(201, protocol::encode_macro(m))); });
}

void update_macro(const CallPtr& c) {
  auto in = protocol::parse_macro(c->req.body, false);
  if (!in) return c->respond(error_response(in.error()));
  write<protocol::Macro>(
      c,
      [id = c->ids[0], actor = c->who.agent_id, admin = is_admin(c), m = in.value()](storage::TicketStore& s) {
        return s.update_macro(id, actor, admin, m);
      },
      [c](protocol::Macro m) { c->respond(json(200, protocol::encode_macro(m))); });
}

void delete_macro(const CallPtr& c) {
  write<Unit>(
      c,
      [id = c->ids[0], actor = c->who.agent_id, admin = is_admin(c)](storage::TicketStore& s) {
        return s.delete_macro(id, actor, admin);
      },
      [c](Unit) { c->respond(json(200, R"({"status":"deleted"})")); });
}

// POST /api/v1/tickets/{id}/macros/{macro_id}/render → {"body"} with the values filled in.
void render_macro(const CallPtr& c) {
  struct Facts {
    protocol::Macro macro;
    TicketView ticket;
    CustomerView customer;
  };
  read<Facts>(
      c,
      [ticket = c->ids[0], id = c->ids[1], agent = c->who.agent_id](storage::TicketReader& r) -> Result<Facts> {
        auto m = r.macro(id, agent);
        if (!m) return m.error();
        auto t = r.ticket(ticket);
        if (!t) return t.error();
        auto cu = r.customer(t->ticket.customer_id);
        if (!cu) return cu.error();
        return Facts{std::move(m).value(), std::move(t).value(), std::move(cu).value()};
      },
      [c](Facts f) {
        std::map<std::string, std::string> values = {
            {"customer.name", f.customer.name},
            {"customer.first_name", first_word(f.customer.name)},
            {"agent.name", c->who.name},
            {"ticket.id", std::to_string(f.ticket.ticket.id)},
            {"ticket.subject", f.ticket.ticket.subject},
        };
        std::string body = protocol::render_macro(f.macro.body, values);
        c->respond(json(200, protocol::encode_rendered_macro(body)));
      });
}

}  // namespace touchpoint::server::api
