#pragma once
// HMAC-SHA256 signatures over raw bytes, as providers and our own callbacks use them.
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// Lowercase hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// "sha256=HEX": the X-Touchpoint-Signature of an outbound API-channel callback.
std::string touchpoint_signature(std::string_view token, std::string_view body);

}  // namespace touchpoint::protocol
