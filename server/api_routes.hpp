#pragma once
// The agents' REST API under /api/v1: authentication, roles, and one small handler per route.
#include <string_view>
#include <vector>

#include "server/app.hpp"

namespace touchpoint::server {

struct ApiRouteInfo {
  const char* method;
  const char* pattern;  // "/api/v1/tickets/{id}"
  const char* role;     // least role allowed; "" = no authentication (login)
};
// Every /api/v1 route the server serves (docs/api.md documents each; a test checks).
const std::vector<ApiRouteInfo>& api_routes();

// REQUIRES: req's path starts with /api/v1/. Calls respond exactly once.
void handle_api(App& app, const HttpRequest& req, const Respond& respond,
                std::string_view& route_out);

}  // namespace touchpoint::server
