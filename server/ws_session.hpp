#pragma once
// WsSession: one console's live event stream (GET /api/v1/live upgraded to a WebSocket).
// After the handshake it joins the Hub, sends "hello" (with the last seq and the server's
// epoch), then what it missed (or "resync"), then live events. Writes go through a bounded
// queue: a console too slow to keep up is disconnected, never buffered without limit; it
// reconnects with ?after=SEQ.
//
// Strand: every member is used only on the socket's strand; send() may be called from any
// thread and posts.
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/websocket.hpp>

#include "protocol/views.hpp"
#include "server/app.hpp"
#include "server/hub.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class WsSession : public LiveSink, public std::enable_shared_from_this<WsSession> {
 public:
  static constexpr std::size_t kMaxQueued = 1024;
  WsSession(tcp::socket&& socket, App& app);
  void run(http::request<http::string_body> upgrade, Principal who, std::optional<int64_t> after,
           std::string epoch);
  void send(std::shared_ptr<const std::string> event) override;

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_send(std::shared_ptr<const std::string> event);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);

  beast::websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  App& app_;
  Principal who_;
  std::optional<int64_t> after_;
  std::string epoch_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool closed_ = false;
};

}  // namespace touchpoint::server
