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
// RFC 5322 mail date, UTC: "Mon, 23 Nov 2026 06:40:00 +0000".
std::string format_rfc5322(int64_t unix_seconds);

}  // namespace touchpoint
