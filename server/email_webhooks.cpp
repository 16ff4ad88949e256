#include "server/email_webhooks.hpp"

#include "protocol/form_data.hpp"
#include "protocol/mailgun_inbound.hpp"
#include "protocol/messaging_send.hpp"
#include "protocol/postmark_inbound.hpp"
#include "protocol/sendgrid_inbound.hpp"
#include "protocol/signature.hpp"
#include "server/http_routes.hpp"
#include "server/messaging_webhooks.hpp"

namespace touchpoint::server {
namespace {

// Postmark and SendGrid sign nothing: the credentials in the webhook URL are the proof.
// Without inbound_basic_auth configured, nobody is let in.
bool basic_auth_allowed(const ChannelConfig& ch, const HttpRequest& req) {
  std::string credentials = ch.get("inbound_basic_auth");
  auto colon = credentials.find(':');
  return colon != std::string::npos &&
         protocol::constant_time_equals(
             req.header("authorization"),
             protocol::basic_auth(credentials.substr(0, colon), credentials.substr(colon + 1)));
}

const Error kWrongCredentials{Errc::unauthorized, "missing or wrong HTTP Basic credentials"};

// The contact one delivery brings, or why it is refused (then nothing is stored).
Result<InboundContact> read_delivery(App& app, std::string_view provider, const ChannelConfig& ch,
                                     const HttpRequest& req) {
  if (provider == "postmark") {
    if (!basic_auth_allowed(ch, req)) return kWrongCredentials;
    return protocol::parse_postmark_inbound(ch.name, req.body);
  }
  if (provider == "sendgrid" && !basic_auth_allowed(ch, req)) return kWrongCredentials;
  auto form = protocol::parse_form_body(req.content_type, req.body);
  if (!form) return form.error();
  if (provider == "sendgrid") return protocol::parse_sendgrid_inbound(ch.name, *form);
  if (std::string why = protocol::check_mailgun_signature(ch.get("mailgun_signing_key"), *form, app.now());
      !why.empty())
    return Error{Errc::unauthorized, "Mailgun signature refused: " + why};
  auto contact = protocol::parse_mailgun_inbound(ch.name, *form);
  if (contact && !app.mailgun_tokens.admit(ch.name + "\n" + form->get("token"),
                                           contact->external_id, app.now()))
    return Error{Errc::unauthorized, "Mailgun signature refused: its token already signed another mail"};
  return contact;
}

}  // namespace

bool handle_email_webhook(App& app, const HttpRequest& req, std::string_view provider,
                          std::string_view name, const Respond& respond) {
  if (provider != "postmark" && provider != "mailgun" && provider != "sendgrid") return false;
  const ChannelConfig* ch = app.config.channel("email", name);
  if (!ch) {
    respond(error_response({Errc::not_found, "no email channel is configured at this path"}));
    return true;
  }
  if (req.method != "POST") {
    respond(error_response({Errc::method_not_allowed, "use POST"}));
    return true;
  }
  // Mail may be 25 MiB: it is parsed and its files written on the blocking pool, never on an
  // io thread. The request dies when this returns, so the pool gets its own copy.
  app.blocking([&app, ch, req = req, provider = std::string(provider), respond] {
    auto contact = read_delivery(app, provider, *ch, req);
    if (!contact) return respond(error_response(contact.error()));
    WebhookBatch batch;
    batch.contacts.push_back(std::move(contact).value());
    commit_webhook_batch(app, "email", ch->name, std::move(batch), respond);
  });
  return true;
}

}  // namespace touchpoint::server
