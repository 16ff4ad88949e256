#include "server/http_routes.hpp"

#include "server/stats_pusher.hpp"

#include "protocol/api_channel.hpp"
#include "protocol/ascii.hpp"
#include "protocol/json_error.hpp"
#include "server/api_routes.hpp"
#include "server/chat_routes.hpp"
#include "server/email_webhooks.hpp"
#include "server/ingest.hpp"
#include "server/messaging_webhooks.hpp"
#include "server/passwords.hpp"
#include "server/outbound_media_route.hpp"
#include "server/survey_routes.hpp"
#include "server/web_routes.hpp"

namespace touchpoint::server {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

HttpResponse json(int status, std::string body) {
  return HttpResponse{status, "application/json", std::move(body), {}};
}

HttpResponse unavailable(std::string message) {
  auto r = error_response({Errc::unavailable, std::move(message)});
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

// Healthy means ingest can write: the ping goes through the same writer, in a group like any
// other, so a disk below the reserve (every group refused) or a failing store answers 503 here
// exactly when it does for messages.
void health(App& app, const Respond& respond) {
  bool queued = app.writer.submit<Unit>(
      [](storage::TicketStore& s) { return s.ping(); },
      [respond, &app](Status r) {
        if (r) return respond(json(200, R"({"status":"ok"})"));
        respond(unavailable(app.writer.disk_low() ? "the data disk is below its free-space reserve"
                                                  : "the store is not writable"));
      });
  if (!queued) respond(unavailable("the store is busy"));
}

// POST /webhooks/api/{name}: the generic API channel.
void api_webhook(App& app, const HttpRequest& req, std::string_view name, const Respond& respond) {
  const ChannelConfig* ch = app.config.channel("api", name);
  if (!ch) return respond(error_response({Errc::not_found, "no api channel with that name"}));
  if (req.method != "POST")
    return respond(error_response({Errc::method_not_allowed, "use POST to deliver messages"}));
  std::string_view auth = req.authorization;
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.substr(0, kBearer.size()) != kBearer ||
      !secure_equals(auth.substr(kBearer.size()), ch->get("token")))
    return respond(error_response({Errc::unauthorized, "missing or wrong bearer token"}));
  if (!is_json(req.content_type))
    return respond(error_response({Errc::unsupported_media, "send Content-Type: application/json"}));

  auto contact = protocol::parse_api_message(name, req.body);
  if (!contact) return respond(error_response(contact.error()));

  bool queued = app.writer.submit<Recorded>(
      [c = std::move(contact).value()](storage::TicketStore& s) { return s.record_inbound(c); },
      [respond, &app](Result<Recorded> r) {
        if (!r) return respond(r.error().code == Errc::unavailable
                                   ? unavailable(r.error().message)
                                   : error_response(r.error()));
        announce_inbound(app, "api", r.value());
        respond(json(200, protocol::encode_ack(r.value())));
      });
  if (!queued) {
    app.metrics.overloaded();
    respond(unavailable("too many writes queued; retry shortly"));
  }
}

}  // namespace

std::size_t body_limit_for(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  auto starts = [path](std::string_view prefix) { return path.substr(0, prefix.size()) == prefix; };
  if (starts("/webhooks/postmark/") || starts("/webhooks/mailgun/") || starts("/webhooks/sendgrid/"))
    return kMaxMailWebhookBytes;
  if (starts("/webhooks/")) return kMaxWebhookBytes;
  if (starts("/api/v1/tickets/") && path.size() > 9 && path.substr(path.size() - 9) == "/messages")
    return kMaxReplyRequestBytes;
  return kMaxBodyBytes;
}

bool is_json(std::string_view content_type) {
  auto base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return protocol::ascii_lower(base) == "application/json";
}

int to_http(Errc code) {
  switch (code) {
    case Errc::bad_request: return 400;
    case Errc::unauthorized: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::method_not_allowed: return 405;
    case Errc::conflict: return 409;
    case Errc::too_large: return 413;
    case Errc::too_many_requests: return 429;
    case Errc::unsupported_media: return 415;
    case Errc::unprocessable: return 422;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
  }
  return 500;
}

HttpResponse error_response(const Error& e) {
  // Internal errors may carry storage detail: log it, never show it.
  std::string message = e.code == Errc::internal ? "internal error" : e.message;
  return json(to_http(e.code), protocol::encode_error(errc_name(e.code), message));
}

void handle_request(App& app, const HttpRequest& req, const Respond& respond,
                    std::string_view& route_out) {
  std::string_view path = path_of(req.target);
  constexpr std::string_view kApiHooks = "/webhooks/api/";
  if (path.substr(0, kApiHooks.size()) == kApiHooks) {
    route_out = "/webhooks/api/{name}";
    return api_webhook(app, req, path.substr(kApiHooks.size()), respond);
  }
  if (path.substr(0, 8) == "/api/v1/") return handle_api(app, req, respond, route_out);
  if (path.substr(0, 3) == "/s/") {
    route_out = "/s/{token}";
    return survey_page(app, req, path.substr(3), respond);
  }
  if (path == "/healthz") {
    route_out = "/healthz";
    return health(app, respond);
  }
  if (path == "/metrics") {
    route_out = "/metrics";
    // The queue gauges come from the store's counters, read on the reader pool.
    auto answer = [&app, respond](std::string gauges) {
      respond(HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                           app.metrics.render(app.writer) + gauges, {}});
    };
    bool queued = app.readers.submit<protocol::QueueStats>(
        [now = app.now()](storage::TicketReader& r) { return r.queue_stats(now); },
        [&app, answer](Result<protocol::QueueStats> r) {
          if (!r) return answer("");
          add_presence(app, r.value());
          answer(protocol::queue_stats_metrics(r.value()));
        });
    if (!queued) answer("");
    return;
  }
  if (path.substr(0, 10) == "/webhooks/") {
    route_out = "/webhooks/{type}/{name}";
    std::string_view rest = path.substr(10);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos &&
        (handle_messaging_webhook(app, req, rest.substr(0, slash), rest.substr(slash + 1), respond) ||
         handle_email_webhook(app, req, rest.substr(0, slash), rest.substr(slash + 1), respond)))
      return;
    return respond(error_response({Errc::not_found, "no channel is configured at this path"}));
  }
  if (path.substr(0, 11) == "/media/out/") {
    route_out = "/media/out/{token}";
    return outbound_media(app, req, path.substr(11), respond);
  }
  if (path.substr(0, 6) == "/chat/") {
    route_out = "/chat/{file}";
    return chat_route(app, req, path, respond);
  }
  if (path.substr(0, 5) == "/api/") {
    route_out = "other";
    return respond(error_response({Errc::not_found, "no such route"}));
  }
  route_out = path.substr(0, 8) == "/assets/" ? "/assets/{file}" : "/ (console)";
  web_route(app, req, path, respond);
}

}  // namespace touchpoint::server
