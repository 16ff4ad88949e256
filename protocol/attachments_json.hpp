#pragma once
// Files inside our own JSON bodies (the API channel's messages, agents' replies):
//   "attachments":[{"filename":"a.pdf","content_type":"application/pdf","content_base64":"..."}]
// Pure.
#include <rapidjson/document.h>

#include <vector>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

inline constexpr std::size_t kMaxAttachments = 20;

// v: the "attachments" member (null reads as none). bad_request for anything else than such an
// array, a file that is not base64, or more than kMaxAttachments files.
Result<std::vector<AttachmentIn>> read_attachments(const rapidjson::Value& v);

}  // namespace touchpoint::protocol
