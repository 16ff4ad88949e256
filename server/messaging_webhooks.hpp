#pragma once
// Provider webhooks of the messaging channels: GET and POST /webhooks/{type}/{name} for
// whatsapp, messenger, instagram, telegram and twilio. Verify exactly as the provider signs
// (401 and nothing stored otherwise), parse in protocol/, commit the whole delivery, then
// acknowledge and push live events.
#include <string_view>

#include "protocol/messaging.hpp"
#include "server/app.hpp"
#include "server/http_types.hpp"

namespace touchpoint::server {

// Commits a verified, parsed delivery, then answers (200 {} — TwiML for twilio) and pushes
// live events; 503 when the store cannot take it now. Shared by every provider webhook.
void commit_webhook_batch(App& app, std::string type, std::string name, WebhookBatch batch,
                          const Respond& respond);

// False when type is not a messaging channel type (the caller answers 404).
bool handle_messaging_webhook(App& app, const HttpRequest& req, std::string_view type,
                              std::string_view name, const Respond& respond);

}  // namespace touchpoint::server
