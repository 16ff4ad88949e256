#include "bench/smtp_load.hpp"

#include <array>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench/stats.hpp"
#include "server/net.hpp"

namespace touchpoint::bench {
namespace {
using namespace touchpoint::server;
using Clock = std::chrono::steady_clock;

// The bulk of each mail, built once: Italian text and a base64 "PDF" filling message_bytes.
struct MailBody {
  explicit MailBody(std::size_t bytes) {
    while (text.size() < bytes / 4)
      text += "Buongiorno, il pacco non è ancora arrivato e il tracciamento non si aggiorna da giorni.\r\n";
    while (attachment.size() < bytes * 3 / 4 - 512)
      attachment += "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29k\r\n";
  }
  std::string text, attachment;
};

struct Shared {
  explicit Shared(const SmtpLoadOptions& options) : o(options), body(options.message_bytes) {}
  const SmtpLoadOptions& o;
  const MailBody body;
  long next = 0, acked = 0, failed = 0;
  std::vector<double> latency_ms;
};

// A 20 KB-ish mail with a unique Message-ID per message.
std::string message(const Shared& s, long n) {
  const SmtpLoadOptions& o = s.o;
  const std::string& text = s.body.text;
  const std::string& attachment = s.body.attachment;
  std::string customer = "c" + std::to_string(n % 5000) + "@example.it";
  return "From: Cliente <" + customer + ">\r\nTo: " + o.to + "\r\nSubject: Ordine " +
         std::to_string(n) + "\r\nMessage-ID: <" + o.run_id + "." + std::to_string(n) +
         "@bench.example.it>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
         "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
         text + "--b\r\nContent-Type: application/pdf; name=\"fattura.pdf\"\r\n"
         "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"fattura.pdf\"\r\n\r\n" +
         attachment + "--b--\r\n.\r\n";
}

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(net::io_context& ioc, Shared& s) : socket_(ioc), s_(s) {}

  void start(const tcp::endpoint& ep) {
    socket_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail("connect: " + ec.message());
      self->expect(1, [self] { self->say("EHLO bench.example\r\n", 1, [self] { self->next(); }); });
    });
  }

 private:
  void next() {
    if (s_.next >= s_.o.messages) {
      say("QUIT\r\n", 1, [] {});
      return;
    }
    long n = s_.next++;
    started_ = Clock::now();
    // Pipelined: MAIL, RCPT and DATA in one write, three replies back; then the message.
    std::string customer = "c" + std::to_string(n % 5000) + "@example.it";
    auto self = shared_from_this();
    say("MAIL FROM:<" + customer + ">\r\nRCPT TO:<" + s_.o.to + ">\r\nDATA\r\n", 3, [self, n] {
      if (self->last_code_ != 354) return self->fail("DATA answered " + std::to_string(self->last_code_));
      self->say(message(self->s_, n), 1, [self] {
        if (self->last_code_ == 250) {
          ++self->s_.acked;
          self->s_.latency_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - self->started_).count());
        } else {
          ++self->s_.failed;
        }
        self->next();
      });
    });
  }

  // Writes text, then waits for `replies` final reply lines.
  void say(std::string text, int replies, std::function<void()> then) {
    out_ = std::move(text);
    net::async_write(socket_, net::buffer(out_),
                     [self = shared_from_this(), replies, then = std::move(then)](beast::error_code ec, std::size_t) mutable {
                       if (ec) return self->fail("write: " + ec.message());
                       self->expect(replies, std::move(then));
                     });
  }

  void expect(int replies, std::function<void()> then) {
    // Consume complete final lines ("ddd " — a space after the code) already buffered.
    while (replies > 0) {
      auto nl = in_.find("\r\n");
      if (nl == std::string::npos) break;
      std::string line = in_.substr(0, nl);
      in_.erase(0, nl + 2);
      if (line.size() >= 4 && line[3] == ' ') {
        last_code_ = std::atoi(line.substr(0, 3).c_str());
        --replies;
      }
    }
    if (replies == 0) return then();
    socket_.async_read_some(net::buffer(buf_), [self = shared_from_this(), replies, then = std::move(then)](
                                                   beast::error_code ec, std::size_t n) mutable {
      if (ec) return self->fail("read: " + ec.message());
      self->in_.append(self->buf_.data(), n);
      self->expect(replies, std::move(then));
    });
  }

  void fail(const std::string& why) {
    std::fprintf(stderr, "smtp connection: %s\n", why.c_str());
    ++s_.failed;
  }

  tcp::socket socket_;
  Shared& s_;
  std::string out_, in_;
  std::array<char, 4096> buf_{};
  int last_code_ = 0;
  Clock::time_point started_;
};

}  // namespace

int run_smtp_load(const SmtpLoadOptions& o) {
  net::io_context ioc;
  Shared s(o);
  s.latency_ms.reserve(static_cast<std::size_t>(o.messages));
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  for (int i = 0; i < o.connections; ++i) std::make_shared<Conn>(ioc, s)->start(ep);
  auto start = Clock::now();
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("messages acked              %ld of %ld (%ld failed) in %.2f s, %zu bytes each\n",
              s.acked, o.messages, s.failed, secs, message(s, 0).size());
  std::printf("throughput                  %.0f messages/s (%d SMTP connections)\n",
              static_cast<double>(s.acked) / secs, o.connections);
  print_latency("MAIL to final 250", s.latency_ms);
  return s.failed == 0 ? 0 : 1;
}

}  // namespace touchpoint::bench
