#pragma once
// Listener: accepts TCP connections and starts one session per socket on its own strand.
#include <functional>
#include <memory>

#include "server/net.hpp"

namespace touchpoint::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using OnAccept = std::function<void(tcp::socket&&)>;
  // Binds and listens; throws boost::system::system_error with a clear message on failure
  // (port taken, address not local). Startup only.
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, OnAccept on_accept);
  void run();
  // Closes the acceptor on its strand, then calls then (there). Any thread.
  void stop(std::function<void()> then);
  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  OnAccept on_accept_;
};

}  // namespace touchpoint::server
