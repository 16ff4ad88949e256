#include "bench/load_generator.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench/stats.hpp"
#include "server/net.hpp"

namespace touchpoint::bench {
namespace {
using namespace touchpoint::server;
using Clock = std::chrono::steady_clock;

struct Shared {
  const LoadOptions& o;
  long next = 0;        // next message number to send
  long acked = 0, failed = 0;
  std::vector<double> latency_ms;
  Clock::time_point start;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(net::io_context& ioc, Shared& s, int index) : stream_(ioc), timer_(ioc), s_(s), index_(index) {}

  void start(const tcp::endpoint& ep) {
    stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
        return;
      }
      self->next();
    });
  }

 private:
  void next() {
    if (s_.next >= s_.o.messages) return;
    long n = s_.next++;
    Clock::time_point due = s_.start;
    if (s_.o.rate > 0)
      due += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(static_cast<double>(n) / s_.o.rate));
    if (due > Clock::now()) {
      timer_.expires_at(due);
      timer_.async_wait([self = shared_from_this(), n, due](beast::error_code) { self->send(n, due); });
    } else {
      send(n, s_.o.rate > 0 ? due : Clock::now());
    }
  }

  void send(long n, Clock::time_point due) {
    due_ = due;
    // Many customers and threads: a realistic spread over tickets, not one hot row.
    std::string body = R"({"message_id":")" + s_.o.run_id + "-" + std::to_string(n) +
                       R"(","thread":"t)" + std::to_string(n % 50000) +
                       R"(","text":"Hello, my order has not arrived yet. Could you check where it is? Thanks.",)"
                       R"("from":{"id":"cust-)" + std::to_string(n % 50000) +
                       R"(","name":"Bench Customer","email":"c)" + std::to_string(n % 50000) +
                       R"(@example.com"}})";
    req_ = {http::verb::post, "/webhooks/api/" + s_.o.channel, 11};
    req_.set(http::field::host, s_.o.host);
    req_.set(http::field::content_type, "application/json");
    req_.set(http::field::authorization, "Bearer " + s_.o.token);
    req_.body() = std::move(body);
    req_.prepare_payload();
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->res_ = {};
      http::async_read(self->stream_, self->buf_, self->res_,
                       [self](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec);
    if (res_.result_int() == 200) {
      ++s_.acked;
      s_.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due_).count());
    } else {
      ++s_.failed;
    }
    next();
  }

  void fail(beast::error_code ec) {
    std::fprintf(stderr, "connection %d: %s\n", index_, ec.message().c_str());
    ++s_.failed;
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Shared& s_;
  int index_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  Clock::time_point due_;
};

}  // namespace

int run_load(const LoadOptions& o) {
  net::io_context ioc;
  Shared s{o, 0, 0, 0, {}, Clock::now()};
  s.latency_ms.reserve(static_cast<std::size_t>(o.messages));
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  for (int i = 0; i < o.connections; ++i) std::make_shared<Conn>(ioc, s, i)->start(ep);
  s.start = Clock::now();
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - s.start).count();
  std::printf("messages acked              %ld of %ld (%ld failed) in %.2f s\n", s.acked,
              o.messages, s.failed, secs);
  std::printf("throughput                  %.0f messages/s (%d connections%s)\n",
              static_cast<double>(s.acked) / secs, o.connections,
              o.rate > 0 ? (", offered " + std::to_string(static_cast<long>(o.rate)) + "/s").c_str()
                         : ", closed loop");
  print_latency("ack latency", s.latency_ms);
  return s.failed == 0 ? 0 : 1;
}

}  // namespace touchpoint::bench
