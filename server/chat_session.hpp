#pragma once
// ChatSession: one web chat tab (GET /chat/ws upgraded to a WebSocket; the contract's "Web
// chat" frames). The first frame is hello: the visitor's signed token (or none: a new visitor,
// who is stored nowhere until they send a message), and the last seq the tab has. The session
// joins the ChatHub first, then replays the conversation after that seq from the store, then
// passes live frames on; a line that arrived live during the replay is sent once, in order.
//
// A visitor's message goes through the one ingest path (TicketStore::record_inbound, the same
// group commit, deduplicated on the visitor's client_id) and is acknowledged only after its
// COMMIT, with the message's seq; the line reaches the visitor's other tabs.
//
// Strand: every member is used only on the socket's strand; deliver() may be called from any
// thread.
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/websocket.hpp>

#include "protocol/webchat.hpp"
#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class ChatSession : public ChatSink, public std::enable_shared_from_this<ChatSession> {
 public:
  static constexpr std::size_t kMaxUnsentBytes = 1 << 20;  // a tab that stops reading is closed
  static constexpr std::size_t kReplayPage = 500;
  static constexpr double kBurst = 10;       // messages a tab may send at once
  static constexpr double kPerSecond = 2;    // and then per second
  static constexpr auto kIdle = std::chrono::seconds(60);  // silent this long (pings unanswered): closed

  ChatSession(tcp::socket&& socket, App& app, const ChannelConfig& channel);
  ~ChatSession() override;
  void run(http::request<http::string_body> upgrade);
  void deliver(std::shared_ptr<const std::string> frame, int64_t seq) override;

 private:
  using Frame = std::shared_ptr<const std::string>;
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(std::string_view text);
  void hello(protocol::ChatHello h);
  void replay(int64_t after, bool first);
  void say(protocol::ChatSay s);
  void answer(const protocol::ChatSurveyAnswer& a);
  void typing(bool on);
  void live(Frame frame, int64_t seq);  // on the strand
  void send(Frame frame);
  void send_text(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  void send_error(std::string_view code, std::string_view message);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close(beast::websocket::close_code code);
  bool take_message_token();

  beast::websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  App& app_;
  const ChannelConfig& channel_;

  std::deque<Frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;

  enum class Stage { waiting_hello, replaying, live };
  Stage stage_ = Stage::waiting_hello;
  std::string visitor_;                    // after hello
  std::optional<std::string> name_, email_;
  std::string language_;  // the browser's, from the hello
  std::vector<std::pair<Frame, int64_t>> held_;  // live frames that came during the replay
  int64_t replayed_ = 0;                   // the highest seq the replay sent
  int64_t ticket_id_ = 0;                  // the conversation's latest ticket (0: none yet)
  bool joined_ = false;
  bool typing_ = false;
  double tokens_ = kBurst;
  std::chrono::steady_clock::time_point refilled_ = std::chrono::steady_clock::now();
};

}  // namespace touchpoint::server
