#pragma once
// Same-origin checks for requests a browser sends with our session cookie (CSRF and
// cross-site WebSocket hijacking). Browsers send `Origin` on every cross-origin request and on
// every same-origin one but GET/HEAD, and `Sec-Fetch-Site` on all of them; a page on another
// site cannot forge either.
//
// Pure.
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// "scheme://host[:port]" of an http(s) URL or an Origin header, lowercased, default port left
// out; nullopt for anything else ("null", other schemes, garbage).
std::optional<std::string> origin_of(std::string_view url);

struct OriginEvidence {
  std::string_view origin;          // the Origin header, "" when absent
  std::string_view sec_fetch_site;  // the Sec-Fetch-Site header, "" when absent
  std::string_view host;            // the Host header
};

// True when the request comes from a page of ours: its Origin is public_url's origin, or names
// the very host the request was sent to (a console reached by another name than public_url);
// without Origin, when Sec-Fetch-Site says same-origin. No evidence at all is not ours.
bool from_our_origin(const OriginEvidence& request, std::string_view public_url);

}  // namespace touchpoint::protocol
