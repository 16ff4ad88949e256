#pragma once
// URL query strings: "a=1&b=x%20y" -> {a:"1", b:"x y"}. Pure. A repeated key keeps the last.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// nullopt when a %-escape is malformed.
std::optional<std::map<std::string, std::string>> parse_query_string(std::string_view target);

}  // namespace touchpoint::protocol
