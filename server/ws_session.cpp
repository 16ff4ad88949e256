#include "server/ws_session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/agent_api.hpp"
#include "protocol/live_events.hpp"

namespace touchpoint::server {
namespace websocket = beast::websocket;
using protocol::WsOpcode;

WsSession::WsSession(tcp::socket&& socket, App& app)
    : ws_(std::move(socket)), app_(app), ping_timer_(ws_.get_executor()) {}

void WsSession::run(http::request<http::string_body> upgrade, Principal who,
                    std::optional<int64_t> after, std::string epoch) {
  who_ = std::move(who);
  after_ = after;
  epoch_ = std::move(epoch);
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "touchpoint"); }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return;
  beast::get_lowest_layer(ws_).expires_never();  // our own timer watches from here on
  last_heard_ = std::chrono::steady_clock::now();
  // Join first, then greet: an event published meanwhile is either in the replay or arrives
  // live after the hello, never lost (DESIGN gotcha 5).
  auto joined = app_.hub.join(weak_from_this(),
                              {who_.agent_id, role_allows(who_.role, "supervisor")}, after_, epoch_);
  enqueue(std::make_shared<const std::string>(protocol::ws_text_frame(
      R"({"type":"hello","data":)" +
      protocol::live_hello(joined.seq, app_.hub.epoch(), protocol::encode_agent(who_)) + "}")));
  if (joined.resync)
    enqueue(std::make_shared<const std::string>(protocol::ws_text_frame(
        R"({"type":"resync","data":{"seq":)" + std::to_string(joined.seq) + "}}")));
  for (auto& e : joined.replay) enqueue(std::move(e));
  app_.presence.connected(who_.agent_id);
  present_ = true;
  arm_ping();
  do_read();
}

// Consoles only listen; what they send is control frames (ping, pong, close), answered here.
void WsSession::do_read() {
  beast::get_lowest_layer(ws_).socket().async_read_some(
      net::buffer(read_buf_), beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t bytes) {
  if (ec || closed_) return drop();
  last_heard_ = std::chrono::steady_clock::now();
  reader_.feed({read_buf_.data(), bytes});
  while (auto m = reader_.next()) {
    if (m->opcode == WsOpcode::close) return close_with(1000);
    if (m->opcode == WsOpcode::ping && !closing_)
      enqueue(std::make_shared<const std::string>(protocol::ws_frame(WsOpcode::pong, m->payload)));
  }
  if (auto err = reader_.error()) return close_with(*err);
  do_read();
}

void WsSession::send(std::shared_ptr<const std::string> event) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.push_back(std::move(event));
    if (drain_posted_) return;
    drain_posted_ = true;
  }
  net::post(ws_.get_executor(),
            beast::bind_front_handler(&WsSession::drain_inbox, shared_from_this()));
}

void WsSession::drain_inbox() {
  std::vector<Frame> arrived;
  {
    std::lock_guard lock(inbox_mu_);
    arrived.swap(inbox_);
    drain_posted_ = false;
  }
  if (closing_) return;
  for (auto& f : arrived) enqueue(std::move(f));
}

void WsSession::enqueue(Frame frame) {
  if (closed_) return;
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (queued_bytes_ > kMaxUnsentBytes) {  // it is not reading: drop it, not our memory
    spdlog::info("live: closing the console of agent {}: {} bytes it has not read",
                 who_.agent_id, queued_bytes_);
    return drop();
  }
  if (writing_.empty()) do_write();
}

void WsSession::do_write() {
  std::vector<net::const_buffer> buffers;
  std::size_t batch = 0;
  while (!queue_.empty() && (writing_.empty() || batch + queue_.front()->size() <= kMaxBatchBytes)) {
    batch += queue_.front()->size();
    buffers.emplace_back(net::buffer(*queue_.front()));
    writing_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_bytes_ -= batch;
  write_started_ = std::chrono::steady_clock::now();
  net::async_write(beast::get_lowest_layer(ws_).socket(), buffers,
                   beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  writing_.clear();
  if (ec || closed_) return drop();
  if (!queue_.empty()) return do_write();
  if (closing_) drop();  // our close frame is out: the conversation is over
}

void WsSession::arm_ping() {
  ping_timer_.expires_after(kPingEvery);
  ping_timer_.async_wait(beast::bind_front_handler(&WsSession::on_ping_timer, shared_from_this()));
}

void WsSession::on_ping_timer(beast::error_code ec) {
  if (ec || closed_) return;
  auto now = std::chrono::steady_clock::now();
  bool stalled = !writing_.empty() && now - write_started_ > kSilentLimit;
  if (stalled || now - last_heard_ > kSilentLimit) return drop();
  if (!closing_) enqueue(std::make_shared<const std::string>(protocol::ws_frame(WsOpcode::ping, "")));
  arm_ping();
}

void WsSession::close_with(std::uint16_t code) {
  if (closing_ || closed_) return;
  enqueue(std::make_shared<const std::string>(protocol::ws_close_frame(code)));
  closing_ = true;
}

WsSession::~WsSession() {
  if (present_) app_.presence.disconnected(who_.agent_id);
}

void WsSession::drop() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  ping_timer_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace touchpoint::server
