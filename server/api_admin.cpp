// Supervisors and admins: queue statistics, groups, agents, channels, tokens.
#include "server/api_call.hpp"

#include "protocol/agent_api.hpp"
#include "server/passwords.hpp"

namespace touchpoint::server::api {
namespace {

void list_agents_of(const CallPtr& c) {
  read<std::vector<AgentRow>>(
      c, [](storage::TicketReader& r) { return r.agents(); },
      [c](std::vector<AgentRow> a) {
        for (auto& agent : a) agent.presence = Presence::name(c->app.presence.status(agent.id));
        c->respond(json(200, protocol::encode_agents(a)));
      });
}

}  // namespace

void list_groups(const CallPtr& c) {
  read<std::vector<GroupRow>>(
      c, [](storage::TicketReader& r) { return r.groups(); },
      [c](std::vector<GroupRow> g) { c->respond(json(200, protocol::encode_groups(g))); });
}

void create_group(const CallPtr& c) {
  auto name = protocol::parse_group_name(c->req.body);
  if (!name) return c->respond(error_response(name.error()));
  write<int64_t>(
      c, [n = name.value()](storage::TicketStore& s) { return s.add_group(n); },
      [c, n = name.value()](int64_t id) {
        c->respond(json(201, protocol::encode_group({id, n})));
      });
}

void rename_group(const CallPtr& c) {
  auto name = protocol::parse_group_name(c->req.body);
  if (!name) return c->respond(error_response(name.error()));
  write<Unit>(
      c, [id = c->ids[0], n = name.value()](storage::TicketStore& s) { return s.rename_group(id, n); },
      [c, n = name.value()](Unit) {
        c->respond(json(200, protocol::encode_group({c->ids[0], n})));
      });
}

void delete_group(const CallPtr& c) {
  write<Unit>(
      c, [id = c->ids[0], actor = c->who.agent_id](storage::TicketStore& s) { return s.delete_group(id, actor); },
      [c](Unit) { c->respond(json(200, R"({"status":"deleted"})")); });
}

void update_agent(const CallPtr& c) {
  auto u = protocol::parse_agent_update(c->req.body);
  if (!u) return c->respond(error_response(u.error()));
  int64_t id = c->ids[0];
  write<Unit>(
      c, [id, u = u.value()](storage::TicketStore& s) { return s.update_agent(id, u.role, u.active); },
      [c](Unit) { list_agents_of(c); });
}

void list_channels(const CallPtr& c) {
  // Channels come from the config file; secrets never leave it.
  std::vector<std::pair<std::string, std::string>> channels;
  for (const auto& ch : c->app.config.channels) channels.emplace_back(ch.type, ch.name);
  c->respond(json(200, protocol::encode_channels(channels)));
}

void list_agents(const CallPtr& c) { list_agents_of(c); }

void create_agent(const CallPtr& c) {
  auto a = protocol::parse_new_agent(c->req.body);
  if (!a) return c->respond(error_response(a.error()));
  // argon2id is slow on purpose: hash on the reader pool, never on an I/O thread.
  read<std::string>(
      c, [pw = a->password](storage::TicketReader&) -> Result<std::string> { return hash_password(pw); },
      [c, a = a.value()](std::string hash) {
        write<int64_t>(
            c,
            [a, hash](storage::TicketStore& s) {
              return s.add_agent({a.email, a.name, a.role, hash});
            },
            [c, a](int64_t id) {
              c->respond(json(201, protocol::encode_agent({id, a.email, a.name, a.role})));
            });
      });
}

void list_tokens(const CallPtr& c) {
  read<std::vector<TokenRow>>(
      c, [](storage::TicketReader& r) { return r.tokens(); },
      [c](std::vector<TokenRow> t) { c->respond(json(200, protocol::encode_tokens(t))); });
}

void create_token(const CallPtr& c) {
  auto t = protocol::parse_new_token(c->req.body);
  if (!t) return c->respond(error_response(t.error()));
  std::string token = random_secret(32);
  write<int64_t>(
      c,
      [t = t.value(), hash = token_hash(token)](storage::TicketStore& s) {
        return s.create_token({hash, t.agent_id, "api", t.role, t.name, t.expires_at});
      },
      [c, token](int64_t id) { c->respond(json(201, protocol::encode_token_created(id, token))); });
}

void revoke_token(const CallPtr& c) {
  write<Unit>(
      c, [id = c->ids[0]](storage::TicketStore& s) { return s.revoke_token_id(id); },
      [c](Unit) { c->respond(json(200, R"({"status":"revoked"})")); });
}
}  // namespace touchpoint::server::api
