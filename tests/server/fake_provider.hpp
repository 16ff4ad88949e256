#pragma once
// A local HTTP server standing in for an external provider: it records every request and
// answers from a script (then 200). Real sockets on 127.0.0.1.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "server/net.hpp"

namespace touchpoint::testing_support {

struct RecordedRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;
};

class FakeProvider {
 public:
  FakeProvider() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeProvider() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    boost::system::error_code ec;
    // Wake the blocking accept with a connection of our own.
    boost::asio::ip::tcp::socket s(ioc_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path = "/out") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  void script(std::vector<std::pair<int, std::string>> answers) {
    std::lock_guard lock(mu_);
    for (auto& a : answers) script_.push_back(std::move(a));
  }
  // Waits until n requests arrived (bounded); returns what arrived.
  std::vector<RecordedRequest> wait_for(std::size_t n, std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, limit, [&] { return requests_.size() >= n; });
    return requests_;
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  void serve() {
    namespace http = boost::beast::http;
    for (;;) {
      boost::asio::ip::tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      if (ec) continue;
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(s, buf, req, ec);
      if (ec) continue;
      RecordedRequest r{std::string(req.method_string()), std::string(req.target()), req.body(), {}};
      for (auto& f : req) r.headers[std::string(f.name_string())] = std::string(f.value());
      std::pair<int, std::string> answer{200, R"({"ok":true})"};
      {
        std::lock_guard lock(mu_);
        if (!script_.empty()) {
          answer = script_.front();
          script_.pop_front();
        }
        requests_.push_back(std::move(r));
      }
      cv_.notify_all();
      http::response<http::string_body> res{static_cast<http::status>(answer.first), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = answer.second;
      res.keep_alive(false);
      res.prepare_payload();
      http::write(s, res, ec);
      s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int, std::string>> script_;  // guarded by mu_
  std::vector<RecordedRequest> requests_;           // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::thread thread_;
};

}  // namespace touchpoint::testing_support
