#pragma once
// Mailgun Routes' forward() to an email channel. The form carries its own signature:
// hex(HMAC-SHA256(HTTP webhook signing key, timestamp + token)). A route whose URL ends in
// "mime" posts the raw mail as body-mime, parsed like SMTP mail; otherwise the mail is rebuilt
// from message-headers, body-plain, body-html and the attachment-N files. Pure.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/form_data.hpp"
#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

// A signed timestamp further than this from our clock, either way, is refused: a captured
// request cannot be replayed later; within the window, server/replay_guard refuses a token that
// already signed another mail.
inline constexpr int64_t kMailgunFreshnessSeconds = 300;

// "" when the form is Mailgun's and fresh; otherwise why not, for the 401.
std::string check_mailgun_signature(std::string_view signing_key, const Form& form, int64_t now);

Result<InboundContact> parse_mailgun_inbound(const std::string& channel_name, const Form& form);

}  // namespace touchpoint::protocol
