#include "server/chat_session.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "protocol/hex.hpp"
#include "server/ingest.hpp"

namespace touchpoint::server {
namespace websocket = beast::websocket;

namespace {

std::string new_visitor_id() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

struct Stored {
  Recorded recorded;
  int64_t seq = 0;
};

}  // namespace

ChatSession::ChatSession(tcp::socket&& socket, App& app, const ChannelConfig& channel)
    : ws_(std::move(socket)), app_(app), channel_(channel) {}

ChatSession::~ChatSession() {
  if (joined_) app_.chat.leave(channel_.name, visitor_, this);
}

void ChatSession::run(http::request<http::string_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the stream's own timeouts below
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(30);
  t.idle_timeout = kIdle;  // Beast pings at half of it; a tab that answers nothing is closed
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.read_message_max(protocol::kMaxChatFrameBytes);  // beyond: closed with 1009
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "touchpoint"); }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&ChatSession::on_accept, shared_from_this()));
}

void ChatSession::on_accept(beast::error_code ec) {
  if (ec) return;
  do_read();
}

void ChatSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ChatSession::on_read, shared_from_this()));
}

void ChatSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    closed_ = true;
    return;
  }
  if (!ws_.got_text()) return close(websocket::close_code::unknown_data);  // 1003: text only
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handle(text);
  if (!closed_) do_read();
}

void ChatSession::handle(std::string_view text) {
  auto frame = protocol::parse_chat_frame(text);
  if (!frame) {
    auto e = protocol::chat_error_of(frame.error());
    return send_error(e.code, e.message);
  }
  if (auto* h = std::get_if<protocol::ChatHello>(&frame.value())) {
    if (stage_ != Stage::waiting_hello) return send_error("bad_frame", "hello comes once, first");
    return hello(std::move(*h));
  }
  if (std::holds_alternative<protocol::ChatPing>(frame.value())) return send_text(std::string(protocol::kChatPong));
  if (stage_ == Stage::waiting_hello) return send_error("hello_first", "send hello first");
  if (auto* s = std::get_if<protocol::ChatSay>(&frame.value())) return say(std::move(*s));
  if (auto* t = std::get_if<protocol::ChatTyping>(&frame.value())) return typing(t->on);
  if (auto* a = std::get_if<protocol::ChatSurveyAnswer>(&frame.value())) return answer(*a);
}

// A valid token names the visitor; anything else starts a new one (never another's).
void ChatSession::hello(protocol::ChatHello h) {
  std::optional<std::string> known;
  if (h.visitor_token) known = protocol::visitor_of_token(app_.secret, channel_.name, *h.visitor_token);
  visitor_ = known ? *known : new_visitor_id();
  name_ = std::move(h.name);
  email_ = std::move(h.email);
  language_ = std::move(h.language);
  stage_ = Stage::replaying;
  // Join first, then read: a line committed meanwhile is in the replay or arrives live (held
  // until the replay is out, then sent only if the replay did not have it).
  app_.chat.join(channel_.name, visitor_, weak_from_this());
  joined_ = true;
  if (!known) {  // nothing to replay: a new conversation starts at seq 0
    send_text(protocol::encode_chat_welcome(protocol::visitor_token(app_.secret, channel_.name, visitor_), 0,
                                            app_.presence.count(Presence::Status::online) > 0));
    stage_ = Stage::live;
    for (auto& [f, seq] : std::exchange(held_, {})) live(std::move(f), seq);
    return;
  }
  replay(h.after, true);
}

void ChatSession::replay(int64_t after, bool first) {
  auto self = shared_from_this();
  bool queued = app_.readers.submit<storage::ChatReplay>(
      [channel = channel_.name, visitor = visitor_, after](storage::TicketReader& r) {
        return r.chat_replay(channel, visitor, after, kReplayPage);
      },
      [self, first, after](Result<storage::ChatReplay> r) {
        net::post(self->ws_.get_executor(), [self, first, after, r = std::move(r)]() mutable {
          if (self->closed_) return;
          if (!r) {
            self->send_error("unavailable", "cannot read the conversation now; reconnect shortly");
            return self->close(websocket::close_code::try_again_later);
          }
          auto& replay = r.value();
          if (first) {
            self->ticket_id_ = replay.ticket_id;
            self->send_text(protocol::encode_chat_welcome(
                protocol::visitor_token(self->app_.secret, self->channel_.name, self->visitor_),
                replay.last_seq, self->app_.presence.count(Presence::Status::online) > 0));
          }
          for (const auto& line : replay.lines) {
            self->send_text(protocol::encode_chat_line(line));
            self->replayed_ = line.seq;
          }
          if (replay.lines.size() == kReplayPage) return self->replay(self->replayed_, false);
          self->replayed_ = std::max(self->replayed_, after);
          self->stage_ = Stage::live;
          for (auto& [f, seq] : std::exchange(self->held_, {})) self->live(std::move(f), seq);
        });
      });
  if (!queued) {
    send_error("unavailable", "busy; reconnect shortly");
    close(websocket::close_code::try_again_later);
  }
}

bool ChatSession::take_message_token() {
  auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(kBurst, tokens_ + std::chrono::duration<double>(now - refilled_).count() * kPerSecond);
  refilled_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void ChatSession::say(protocol::ChatSay s) {
  if (!take_message_token())
    return send_text(R"({"type":"error","code":"rate_limited","message":"too many messages; )"
                     R"(send it again in a moment","client_id":")" + s.client_id + "\"}");
  auto contact = protocol::chat_contact(channel_.name, visitor_, s, name_, email_, language_, app_.now());
  auto self = shared_from_this();
  bool queued = app_.writer.submit<Stored>(
      [c = std::move(contact)](storage::TicketStore& store) -> Result<Stored> {
        auto r = store.record_inbound(c);
        if (!r) return r.error();
        auto seq = store.chat_seq(r->message_id);
        if (!seq) return seq.error();
        return Stored{r.value(), seq.value()};
      },
      [self, s = std::move(s)](Result<Stored> r) mutable {
        if (r) announce_inbound(self->app_, "webchat", r->recorded);
        net::post(self->ws_.get_executor(), [self, s = std::move(s), r = std::move(r)] {
          if (!r) {
            auto code = r.error().code == Errc::unavailable ? "unavailable" : "refused";
            return self->send_text(std::string(R"({"type":"error","code":")") + code +
                                   R"(","message":"the message was not stored; send it again",)"
                                   R"("client_id":")" + s.client_id + "\"}");
          }
          const Stored& st = r.value();
          self->ticket_id_ = st.recorded.ticket_id;
          self->send_text(protocol::encode_chat_ack(s.client_id, st.recorded.message_id, st.seq));
          if (st.recorded.duplicate) return;
          protocol::ChatLine line;
          line.seq = st.seq;
          line.message_id = st.recorded.message_id;
          line.author = "customer";
          line.text = s.text;
          line.created_at = self->app_.now();
          line.client_id = s.client_id;
          self->app_.chat.deliver(self->channel_.name, self->visitor_,
                                  std::make_shared<const std::string>(protocol::encode_chat_line(line)),
                                  st.seq, self.get());
        });
      });
  if (!queued) {
    app_.metrics.overloaded();
    send_text(R"({"type":"error","code":"unavailable","message":"busy; send it again shortly","client_id":")" +
              s.client_id + "\"}");
  }
}

void ChatSession::answer(const protocol::ChatSurveyAnswer& a) {
  if (!take_message_token()) return send_error("rate_limited", "too many frames; try again in a moment");
  auto self = shared_from_this();
  std::string comment = a.comment ? protocol::clip_comment(*a.comment) : std::string();
  bool queued = app_.writer.submit<storage::SurveyAnswer>(
      [channel = channel_.name, visitor = visitor_, a, comment](storage::TicketStore& s) {
        return s.answer_chat_survey(channel, visitor, a.id, a.score, comment);
      },
      [self](Result<storage::SurveyAnswer> r) {
        net::post(self->ws_.get_executor(), [self, r = std::move(r)] {
          if (r) return self->send_text(R"({"type":"survey_answered","id":)" +
                                        std::to_string(r->survey_id) + "}");
          switch (r.error().code) {
            case Errc::not_found: return self->send_error("not_found", "no such survey here");
            case Errc::conflict: return self->send_error("expired", "the survey has expired");
            case Errc::bad_request: return self->send_error("bad_score", r.error().message);
            default: return self->send_error("unavailable", "not recorded; try again shortly");
          }
        });
      });
  if (!queued) send_error("unavailable", "busy; try again shortly");
}

// The agents see it on the ticket; never stored.
void ChatSession::typing(bool on) {
  if (on == typing_ || ticket_id_ == 0) return;
  typing_ = on;
  app_.hub.publish("ticket.customer_typing", R"({"ticket_id":)" + std::to_string(ticket_id_) +
                                                 R"(,"typing":)" + (on ? "true" : "false") + "}");
}

void ChatSession::deliver(std::shared_ptr<const std::string> frame, int64_t seq) {
  net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame), seq]() mutable {
    self->live(std::move(frame), seq);
  });
}

void ChatSession::live(Frame frame, int64_t seq) {
  if (closed_) return;
  if (stage_ != Stage::live) {
    held_.emplace_back(std::move(frame), seq);
    return;
  }
  if (seq > 0 && seq <= replayed_) return;  // the replay had it
  send(std::move(frame));
}

void ChatSession::send_error(std::string_view code, std::string_view message) {
  send_text(protocol::encode_chat_error(code, message));
}

void ChatSession::send(Frame frame) {
  if (closed_) return;
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (queued_bytes_ > kMaxUnsentBytes) {
    spdlog::info("chat: closing a tab of visitor {} on {}: {} bytes it has not read", visitor_,
                 channel_.name, queued_bytes_);
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  if (!writing_) do_write();
}

void ChatSession::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&ChatSession::on_write, shared_from_this()));
}

void ChatSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    closed_ = true;
    return;
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!queue_.empty() && !closed_) do_write();
}

void ChatSession::close(websocket::close_code code) {
  if (closed_) return;
  closed_ = true;
  if (writing_) {  // one write at a time: the close follows the frame being written
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  ws_.async_close(code, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace touchpoint::server
