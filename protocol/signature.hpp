#pragma once
// HMAC-SHA256 signatures over raw bytes, as providers and our own callbacks use them.
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// Lowercase hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Base64 of HMAC-SHA1(key, data): Twilio's X-Twilio-Signature.
std::string hmac_sha1_base64(std::string_view key, std::string_view data);
// Lowercase hex of SHA-256(data).
std::string sha256_hex(std::string_view data);
// Equality whose time reveals neither where the inputs differ nor their lengths (both are
// hashed first). For secrets and signatures.
bool constant_time_equals(std::string_view a, std::string_view b);
// "sha256=HEX": the X-Touchpoint-Signature of an outbound API-channel callback.
std::string touchpoint_signature(std::string_view token, std::string_view body);

}  // namespace touchpoint::protocol
