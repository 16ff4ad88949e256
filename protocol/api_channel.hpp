#pragma once
// The generic API channel: POST /webhooks/api/{name}, a JSON body in our own format.
//
//   {"message_id":"ext-1",                 required, <= 256 bytes: the idempotency key
//    "thread":"conv-9",                    optional: groups messages into one open ticket
//    "subject":"Order 1234",               optional (default: start of the text)
//    "text":"Hello",                       required unless attachments are given
//    "html":"<p>Hello</p>",                optional, kept for safe display
//    "from":{"id":"cust-42","name":"Ada Lovelace","email":"ada@example.com","phone":"+39..."},
//                                          at least one of id, email, phone
//    "sent_at":"2026-11-22T10:00:00Z",     optional RFC 3339
//    "attachments":[{"filename":"a.pdf","content_type":"application/pdf",
//                    "content_base64":"..."}]}   optional
//
// Answer: 200 {"ticket_id":17,"message_id":123,"customer_id":5,"duplicate":false}
#include <string>
#include <string_view>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

inline constexpr std::size_t kMaxExternalIdBytes = 256;
inline constexpr std::size_t kMaxThreadBytes = 256;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxSubjectBytes = 998;  // RFC 5322's line limit, a sane cap

// Parses and validates one API-channel body. Pure: never touches storage.
Result<InboundContact> parse_api_message(std::string_view channel_name, std::string_view body);

// {"ticket_id":..,"message_id":..,"customer_id":..,"duplicate":..}
std::string encode_ack(const Recorded& r);

// An agent's reply, POSTed to the channel's callback_url and signed with
// X-Touchpoint-Signature: sha256=HEX(HMAC-SHA256(token, body)). message_id is stable across
// retries: receivers deduplicate on it.
//   {"message_id":123,"ticket_id":17,"thread":"conv-9"|null,
//    "to":{"id":"cust-42","email":"ada@example.com","phone":"+39..."},"text":"..."}
std::string encode_outbound(const OutboundItem& item);

}  // namespace touchpoint::protocol
