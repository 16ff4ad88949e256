#pragma once
// The switchboard: maps a request to the one thing that handles it. Handlers parse (protocol/),
// call one thing (storage/), and answer. HTTP status codes live here and nowhere below.
#include <string_view>

#include "protocol/result.hpp"
#include "server/app.hpp"

namespace touchpoint::server {

// Request body limits; HttpSession answers 413 past the one for the request's path.
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;            // the API and the rest
inline constexpr std::size_t kMaxWebhookBytes = 4 * 1024 * 1024;     // Meta posts up to 3 MB
inline constexpr std::size_t kMaxReplyRequestBytes = 36 * 1024 * 1024;  // 25 MiB of files in base64
inline constexpr std::size_t kMaxMailWebhookBytes = 64 * 1024 * 1024;  // a 25 MiB mail, raw and parsed
inline constexpr std::size_t kMaxAnyBodyBytes = kMaxMailWebhookBytes;

std::size_t body_limit_for(std::string_view target);

// Calls respond exactly once, possibly later and from the storage thread.
// route_out receives the route pattern for metrics.
void handle_request(App& app, const HttpRequest& req, const Respond& respond,
                    std::string_view& route_out);

// True for "application/json", with or without parameters.
bool is_json(std::string_view content_type);

// The one place an Errc becomes an HTTP status.
int to_http(Errc code);
HttpResponse error_response(const Error& e);

}  // namespace touchpoint::server
