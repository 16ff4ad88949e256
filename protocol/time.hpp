#pragma once
// RFC 3339 timestamps <-> unix seconds (UTC). Pure; callers inject "now".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint {

// "2026-11-22T10:00:00Z", "2026-11-22T10:00:00.123+01:00". Fractions are dropped.
std::optional<int64_t> parse_rfc3339(std::string_view s);
// Always UTC with a Z: "2026-11-22T10:00:00Z".
std::string format_rfc3339(int64_t unix_seconds);

}  // namespace touchpoint
