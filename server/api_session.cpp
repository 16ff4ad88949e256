// Signing in and out: login (argon2id, limits), logout, who am I.
#include "server/api_call.hpp"

#include "protocol/agent_api.hpp"
#include "server/passwords.hpp"

namespace touchpoint::server::api {

void logout(const CallPtr& c) {
  auto hash = token_hash(*bearer_token(c->req));
  write<Unit>(
      c, [hash](storage::TicketStore& s) { return s.revoke_token(hash); },
      [c](Unit) {
        auto r = json(200, R"({"status":"logged_out"})");
        r.headers.emplace_back("Set-Cookie", session_cookie("", 0, c->app.config.public_url));
        c->respond(std::move(r));
      });
}

void me(const CallPtr& c) { c->respond(json(200, protocol::encode_agent(c->who))); }

void live_without_upgrade(const CallPtr& c) {
  c->respond(error_response({Errc::bad_request, "connect with a WebSocket (Upgrade: websocket)"}));
}

namespace {
// What an unknown email is checked against, hashed once: every login runs exactly one argon2id
// verification, so the time taken does not tell which emails have accounts.
const std::string& decoy_hash() {
  static const std::string h = hash_password(random_secret(16));
  return h;
}
}  // namespace

void login(App& app, const HttpRequest& req, const Respond& respond) {
  // A page on another site must not sign a browser in (into the attacker's account).
  if (!req.header("origin").empty() && !from_our_origin(req, app.config.public_url))
    return respond(error_response({Errc::forbidden, "sign in from Touchpoint's own pages"}));
  auto creds = protocol::parse_login(req.body);
  if (!creds) return respond(error_response(creds.error()));
  if (int64_t wait = app.login_limiter.begin(creds->email, req.remote); wait > 0) {
    auto r = error_response({Errc::too_many_requests, "too many failed logins; try again later"});
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return respond(std::move(r));
  }
  // argon2id takes tens of milliseconds: it runs on the reader pool, never an I/O thread.
  bool queued = app.readers.submit<std::optional<Principal>>(
      [creds = creds.value()](storage::TicketReader& r) -> Result<std::optional<Principal>> {
        auto agent = r.agent_by_email(creds.email);
        if (!agent) return agent.error();
        const AgentRow* a = agent.value() ? &*agent.value() : nullptr;
        bool right = verify_password(a ? a->password_hash : decoy_hash(), creds.password);
        if (!a || !a->active || !right) return std::optional<Principal>{};
        return std::optional<Principal>{Principal{a->id, a->email, a->name, a->role}};
      },
      [&app, respond, email = creds->email, remote = req.remote](
          Result<std::optional<Principal>> who) {
        if (!who) return respond(error_response(who.error()));
        if (!who.value())
          return respond(error_response({Errc::unauthorized, "wrong email or password"}));
        app.login_limiter.succeeded(email, remote);
        Principal p = *who.value();
        std::string token = random_secret(32);
        int64_t expires = app.now() + kSessionSeconds;
        bool ok = app.writer.submit<int64_t>(
            [p, hash = token_hash(token), expires](storage::TicketStore& s) {
              return s.create_token({hash, p.agent_id, "session", p.role, "console", expires});
            },
            [respond, p, token, expires, cookie = session_cookie(token, kSessionSeconds,
                                                                  app.config.public_url)](
                Result<int64_t> r) {
              if (!r) return respond(error_response(r.error()));
              auto res = json(200, protocol::encode_login(token, expires, p));
              res.headers.emplace_back("Set-Cookie", cookie);
              respond(std::move(res));
            });
        if (!ok) respond(busy());
      });
  if (!queued) respond(busy());
}

}  // namespace touchpoint::server::api
