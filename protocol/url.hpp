#pragma once
// Splits an http(s) URL into what a client connects to and what it asks for.
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;
  std::string port;    // always set: explicit, or 80/443
  std::string target;  // path and query, at least "/"
};

std::optional<Url> parse_url(std::string_view url);

}  // namespace touchpoint::protocol
