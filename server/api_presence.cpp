// Work distribution: an agent's presence and a group's members.
#include "protocol/agent_api.hpp"
#include "protocol/routing.hpp"
#include "server/api_call.hpp"
#include "server/viewing.hpp"

namespace touchpoint::server::api {

// PUT /api/v1/agents/me/presence {"status":"online"|"away"}.
void put_presence(const CallPtr& c) {
  auto away = protocol::parse_presence(c->req.body);
  if (!away) return c->respond(error_response(away.error()));
  auto now = c->app.presence.set_away(c->who.agent_id, away.value());
  c->respond(json(200, protocol::encode_presence(c->who.agent_id, Presence::name(now))));
}

// PUT /api/v1/groups/{id}/members {"agents":[ids]} (admin): replaces them.
void put_group_members(const CallPtr& c) {
  auto members = protocol::parse_group_members(c->req.body);
  if (!members) return c->respond(error_response(members.error()));
  write<Unit>(
      c, [id = c->ids[0], m = members.value()](storage::TicketStore& s) { return s.set_group_members(id, m); },
      [c](Unit) {
        read<std::vector<GroupRow>>(
            c, [](storage::TicketReader& r) { return r.groups(); },
            [c](std::vector<GroupRow> groups) {
              for (const auto& g : groups)
                if (g.id == c->ids[0]) return c->respond(json(200, protocol::encode_group(g)));
              c->respond(error_response({Errc::not_found, "no such group"}));
            });
      });
}

// POST /api/v1/tickets/{id}/viewing {"typing"}: repeated every 10 s while the ticket is open.
void post_viewing(const CallPtr& c) {
  auto typing = protocol::parse_viewing(c->req.body);
  if (!typing) return c->respond(error_response(typing.error()));
  if (!c->app.viewing) return c->respond(error_response({Errc::unavailable, "starting"}));
  c->app.viewing->viewing(c->ids[0], c->who.agent_id, c->who.name, typing.value());
  c->respond(json(200, R"({"viewing":true})"));
}

void delete_viewing(const CallPtr& c) {
  if (c->app.viewing) c->app.viewing->left(c->ids[0], c->who.agent_id);
  c->respond(json(200, R"({"viewing":false})"));
}

}  // namespace touchpoint::server::api
