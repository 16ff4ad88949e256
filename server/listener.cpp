#include "server/listener.hpp"

#include <spdlog/spdlog.h>

namespace touchpoint::server {

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, OnAccept on_accept)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), on_accept_(std::move(on_accept)) {
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
    // EMFILE and friends: log and keep accepting rather than going deaf.
    spdlog::warn("accept failed: {}", ec.message());
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    on_accept_(std::move(socket));
  }
  do_accept();
}

}  // namespace touchpoint::server
