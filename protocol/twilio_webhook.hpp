#pragma once
// Twilio Programmable Messaging webhooks (SMS, MMS, WhatsApp via Twilio): X-Twilio-Signature
// over the public URL and the sorted form parameters, incoming messages and status callbacks.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/messaging.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

using FormPairs = std::vector<std::pair<std::string, std::string>>;

// base64(HMAC-SHA1(auth_token, url + every name+value, sorted by name then value)).
std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormPairs& params);

// Accepts the signature of the URL with its port removed or with the scheme's port present,
// as Twilio's own validators do (Twilio may sign either form).
bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormPairs& params, std::string_view header);

// An incoming message (contact) or a status callback (receipt). Anything else: empty batch.
WebhookBatch parse_twilio_webhook(std::string_view channel_name, const FormPairs& params);

// The answer Twilio expects: TwiML that sends no automatic reply.
inline constexpr std::string_view kEmptyTwiml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

}  // namespace touchpoint::protocol
