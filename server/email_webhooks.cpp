#include "server/email_webhooks.hpp"

#include "protocol/messaging_send.hpp"
#include "protocol/postmark_inbound.hpp"
#include "protocol/signature.hpp"
#include "server/http_routes.hpp"
#include "server/messaging_webhooks.hpp"

namespace touchpoint::server {

bool handle_email_webhook(App& app, const HttpRequest& req, std::string_view provider,
                          std::string_view name, const Respond& respond) {
  if (provider != "postmark") return false;
  const ChannelConfig* ch = app.config.channel("email", name);
  if (!ch) {
    respond(error_response({Errc::not_found, "no email channel is configured at this path"}));
    return true;
  }
  if (req.method != "POST") {
    respond(error_response({Errc::method_not_allowed, "use POST"}));
    return true;
  }
  // Postmark signs nothing: the credentials in the webhook URL are the proof. Without
  // inbound_basic_auth configured, nobody is let in.
  std::string credentials = ch->get("inbound_basic_auth");
  auto colon = credentials.find(':');
  bool allowed = colon != std::string::npos &&
                 protocol::constant_time_equals(
                     req.header("authorization"),
                     protocol::basic_auth(credentials.substr(0, colon), credentials.substr(colon + 1)));
  if (!allowed) {
    respond(error_response({Errc::unauthorized, "missing or wrong HTTP Basic credentials"}));
    return true;
  }
  auto contact = protocol::parse_postmark_inbound(ch->name, req.body);
  if (!contact) {
    respond(error_response(contact.error()));
    return true;
  }
  WebhookBatch batch;
  batch.contacts.push_back(std::move(contact).value());
  commit_webhook_batch(app, "email", ch->name, std::move(batch), respond);
  return true;
}

}  // namespace touchpoint::server
