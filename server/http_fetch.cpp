#include "server/http_fetch.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <type_traits>
#include <openssl/ssl.h>

#include "protocol/url.hpp"

namespace touchpoint::server {
namespace {

namespace ssl = net::ssl;

FetchResult failure(std::string why) {
  FetchResult r;
  r.error = std::move(why);
  return r;
}

// One client TLS context for every outbound request: the system's CA store (SSL_CERT_FILE and
// SSL_CERT_DIR are honoured, as by every OpenSSL client), peer verification on, TLS 1.2+.
ssl::context& client_tls() {
  static ssl::context ctx = [] {
    ssl::context c(ssl::context::tls_client);
    c.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    c.set_default_verify_paths();
    c.set_verify_mode(ssl::verify_peer);
    return c;
  }();
  return ctx;
}

// Plain: the socket itself. TLS: handshake first, with SNI and host name verification.
struct Plain {
  beast::tcp_stream stream;
  explicit Plain(net::any_io_executor ex) : stream(std::move(ex)) {}
  beast::tcp_stream& lowest() { return stream; }
  template <class F>
  void handshake(const std::string&, F&& f) { f(beast::error_code{}); }
  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
  }
};

struct Tls {
  beast::ssl_stream<beast::tcp_stream> stream;
  explicit Tls(net::any_io_executor ex) : stream(std::move(ex), client_tls()) {}
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream); }
  template <class F>
  void handshake(const std::string& host, F&& f) {
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
      return f(beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
    stream.set_verify_callback(ssl::host_name_verification(host));
    stream.async_handshake(ssl::stream_base::client, std::forward<F>(f));
  }
  // No TLS close_notify exchange: the answer is already read, and a peer that never answers
  // it must not hold us for the timeout.
  void close() { lowest().close(); }
};

template <class Conn>
class Fetch : public std::enable_shared_from_this<Fetch<Conn>> {
 public:
  Fetch(net::io_context& ioc, FetchRequest req, protocol::Url url,
        std::function<void(FetchResult)> done)
      : resolver_(net::make_strand(ioc)),
        conn_(resolver_.get_executor()),
        req_(std::move(req)),
        url_(std::move(url)),
        done_(std::move(done)) {}

  net::any_io_executor executor() { return resolver_.get_executor(); }

  void run() {
    msg_.method(http::string_to_verb(req_.method));
    msg_.target(url_.target);
    msg_.version(11);
    bool default_port = url_.port == (std::is_same_v<Conn, Tls> ? "443" : "80");
    msg_.set(http::field::host, default_port ? url_.host : url_.host + ":" + url_.port);
    msg_.set(http::field::user_agent, "touchpoint");
    for (auto& [k, v] : req_.headers) msg_.set(k, v);
    msg_.body() = req_.body;
    msg_.prepare_payload();
    conn_.lowest().expires_after(std::chrono::seconds(req_.max_body > 1024 * 1024 ? 60 : 10));
    resolver_.async_resolve(
        url_.host, url_.port,
        [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          if (ec) return self->finish(failure("resolve: " + ec.message()));
          self->conn_.lowest().async_connect(
              results, [self](beast::error_code ec2, const tcp::endpoint&) {
                if (ec2) return self->finish(failure("connect: " + ec2.message()));
                self->conn_.handshake(self->url_.host, [self](beast::error_code ec3) {
                  if (ec3) return self->finish(failure("tls: " + ec3.message()));
                  self->do_write();
                });
              });
        });
  }

 private:
  void do_write() {
    http::async_write(conn_.stream, msg_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->finish(failure("write: " + ec.message()));
                        self->parser_.body_limit(self->req_.max_body);
                        http::async_read(self->conn_.stream, self->buf_, self->parser_,
                                         [self](beast::error_code ec2, std::size_t) {
                                           if (ec2) return self->finish(failure("read: " + ec2.message()));
                                           auto& res = self->parser_.get();
                                           self->finish({static_cast<int>(res.result_int()),
                                                         std::move(res.body()), "",
                                                         std::string(res[http::field::content_type]),
                                                         std::string(res[http::field::location])});
                                         });
                      });
  }

  void finish(FetchResult r) {
    conn_.close();
    if (done_) std::exchange(done_, nullptr)(std::move(r));
  }

  tcp::resolver resolver_;
  Conn conn_;
  FetchRequest req_;
  protocol::Url url_;
  std::function<void(FetchResult)> done_;
  http::request<http::string_body> msg_;
  beast::flat_buffer buf_;
  http::response_parser<http::string_body> parser_;
};

template <class Conn>
void start(net::io_context& ioc, FetchRequest req, protocol::Url url,
           std::function<void(FetchResult)> done) {
  auto f = std::make_shared<Fetch<Conn>>(ioc, std::move(req), std::move(url), std::move(done));
  net::dispatch(f->executor(), [f] { f->run(); });
}

void fetch_once(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done) {
  auto url = protocol::parse_url(req.url);
  if (!url) {
    return net::post(ioc, [done = std::move(done)] {
      done(failure("the channel's URL is not a valid http(s) URL"));
    });
  }
  if (url->scheme == "https") return start<Tls>(ioc, std::move(req), std::move(*url), std::move(done));
  start<Plain>(ioc, std::move(req), std::move(*url), std::move(done));
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The absolute URL a Location names, relative to the URL that answered.
std::string resolve_location(const std::string& from, const std::string& location) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
  auto u = protocol::parse_url(from);
  if (!u || location.empty() || location[0] != '/') return "";
  return u->scheme + "://" + u->host + ":" + u->port + location;
}

}  // namespace

void fetch(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done) {
  auto previous = std::make_shared<FetchRequest>(req);
  fetch_once(ioc, std::move(req),
             [&ioc, previous, done = std::move(done)](FetchResult r) mutable {
               if (!is_redirect(r.status) || previous->max_redirects <= 0 || r.location.empty())
                 return done(std::move(r));
               FetchRequest next = *previous;
               next.url = resolve_location(previous->url, r.location);
               if (next.url.empty()) return done(std::move(r));
               --next.max_redirects;
               if (r.status == 303) {
                 next.method = "GET";
                 next.body.clear();
               }
               auto a = protocol::parse_url(previous->url), b = protocol::parse_url(next.url);
               if (!a || !b || a->host != b->host || a->scheme != b->scheme)
                 std::erase_if(next.headers, [](const auto& h) {
                   return h.first == "Authorization" || h.first == "authorization";
                 });
               fetch(ioc, std::move(next), std::move(done));
             });
}

}  // namespace touchpoint::server
