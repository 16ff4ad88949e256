#pragma once
// App: the services every request handler reaches, owned by Server and passed by reference.
// Must outlive every session (Server declares it before the io_context).
#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "server/config.hpp"
#include "server/metrics.hpp"
#include "storage/store_writer.hpp"

namespace touchpoint::server {

struct App {
  App(Config c, storage::StoreWriter& w) : config(std::move(c)), writer(w) {}
  Config config;
  storage::StoreWriter& writer;
  Metrics metrics;
  std::atomic<bool> draining{false};  // SIGTERM seen: answer 503 to new work, close keep-alive
  std::atomic<int> in_flight{0};      // requests read and not yet answered
};

// One HTTP exchange without Beast types, so routing compiles fast and tests easily.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string content_type;
  std::string authorization;
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
