#pragma once
// Meta's webhooks (WhatsApp Cloud API, Messenger, Instagram): the GET subscription handshake,
// the X-Hub-Signature-256 check over the raw body, and the batched payloads, every entry,
// change and message of a delivery. Pure functions.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/messaging.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

// The GET handshake: the challenge to echo when hub.mode is "subscribe" and hub.verify_token
// equals ours (constant time); nullopt otherwise (answer 403).
std::optional<std::string> meta_handshake(const std::map<std::string, std::string>& query,
                                          std::string_view verify_token);

// X-Hub-Signature-256: "sha256=" + lowercase hex HMAC-SHA256(app_secret, raw body).
bool verify_meta_signature(std::string_view app_secret, std::string_view raw_body,
                           std::string_view header);

// A WhatsApp Cloud API delivery for the channel whose number is phone_number_id. Changes for
// other numbers and other fields are skipped. bad_request only when the body is not JSON.
Result<WebhookBatch> parse_whatsapp_webhook(std::string_view channel_name,
                                            std::string_view phone_number_id,
                                            std::string_view raw_body);

// A Messenger ("page") or Instagram ("instagram") delivery. channel_type is "messenger" or
// "instagram"; entries for other pages or accounts than page_id are skipped; echoes of our
// own messages are skipped.
Result<WebhookBatch> parse_meta_messaging_webhook(std::string_view channel_type,
                                                  std::string_view channel_name,
                                                  std::string_view page_id,
                                                  std::string_view raw_body);

}  // namespace touchpoint::protocol
