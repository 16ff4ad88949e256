#pragma once
// The switchboard: maps a request to the one thing that handles it. Handlers parse (protocol/),
// call one thing (storage/), and answer. HTTP status codes live here and nowhere below.
#include <string_view>

#include "protocol/result.hpp"
#include "server/app.hpp"

namespace touchpoint::server {

// The largest request body any route accepts; HttpSession answers 413 past it.
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

// Calls respond exactly once, possibly later and from the storage thread.
// route_out receives the route pattern for metrics.
void handle_request(App& app, const HttpRequest& req, const Respond& respond,
                    std::string_view& route_out);

// The one place an Errc becomes an HTTP status.
int to_http(Errc code);
HttpResponse error_response(const Error& e);

}  // namespace touchpoint::server
