#include "server/api_routes.hpp"

#include "server/api_call.hpp"

namespace touchpoint::server {
using namespace api;  // the handlers
namespace {

struct Route {
  ApiRouteInfo info;
  Handler handler;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> r = {
      {{"POST", "/api/v1/auth/login", ""}, nullptr},  // handled before authentication
      {{"POST", "/api/v1/auth/logout", "agent"}, logout},
      {{"GET", "/api/v1/auth/me", "agent"}, me},
      {{"GET", "/api/v1/tickets", "agent"}, list_tickets},
      {{"GET", "/api/v1/tickets/{id}", "agent"}, get_ticket},
      {{"PATCH", "/api/v1/tickets/{id}", "agent"}, patch_ticket},
      {{"POST", "/api/v1/tickets/{id}/messages", "agent"}, post_message},
      {{"POST", "/api/v1/tickets/{id}/merge", "agent"}, merge_ticket},
      {{"POST", "/api/v1/tickets/{id}/viewing", "agent"}, post_viewing},
      {{"DELETE", "/api/v1/tickets/{id}/viewing", "agent"}, delete_viewing},
      {{"POST", "/api/v1/tickets/{id}/macros/{id}/render", "agent"}, render_macro},
      {{"GET", "/api/v1/macros", "agent"}, list_macros},
      {{"POST", "/api/v1/macros", "agent"}, create_macro},
      {{"PATCH", "/api/v1/macros/{id}", "agent"}, update_macro},
      {{"DELETE", "/api/v1/macros/{id}", "agent"}, delete_macro},
      {{"GET", "/api/v1/customers", "agent"}, find_customers},
      {{"GET", "/api/v1/customers/{id}", "agent"}, get_customer},
      {{"GET", "/api/v1/customers/{id}/experience", "agent"}, customer_experience},
      {{"PATCH", "/api/v1/customers/{id}", "agent"}, rename_customer},
      {{"POST", "/api/v1/customers/{id}/identities", "agent"}, add_identity},
      {{"DELETE", "/api/v1/customers/{id}/identities/{id}", "agent"}, remove_identity},
      {{"POST", "/api/v1/customers/{id}/merge", "agent"}, merge_customer},
      {{"POST", "/api/v1/customers/{id}/unmerge", "agent"}, unmerge_customer},
      {{"GET", "/api/v1/live", "agent"}, live_without_upgrade},
      {{"GET", "/api/v1/stats/queues", "supervisor"}, queue_stats},
      {{"GET", "/api/v1/queues", "agent"}, queue_counts},
      {{"GET", "/api/v1/reports/service", "supervisor"}, service_report},
      {{"GET", "/api/v1/stats/satisfaction", "supervisor"}, satisfaction_report},
      {{"GET", "/api/v1/groups", "agent"}, list_groups},
      {{"POST", "/api/v1/groups", "admin"}, create_group},
      {{"PATCH", "/api/v1/groups/{id}", "admin"}, rename_group},
      {{"DELETE", "/api/v1/groups/{id}", "admin"}, delete_group},
      {{"PATCH", "/api/v1/agents/{id}", "admin"}, update_agent},
      {{"PUT", "/api/v1/agents/me/presence", "agent"}, put_presence},
      {{"PUT", "/api/v1/groups/{id}/members", "admin"}, put_group_members},
      {{"GET", "/api/v1/channels", "admin"}, list_channels},
      {{"GET", "/api/v1/templates", "agent"}, list_templates},
      {{"GET", "/api/v1/attachments/{id}", "agent"}, get_attachment},
      {{"GET", "/api/v1/messages/{id}/raw", "agent"}, get_raw_message},
      {{"GET", "/api/v1/agents", "supervisor"}, list_agents},
      {{"POST", "/api/v1/agents", "admin"}, create_agent},
      {{"GET", "/api/v1/tokens", "admin"}, list_tokens},
      {{"POST", "/api/v1/tokens", "admin"}, create_token},
      {{"DELETE", "/api/v1/tokens/{id}", "admin"}, revoke_token},
  };
  return r;
}

// Matches path against pattern, collecting {id} segments. Segment by segment, exact.
bool match(std::string_view pattern, std::string_view path, std::vector<int64_t>& ids) {
  ids.clear();
  while (!pattern.empty() || !path.empty()) {
    auto ps = pattern.find('/', 1), qs = path.find('/', 1);
    auto pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg == "/{id}") {
      auto id = qseg.size() > 1 ? to_id(qseg.substr(1)) : std::nullopt;
      if (!id) return false;
      ids.push_back(*id);
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view() : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view() : path.substr(qs);
  }
  return true;
}

}  // namespace

const std::vector<ApiRouteInfo>& api_routes() {
  static const std::vector<ApiRouteInfo> infos = [] {
    std::vector<ApiRouteInfo> v;
    for (const auto& r : routes()) v.push_back(r.info);
    return v;
  }();
  return infos;
}

void handle_api(App& app, const HttpRequest& req, const Respond& respond,
                std::string_view& route_out) {
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  const Route* found = nullptr;
  bool path_known = false;
  std::vector<int64_t> ids;
  for (const auto& r : routes()) {
    if (!match(r.info.pattern, path, ids)) continue;
    path_known = true;
    if (req.method == r.info.method) {
      found = &r;
      break;
    }
  }
  if (!found) {
    route_out = "/api/v1/other";
    return respond(error_response(path_known
                                      ? Error{Errc::method_not_allowed, "method not allowed here"}
                                      : Error{Errc::not_found, "no such route"}));
  }
  route_out = found->info.pattern;
  if (!found->handler) return login(app, req, respond);

  auto credential = credential_of(req);
  if (!credential) return respond(error_response({Errc::unauthorized, "sign in first"}));
  // CSRF: a browser sends our cookie with a request another site makes it send. A change made
  // on the cookie's strength must come from our own page, as JSON (which a cross-site form
  // cannot send without a preflight we never grant).
  if (credential->from_cookie && req.method != "GET" && req.method != "HEAD") {
    if (!from_our_origin(req, app.config.public_url))
      return respond(error_response(
          {Errc::forbidden, "cross-site request refused: send it from Touchpoint's own pages"}));
    if (!req.body.empty() && !is_json(req.content_type))
      return respond(error_response({Errc::unsupported_media, "send Content-Type: application/json"}));
  }
  auto call = std::make_shared<Call>(Call{app, req, respond, {}, std::move(ids)});
  bool queued = app.readers.submit<std::optional<Principal>>(
      [hash = token_hash(credential->token), now = app.now()](storage::TicketReader& r) {
        return r.authenticate(hash, now);
      },
      [call, found](Result<std::optional<Principal>> who) {
        if (!who) return call->respond(error_response(who.error()));
        if (!who.value())
          return call->respond(error_response({Errc::unauthorized, "the token is invalid, "
                                                                   "expired or revoked"}));
        call->who = *who.value();
        if (!role_allows(call->who.role, found->info.role))
          return call->respond(error_response({Errc::forbidden, std::string("this needs the ") +
                                                                    found->info.role + " role"}));
        found->handler(call);
      });
  if (!queued) respond(busy());
}

}  // namespace touchpoint::server
