#pragma once
// WsSession: one console's live event stream (GET /api/v1/live upgraded to a WebSocket).
// After the handshake it joins the Hub, sends "hello" (with the last seq and the server's
// epoch), then what it missed (or "resync"), then live events.
//
// Beast does the handshake; after it, frames go straight to the socket: events arrive already
// framed by the Hub (the same bytes for every console), and every write takes all that is
// queued (up to kMaxBatchBytes) in one gather write, so a burst costs a console one syscall, not
// one per event. A console is dropped only for bytes it has not taken (kMaxUnsentBytes queued
// behind a full socket), never for how many events arrived at once; it reconnects with
// ?after=SEQ. Pings every kPingEvery; a console silent for kSilentLimit, or whose writes stall
// that long, is closed.
//
// Strand: every member but the inbox is used only on the socket's strand. send() may be called
// from any thread: it appends to the inbox and posts one drain for however many events arrive
// meanwhile.
#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/websocket.hpp>

#include "protocol/views.hpp"
#include "protocol/websocket_frame.hpp"
#include "server/app.hpp"
#include "server/hub.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class WsSession : public LiveSink, public std::enable_shared_from_this<WsSession> {
 public:
  static constexpr std::size_t kMaxUnsentBytes = 8 << 20;
  static constexpr std::size_t kMaxBatchBytes = 256 << 10;
  static constexpr auto kPingEvery = std::chrono::seconds(30);
  static constexpr auto kSilentLimit = std::chrono::seconds(75);

  WsSession(tcp::socket&& socket, App& app);
  ~WsSession() override;
  void run(http::request<http::string_body> upgrade, Principal who, std::optional<int64_t> after,
           std::string epoch);
  void send(std::shared_ptr<const std::string> event) override;

 private:
  using Frame = std::shared_ptr<const std::string>;
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void drain_inbox();
  void enqueue(Frame frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void arm_ping();
  void on_ping_timer(beast::error_code ec);
  void close_with(std::uint16_t code);  // a close frame after what is queued, then shutdown
  void drop();                           // at once: the socket is closed, nothing more is sent

  beast::websocket::stream<beast::tcp_stream> ws_;  // for the handshake; then its socket, raw
  App& app_;
  Principal who_;
  std::optional<int64_t> after_;
  std::string epoch_;

  std::mutex inbox_mu_;
  std::vector<Frame> inbox_;   // guarded by inbox_mu_
  bool drain_posted_ = false;  // guarded by inbox_mu_

  std::deque<Frame> queue_;     // framed, not yet handed to a write
  std::size_t queued_bytes_ = 0;
  std::vector<Frame> writing_;  // the frames of the write in flight
  std::chrono::steady_clock::time_point write_started_;
  protocol::WsFrameReader reader_{64 * 1024};
  std::array<char, 4096> read_buf_{};
  net::steady_timer ping_timer_;
  std::chrono::steady_clock::time_point last_heard_;
  bool closing_ = false;  // a close frame is queued: nothing else goes out
  bool closed_ = false;
  bool present_ = false;  // counted in presence: uncounted when the session ends
};

}  // namespace touchpoint::server
