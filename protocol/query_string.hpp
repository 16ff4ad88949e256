#pragma once
// URL query strings: "a=1&b=x%20y" -> {a:"1", b:"x y"}. Pure. A repeated key keeps the last.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace touchpoint::protocol {

// nullopt when a %-escape is malformed or a key or value is not UTF-8.
std::optional<std::map<std::string, std::string>> parse_query_string(std::string_view target);

// An application/x-www-form-urlencoded body as the pairs it holds, in order, repeats kept.
// nullopt when a %-escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

// Percent-encodes everything but unreserved characters (RFC 3986), for form bodies we send.
std::string form_escape(std::string_view s);

}  // namespace touchpoint::protocol
