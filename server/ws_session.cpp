#include "server/ws_session.hpp"

#include "protocol/agent_api.hpp"
#include "protocol/live_events.hpp"

namespace touchpoint::server {
namespace websocket = beast::websocket;

WsSession::WsSession(tcp::socket&& socket, App& app) : ws_(std::move(socket)), app_(app) {}

void WsSession::run(http::request<http::string_body> upgrade, Principal who,
                    std::optional<int64_t> after, std::string epoch) {
  who_ = std::move(who);
  after_ = after;
  epoch_ = std::move(epoch);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(64 * 1024);
  ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return;
  // Join first, then greet: an event published meanwhile is either in the replay or arrives
  // live after the hello, never lost (DESIGN gotcha 5).
  auto joined = app_.hub.join(weak_from_this(), after_, epoch_);
  on_send(std::make_shared<const std::string>(
      R"({"type":"hello","data":)" +
      protocol::live_hello(joined.seq, app_.hub.epoch(), protocol::encode_agent(who_)) + "}"));
  if (joined.resync)
    on_send(std::make_shared<const std::string>(R"({"type":"resync","data":{"seq":)" +
                                                std::to_string(joined.seq) + "}}"));
  for (auto& e : joined.replay) on_send(e);
  do_read();
}

// Consoles only listen; reading keeps control frames (ping, close) flowing.
void WsSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    closed_ = true;
    return;
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void WsSession::send(std::shared_ptr<const std::string> event) {
  net::post(ws_.get_executor(),
            beast::bind_front_handler(&WsSession::on_send, shared_from_this(), std::move(event)));
}

void WsSession::on_send(std::shared_ptr<const std::string> event) {
  if (closed_) return;
  if (queue_.size() >= kMaxQueued) {  // too slow: drop the connection, not the memory
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  queue_.push_back(std::move(event));
  if (queue_.size() == 1) do_write();
}

void WsSession::do_write() {
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    closed_ = true;
    queue_.clear();
    return;
  }
  queue_.pop_front();
  if (!queue_.empty()) do_write();
}

}  // namespace touchpoint::server
