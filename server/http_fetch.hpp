#pragma once
// One outbound HTTP request (resolve, connect, write, read, close) on an io_context, for channel
// adapters. Bounded: 10 s for the whole exchange, 1 MiB of answer.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "server/net.hpp"

namespace touchpoint::server {

struct FetchRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct FetchResult {
  int status = 0;     // 0: no HTTP answer (see error)
  std::string body;
  std::string error;  // network or protocol failure, empty when an answer came
};

// Calls done exactly once, on an executor of ioc.
void fetch(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done);

}  // namespace touchpoint::server
