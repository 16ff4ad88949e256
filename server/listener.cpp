#include "server/listener.hpp"

#include <spdlog/spdlog.h>

namespace touchpoint::server {

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, OnAccept on_accept)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      on_accept_(std::move(on_accept)),
      backoff_(acceptor_.get_executor()) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { do_accept(); }

void Listener::stop(std::function<void()> then) {
  net::post(acceptor_.get_executor(), [self = shared_from_this(), then = std::move(then)] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
    then();
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // EMFILE and friends: the pending connection stays in the backlog, so accepting again at
    // once fails again at once (a busy loop). Free descriptors, wait a moment, log rarely.
    ++unlogged_errors_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_logged_ >= std::chrono::seconds(10)) {
      spdlog::warn("accept failed {} time(s) in the last interval: {}", unlogged_errors_,
                   ec.message());
      last_logged_ = now;
      unlogged_errors_ = 0;
    }
    bool exhausted = ec == net::error::no_descriptors || ec.value() == ENFILE ||
                     ec == net::error::no_buffer_space || ec == net::error::no_memory;
    if (exhausted && on_exhausted_) on_exhausted_();
    backoff_.expires_after(kExhaustedBackoff);
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  on_accept_(std::move(socket));
  do_accept();
}

}  // namespace touchpoint::server
