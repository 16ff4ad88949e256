#pragma once
// A small blocking HTTP/1.1 client over a real loopback socket, for server tests.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "protocol/utf8.hpp"
#include "server/net.hpp"

namespace touchpoint::testing_support {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  bool keep_alive = false;
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port) : stream_(ioc_) {
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  Reply request(http::verb verb, const std::string& target, const std::string& body = "",
                std::map<std::string, std::string> headers = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream_, buf, parser);
    auto& res = parser.get();
    Reply r{static_cast<int>(res.result_int()), res.body(), {}, res.keep_alive()};
    for (auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    // Every JSON answer any server test sees must be UTF-8 (the hardening issue's item 8).
    if (r.headers["Content-Type"].rfind("application/json", 0) == 0) {
      EXPECT_TRUE(protocol::is_valid_utf8(r.body)) << target << " answered invalid UTF-8";
    }
    return r;
  }
  Reply post_json(const std::string& target, const std::string& body,
                  const std::string& token = "s3cret") {
    return request(http::verb::post, target, body,
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  }
  Reply get(const std::string& target) { return request(http::verb::get, target); }
  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
};

}  // namespace touchpoint::testing_support
