#pragma once
// Links a provider fetches a reply's file from. Twilio takes media only as a URL (MediaUrl) that
// it downloads when it sends, so a reply's file is served at public_url/media/out/{token}
// without a session: the token names one attachment of one sent reply, until it expires, and
// only we can make one (HMAC-SHA256 with the server's secret). Pure: the clock is passed in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// "o1.{attachment_id}.{expires_at}.{mac}" (unix seconds; mac: 32 hex digits).
std::string outbound_media_token(std::string_view secret, int64_t attachment_id, int64_t expires_at);

// The attachment a token names, when it is ours and now is before its expiry; nullopt otherwise.
std::optional<int64_t> outbound_media_attachment(std::string_view secret, std::string_view token, int64_t now);

// public_url + "/media/out/" + the token.
std::string outbound_media_url(std::string_view public_url, std::string_view secret, int64_t attachment_id,
                               int64_t expires_at);

}  // namespace touchpoint::protocol
