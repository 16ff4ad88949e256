#pragma once
// Postmark's inbound webhook (JSON) to the contact of an email channel. With "Include raw
// email content" on, RawEmail is parsed like mail from our SMTP listener; without it, the
// message is rebuilt from Postmark's fields (headers, bodies, base64 attachments) and parsed
// the same way, so threading and loop guards see the same headers either way.
#include <string>
#include <string_view>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

// bad_request for a body that is not Postmark's JSON.
Result<InboundContact> parse_postmark_inbound(const std::string& channel_name, std::string_view body);

}  // namespace touchpoint::protocol
