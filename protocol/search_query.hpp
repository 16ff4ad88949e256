#pragma once
// Turns what an agent types into a safe FTS5 query: every word becomes a quoted phrase (so no
// FTS5 syntax can be injected or broken), all words must match, and the last word also matches
// as a prefix ("refu" finds "refund") because agents search as they type.
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

inline constexpr std::size_t kMaxSearchTerms = 16;

// nullopt when q holds no word.
std::optional<std::string> fts_query(std::string_view q);

}  // namespace touchpoint::protocol
