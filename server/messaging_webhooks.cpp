#include "server/messaging_webhooks.hpp"

#include "protocol/meta_webhook.hpp"
#include "protocol/query_string.hpp"
#include "protocol/telegram_webhook.hpp"
#include "protocol/twilio_webhook.hpp"
#include "server/http_routes.hpp"
#include "server/ingest.hpp"

namespace touchpoint::server {
namespace {

HttpResponse unavailable(std::string message) {
  auto r = error_response({Errc::unavailable, std::move(message)});
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

HttpResponse received(std::string_view type) {
  if (type == "twilio") return {200, "text/xml", std::string(protocol::kEmptyTwiml), {}};
  return {200, "application/json", "{}", {}};
}

}  // namespace

// An empty batch (a valid event we do not handle) is answered at once so the provider stops
// retrying.
void commit_webhook_batch(App& app, std::string type, std::string name, WebhookBatch batch,
                          const Respond& respond) {
  if (batch.empty()) return respond(received(type));
  commit_inbound(app, type, std::move(name), std::move(batch), nullptr, [respond, type](Status s) {
    if (!s)
      return respond(s.error().code == Errc::unavailable ? unavailable(s.error().message)
                                                         : error_response(s.error()));
    respond(received(type));
  });
}

namespace {

HttpResponse forbidden_handshake() {
  return error_response({Errc::forbidden, "hub.mode, hub.verify_token or hub.challenge is wrong"});
}

void meta(App& app, const HttpRequest& req, const ChannelConfig& ch, const Respond& respond) {
  if (req.method == "GET") {
    auto q = protocol::parse_query_string(req.target);
    auto challenge = q ? protocol::meta_handshake(*q, ch.get("verify_token")) : std::nullopt;
    if (!challenge) return respond(forbidden_handshake());
    return respond({200, "text/plain", *challenge, {}});
  }
  if (!protocol::verify_meta_signature(ch.get("app_secret"), req.body,
                                       req.header("x-hub-signature-256")))
    return respond(error_response({Errc::unauthorized, "missing or wrong X-Hub-Signature-256"}));
  auto batch = ch.type == "whatsapp"
                   ? protocol::parse_whatsapp_webhook(ch.name, ch.get("phone_number_id"), req.body)
                   : protocol::parse_meta_messaging_webhook(ch.type, ch.name, ch.get("page_id"), req.body);
  if (!batch) return respond(error_response(batch.error()));
  commit_webhook_batch(app, ch.type, ch.name, std::move(batch).value(), respond);
}

void telegram(App& app, const HttpRequest& req, const ChannelConfig& ch, const Respond& respond) {
  if (!protocol::verify_telegram_secret(ch.get("secret_token"),
                                        req.header("x-telegram-bot-api-secret-token")))
    return respond(error_response({Errc::unauthorized, "missing or wrong X-Telegram-Bot-Api-Secret-Token"}));
  auto batch = protocol::parse_telegram_update(ch.name, req.body);
  if (!batch) return respond(error_response(batch.error()));
  commit_webhook_batch(app, ch.type, ch.name, std::move(batch).value(), respond);
}

void twilio(App& app, const HttpRequest& req, const ChannelConfig& ch, const Respond& respond) {
  auto params = protocol::parse_form(req.body);
  if (!params) return respond(error_response({Errc::bad_request, "the form body is malformed"}));
  // Twilio signs the URL it called: our public origin and the path and query it used.
  std::string url = app.config.public_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += req.target;
  if (!protocol::verify_twilio_signature(ch.get("auth_token"), url, *params,
                                         req.header("x-twilio-signature")))
    return respond(error_response({Errc::unauthorized, "missing or wrong X-Twilio-Signature"}));
  commit_webhook_batch(app, ch.type, ch.name, protocol::parse_twilio_webhook(ch.name, *params), respond);
}

}  // namespace

bool handle_messaging_webhook(App& app, const HttpRequest& req, std::string_view type,
                              std::string_view name, const Respond& respond) {
  bool is_meta = type == "whatsapp" || type == "messenger" || type == "instagram";
  if (!is_meta && type != "telegram" && type != "twilio") return false;
  const ChannelConfig* ch = app.config.channel(type, name);
  if (!ch) {
    respond(error_response({Errc::not_found, "no channel is configured at this path"}));
    return true;
  }
  if (req.method != "POST" && !(is_meta && req.method == "GET")) {
    respond(error_response({Errc::method_not_allowed,
                            is_meta ? "use GET to subscribe and POST to deliver" : "use POST"}));
    return true;
  }
  if (is_meta) meta(app, req, *ch, respond);
  else if (type == "telegram") telegram(app, req, *ch, respond);
  else twilio(app, req, *ch, respond);
  return true;
}

}  // namespace touchpoint::server
