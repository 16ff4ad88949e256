#pragma once
// HttpSession: one HTTP/1.1 connection with keep-alive. Reads one request at a time (bounded
// header and body, 30 s timeout), hands it to handle_request, and writes the answer when it
// comes back, possibly from the storage thread.
//
// Strand: every member is used only on the socket's strand. Lives as long as its pending
// operations (shared_from_this bound into each).
#include <chrono>
#include <memory>
#include <optional>

#include "server/app.hpp"
#include "server/idle_connections.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class HttpSession : public Sheddable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, App& app);
  ~HttpSession() override;
  void run();
  void shed() override;  // out of file descriptors: close if still waiting for a request

 private:
  void do_read();
  void on_header(beast::error_code ec, std::size_t bytes);
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_response(HttpResponse r);
  void on_write(bool keep_alive, bool counted, beast::error_code ec, std::size_t bytes);
  void fail_request(http::status status, std::string_view code, std::string_view message);
  void do_close();
  void do_upgrade();
  void do_chat_upgrade();
  void not_idle();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  App& app_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  std::string_view route_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t idle_ticket_ = 0;  // in App::idle while waiting for a request
};

}  // namespace touchpoint::server
