#include "protocol/url.hpp"

namespace touchpoint::protocol {

std::optional<Url> parse_url(std::string_view s) {
  Url u;
  auto colon = s.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  u.scheme = std::string(s.substr(0, colon));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  s.remove_prefix(colon + 3);
  auto slash = s.find_first_of("/?");
  std::string_view authority = s.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
  if (u.target.front() == '?') u.target = "/" + u.target;
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (auto c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (host.empty()) return std::nullopt;
  for (char ch : port)
    if (ch < '0' || ch > '9') return std::nullopt;
  u.host = std::string(host);
  u.port = port.empty() ? (u.scheme == "https" ? "443" : "80") : std::string(port);
  return u;
}

}  // namespace touchpoint::protocol
