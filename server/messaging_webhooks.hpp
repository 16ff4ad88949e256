#pragma once
// Provider webhooks of the messaging channels: GET and POST /webhooks/{type}/{name} for
// whatsapp, messenger, instagram, telegram and twilio. Verify exactly as the provider signs
// (401 and nothing stored otherwise), parse in protocol/, commit the whole delivery, then
// acknowledge and push live events.
#include <string_view>

#include "server/app.hpp"
#include "server/http_types.hpp"

namespace touchpoint::server {

// False when type is not a messaging channel type (the caller answers 404).
bool handle_messaging_webhook(App& app, const HttpRequest& req, std::string_view type,
                              std::string_view name, const Respond& respond);

}  // namespace touchpoint::server
