#pragma once
// What may appear in an HTTP header (RFC 9110 §5): field names are tokens, field values are
// visible characters, spaces and tabs — never CR, LF or NUL, which would end the header and
// start another (response splitting). And media types (RFC 9110 §8.3.1), checked where a
// content type arrives from outside, so stored types are always safe to send back.
//
// Pure.
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

bool is_http_token(std::string_view s);
bool is_field_value(std::string_view s);

// "type/subtype" with optional "; name=value" parameters (token or quoted-string), at most 255
// bytes; returned with type and subtype lowercased and spaces around ";" trimmed. nullopt for
// anything else.
std::optional<std::string> parse_media_type(std::string_view s);
// The same, but what is not a media type becomes "application/octet-stream": for files that
// arrive with a broken type, which we keep rather than lose.
std::string media_type_or_bytes(std::string_view s);

}  // namespace touchpoint::protocol
