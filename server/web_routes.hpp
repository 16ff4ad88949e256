#pragma once
// The console's routes (the contract's "Web console"): /assets/ serves the embedded, hashed
// files with long cache lifetimes (a path naming no file is 404); every other path that is not
// the API's, the webhooks', the chat's, the survey page's, /healthz or /metrics answers the
// console's page (no-store, a strict CSP), so the console's own routes reload.
#include <string_view>

#include "server/app.hpp"

namespace touchpoint::server {

void web_route(App& app, const HttpRequest& req, std::string_view path, const Respond& respond);

}  // namespace touchpoint::server
