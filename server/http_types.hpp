#pragma once
// One HTTP exchange without Beast types, so routing compiles fast and tests easily.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace touchpoint::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string content_type;
  std::string authorization;
  std::string cookie;
  std::string remote;  // client address, for rate limits
  std::string body;
  // Every header, names lowercased, in arrival order: provider signatures live here.
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header of that (lowercase) name, "" when absent.
  std::string_view header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
      if (k == lower_name) return v;
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Answers one request. May be called from any thread, exactly once.
using Respond = std::function<void(HttpResponse)>;

}  // namespace touchpoint::server
