#pragma once
// Inbound-parse webhooks of email providers, at /webhooks/{provider}/{email channel name}:
// postmark (JSON, HTTP Basic credentials the admin puts in the webhook URL). The mail goes
// through the same parsing, threading and loop guards as mail from the SMTP listener.
#include <string_view>

#include "server/app.hpp"
#include "server/http_types.hpp"

namespace touchpoint::server {

// False when provider is not an email inbound provider (the caller answers 404).
bool handle_email_webhook(App& app, const HttpRequest& req, std::string_view provider,
                          std::string_view name, const Respond& respond);

}  // namespace touchpoint::server
