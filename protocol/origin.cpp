#include "protocol/origin.hpp"

#include "protocol/ascii.hpp"
#include "protocol/url.hpp"

namespace touchpoint::protocol {

std::optional<std::string> origin_of(std::string_view url) {
  auto u = parse_url(url);
  if (!u || u->host.empty()) return std::nullopt;
  std::string out = ascii_lower(u->scheme) + "://" + ascii_lower(u->host);
  bool default_port = (u->scheme == "http" && u->port == "80") ||
                      (u->scheme == "https" && u->port == "443");
  if (!default_port) out += ":" + u->port;
  return out;
}

bool from_our_origin(const OriginEvidence& r, std::string_view public_url) {
  if (!r.origin.empty()) {
    auto theirs = origin_of(r.origin);
    if (!theirs) return false;
    if (auto ours = origin_of(public_url); ours && *ours == *theirs) return true;
    // The Host the browser connected to, with the Origin's scheme: the console's own page.
    auto scheme_end = theirs->find("://");
    auto as_host = origin_of(theirs->substr(0, scheme_end) + "://" + std::string(r.host));
    return !r.host.empty() && as_host && *as_host == *theirs;
  }
  return ascii_lower(r.sec_fetch_site) == "same-origin";
}

}  // namespace touchpoint::protocol
