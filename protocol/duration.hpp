#pragma once
// Durations in the config (the contract's "Durations"): one or more <n><unit> with units s, m,
// h, d — "90s", "15m", "1h30m", "2d". Pure.
#include <cstdint>
#include <optional>
#include <string_view>

namespace touchpoint::protocol {

// Seconds, or nullopt for anything else (empty, a unit missing or unknown, a sign, spaces,
// a unit repeated or out of order, more than ten years).
std::optional<int64_t> parse_duration(std::string_view text);

}  // namespace touchpoint::protocol
