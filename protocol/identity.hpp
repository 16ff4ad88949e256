#pragma once
// Canonical forms of customer addresses, so the same person seen on two channels is one
// identity: emails compare case-insensitively, phones as +digits (E.164).
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// "Ada@Example.COM " -> "ada@example.com"; nullopt when it is not an address.
std::optional<std::string> normalize_email(std::string_view s);
// "+39 333-123 4567" -> "+393331234567"; nullopt when not 6..15 digits after an optional '+'.
std::optional<std::string> normalize_phone(std::string_view s);

}  // namespace touchpoint::protocol
