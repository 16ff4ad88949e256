#pragma once
// One HTTP exchange without Beast types, so routing compiles fast and tests easily.
#include <functional>
#include <string>
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
