#pragma once
// SendGrid Inbound Parse to an email channel (multipart/form-data; SendGrid signs nothing, the
// HTTP Basic credentials in the configured URL are checked by the server). With "POST the raw,
// full MIME message" on, the email field is parsed like SMTP mail; otherwise the mail is
// rebuilt from headers, text and html (each in the charset the charsets field names) and the
// attachmentN files. The envelope's from is the return path. Pure.
#include <string>

#include "protocol/form_data.hpp"
#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

Result<InboundContact> parse_sendgrid_inbound(const std::string& channel_name, const Form& form);

}  // namespace touchpoint::protocol
