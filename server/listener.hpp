#pragma once
// Listener: accepts TCP connections and starts one session per socket on its own strand.
#include <chrono>
#include <functional>
#include <memory>

#include "server/net.hpp"

namespace touchpoint::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using OnAccept = std::function<void(tcp::socket&&)>;
  // Called (on the listener's strand) when accept fails for want of file descriptors, before
  // the listener waits kExhaustedBackoff and tries again: free some (shed idle connections).
  using OnExhausted = std::function<void()>;
  static constexpr auto kExhaustedBackoff = std::chrono::milliseconds(50);
  // Binds and listens; throws boost::system::system_error with a clear message on failure
  // (port taken, address not local). Startup only.
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, OnAccept on_accept);
  void run();
  void on_exhausted(OnExhausted f) { on_exhausted_ = std::move(f); }  // before run()
  // Closes the acceptor on its strand, then calls then (there). Any thread.
  void stop(std::function<void()> then);
  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  OnAccept on_accept_;
  OnExhausted on_exhausted_;
  net::steady_timer backoff_;
  // Accept errors are logged once per kLogEvery with how many there were, never in a loop.
  std::chrono::steady_clock::time_point last_logged_{};
  std::size_t unlogged_errors_ = 0;
};

}  // namespace touchpoint::server
