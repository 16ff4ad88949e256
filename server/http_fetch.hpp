#pragma once
// One outbound HTTP(S) request (resolve, connect, TLS with peer and host name verification,
// write, read, close) on an io_context, for channel adapters and media downloads. Bounded: 10 s
// per exchange (60 s with a larger max_body), max_body bytes of answer, max_redirects hops
// (Authorization is dropped when a redirect leaves the host).
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
  std::size_t max_body = 1024 * 1024;
  int max_redirects = 0;
};

struct FetchResult {
  int status = 0;     // 0: no HTTP answer (see error)
  std::string body;
  std::string error;  // network or protocol failure, empty when an answer came
  std::string content_type;
  std::string location;  // of a redirect not followed
};

// Calls done exactly once, on an executor of ioc.
void fetch(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done);

}  // namespace touchpoint::server
