#pragma once
// Standard base64 (RFC 4648 section 4, with padding), by libsodium. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

std::string base64_encode(std::string_view bytes);

// nullopt when the text is not base64; CR, LF, space and tab are skipped (MIME wraps lines).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace touchpoint::protocol
