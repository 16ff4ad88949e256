#include "bench/load_generator.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench/stats.hpp"
#include "protocol/signature.hpp"
#include "server/net.hpp"

namespace touchpoint::bench {
namespace {
using namespace touchpoint::server;
using Clock = std::chrono::steady_clock;

struct Shared {
  explicit Shared(const LoadOptions& options) : o(options) {}
  const LoadOptions& o;
  long requests = 0;    // messages / per_request
  int per_request = 1;  // messages in one request (a WhatsApp batch)
  long next = 0;        // next request number to send
  long acked = 0, failed = 0;
  std::vector<double> latency_ms;  // per request
  Clock::time_point start = Clock::now();
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
    if (s_.next >= s_.requests) return;
    if (s_.o.seconds > 0 && Clock::now() - s_.start >= std::chrono::duration<double>(s_.o.seconds))
      return;
    long n = s_.next++;
    Clock::time_point due = s_.start;
    if (s_.o.rate > 0)
      due += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(static_cast<double>(n) * s_.per_request / s_.o.rate));
    if (due > Clock::now()) {
      timer_.expires_at(due);
      timer_.async_wait([self = shared_from_this(), n, due](beast::error_code) { self->send(n, due); });
    } else {
      send(n, s_.o.rate > 0 ? due : Clock::now());
    }
  }

  void send(long n, Clock::time_point due) {
    due_ = due;
    if (s_.o.kind == "whatsapp")
      build_whatsapp(n);
    else
      build_api(n);
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->res_ = {};
      http::async_read(self->stream_, self->buf_, self->res_,
                       [self](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
    });
  }

  // Many customers and threads: a realistic spread over tickets, not one hot row.
  void build_api(long n) {
    long thread = n % s_.o.threads, customer = thread % s_.o.customers;
    std::string body = R"({"message_id":")" + s_.o.run_id + "-" + std::to_string(n) +
                       R"(","thread":"t)" + std::to_string(thread) +
                       R"(","text":")" + kText + R"(",)"
                       R"("from":{"id":"cust-)" + std::to_string(customer) +
                       R"(","name":"Bench Customer","email":"c)" + std::to_string(customer) +
                       R"(@example.com"}})";
    req_ = {http::verb::post, "/webhooks/api/" + s_.o.channel, 11};
    req_.set(http::field::host, s_.o.host);
    req_.set(http::field::content_type, "application/json");
    req_.set(http::field::authorization, "Bearer " + s_.o.token);
    req_.body() = std::move(body);
    req_.prepare_payload();
  }

  // One delivery as Meta sends it: one change holding `batch` messages from as many senders.
  void build_whatsapp(long n) {
    std::string contacts, messages;
    for (int i = 0; i < s_.o.batch; ++i) {
      long m = n * s_.o.batch + i;
      std::string wa_id = std::to_string(15550000000L + m % s_.o.customers);
      if (i) contacts += ',', messages += ',';
      contacts += R"({"profile":{"name":"Bench Customer"},"wa_id":")" + wa_id + R"("})";
      messages += R"({"from":")" + wa_id + R"(","id":"wamid.)" + s_.o.run_id + "-" +
                  std::to_string(m) + R"(","timestamp":"1749416383","type":"text","text":{"body":")" +
                  kText + R"("}})";
    }
    std::string body =
        R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":)"
        R"({"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",)"
        R"("phone_number_id":")" + s_.o.phone_number_id + R"("},"contacts":[)" + contacts +
        R"(],"messages":[)" + messages + R"(]},"field":"messages"}]}]})";
    req_ = {http::verb::post, "/webhooks/whatsapp/" + s_.o.channel, 11};
    req_.set(http::field::host, s_.o.host);
    req_.set(http::field::content_type, "application/json");
    req_.set("X-Hub-Signature-256", "sha256=" + protocol::hmac_sha256_hex(s_.o.app_secret, body));
    req_.body() = std::move(body);
    req_.prepare_payload();
  }

  static constexpr const char* kText =
      "Hello, my order has not arrived yet. Could you check where it is? Thanks.";

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec);
    if (res_.result_int() == 200) {
      s_.acked += s_.per_request;
      s_.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due_).count());
    } else {
      if (s_.failed == 0)
        std::fprintf(stderr, "first refusal: %d %s\n", res_.result_int(), res_.body().c_str());
      s_.failed += s_.per_request;
    }
    next();
  }

  void fail(beast::error_code ec) {
    std::fprintf(stderr, "connection %d: %s\n", index_, ec.message().c_str());
    s_.failed += s_.per_request;
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
  Shared s(o);
  s.per_request = o.kind == "whatsapp" ? std::max(1, o.batch) : 1;
  s.requests = o.messages / s.per_request;
  s.latency_ms.reserve(static_cast<std::size_t>(o.messages));
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  for (int i = 0; i < o.connections; ++i) std::make_shared<Conn>(ioc, s, i)->start(ep);
  s.start = Clock::now();
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - s.start).count();
  std::printf("messages acked              %ld of %ld (%ld failed) in %.2f s\n", s.acked,
              o.seconds > 0 ? s.acked + s.failed : o.messages, s.failed, secs);
  std::printf("throughput                  %.0f messages/s (%d connections%s)\n",
              static_cast<double>(s.acked) / secs, o.connections,
              o.rate > 0 ? (", offered " + std::to_string(static_cast<long>(o.rate)) + "/s").c_str()
                         : ", closed loop");
  print_latency(s.per_request > 1 ? "ack latency (per batch)" : "ack latency", s.latency_ms);
  // The generator shares the 2 cores with the server: what it took is what the server lacked.
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf("generator CPU               %.2f s (%.0f%% of one core)\n", cpu, 100 * cpu / secs);
  return s.failed == 0 ? 0 : 1;
}

}  // namespace touchpoint::bench
