#pragma once
// Telegram Bot API webhooks: the secret-token header check and one Update per delivery.
// Private chats only; group chats and other update kinds are valid but unsupported.
#include <string_view>

#include "protocol/messaging.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

// X-Telegram-Bot-Api-Secret-Token equals the configured secret_token (constant time).
bool verify_telegram_secret(std::string_view configured, std::string_view header);
// What setWebhook accepts as secret_token: 1-256 of A-Z a-z 0-9 _ -.
bool valid_telegram_secret(std::string_view token);

// The contact of one Update. An edit is a new message on the thread, marked as an edit, so
// the agent sees both what was said and the correction.
Result<WebhookBatch> parse_telegram_update(std::string_view channel_name, std::string_view raw_body);

}  // namespace touchpoint::protocol
