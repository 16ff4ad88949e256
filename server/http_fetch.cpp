#include "server/http_fetch.hpp"

#include <chrono>
#include <memory>

#include "protocol/url.hpp"

namespace touchpoint::server {
namespace {

class Fetch : public std::enable_shared_from_this<Fetch> {
 public:
  Fetch(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done)
      : resolver_(net::make_strand(ioc)),
        stream_(resolver_.get_executor()),
        req_(std::move(req)),
        done_(std::move(done)) {}

  net::any_io_executor executor() { return resolver_.get_executor(); }

  void run() {
    auto url = protocol::parse_url(req_.url);
    if (!url) return finish({0, "", "not a valid URL: " + req_.url});
    if (url->scheme != "http")
      return finish({0, "", "https callbacks are not supported yet; use http"});
    msg_.method(http::string_to_verb(req_.method));
    msg_.target(url->target);
    msg_.version(11);
    msg_.set(http::field::host, url->host + ":" + url->port);
    msg_.set(http::field::user_agent, "touchpoint");
    for (auto& [k, v] : req_.headers) msg_.set(k, v);
    msg_.body() = req_.body;
    msg_.prepare_payload();
    stream_.expires_after(std::chrono::seconds(10));
    resolver_.async_resolve(url->host, url->port,
                            [self = shared_from_this()](beast::error_code ec,
                                                        tcp::resolver::results_type results) {
                              if (ec) return self->finish({0, "", "resolve: " + ec.message()});
                              self->stream_.async_connect(
                                  results, [self](beast::error_code ec2, const tcp::endpoint&) {
                                    if (ec2) return self->finish({0, "", "connect: " + ec2.message()});
                                    self->do_write();
                                  });
                            });
  }

 private:
  void do_write() {
    http::async_write(stream_, msg_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish({0, "", "write: " + ec.message()});
      self->parser_.body_limit(1024 * 1024);
      http::async_read(self->stream_, self->buf_, self->parser_,
                       [self](beast::error_code ec2, std::size_t) {
                         if (ec2) return self->finish({0, "", "read: " + ec2.message()});
                         auto& res = self->parser_.get();
                         self->finish({static_cast<int>(res.result_int()), res.body(), ""});
                       });
    });
  }

  void finish(FetchResult r) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    if (done_) std::exchange(done_, nullptr)(std::move(r));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  FetchRequest req_;
  std::function<void(FetchResult)> done_;
  http::request<http::string_body> msg_;
  beast::flat_buffer buf_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

void fetch(net::io_context& ioc, FetchRequest req, std::function<void(FetchResult)> done) {
  auto f = std::make_shared<Fetch>(ioc, std::move(req), std::move(done));
  net::dispatch(f->executor(), [f] { f->run(); });
}

}  // namespace touchpoint::server
