#include "server/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>

#include "protocol/ascii.hpp"
#include "protocol/http_field.hpp"
#include "protocol/utf8.hpp"
#include "protocol/json_error.hpp"
#include "protocol/query_string.hpp"
#include "server/auth.hpp"
#include "server/chat_routes.hpp"
#include "server/chat_session.hpp"
#include "server/http_routes.hpp"
#include "server/ws_session.hpp"

namespace touchpoint::server {
namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, App& app) : stream_(std::move(socket)), app_(app) {}

HttpSession::~HttpSession() { not_idle(); }

void HttpSession::not_idle() {
  if (idle_ticket_) app_.idle.done(std::exchange(idle_ticket_, 0));
}

void HttpSession::shed() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    if (self->idle_ticket_) self->stream_.socket().close(ignored);  // the read ends; so do we
  });
}

void HttpSession::run() {
  // We may be on the acceptor's executor: start on our own strand.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxAnyBodyBytes);  // until the path tells which limit applies
  stream_.expires_after(kRequestTimeout);
  idle_ticket_ = app_.idle.waiting(weak_from_this());
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

// The limit is checked against Content-Length as soon as the headers are in, so a client
// learns at once without uploading the body; a chunked body is cut off at the limit.
void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
  not_idle();
  if (ec) return on_read(ec, bytes);
  std::size_t limit = body_limit_for(parser_->get().target());
  if (auto length = parser_->content_length(); length && *length > limit)
    return fail_request(http::status::payload_too_large, "too_large",
                        "the body is larger than " + std::to_string(limit) + " bytes");
  parser_->body_limit(limit);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit)
    return fail_request(http::status::payload_too_large, "too_large",
                        "the body is larger than " +
                            std::to_string(body_limit_for(parser_->get().target())) + " bytes");
  if (ec == http::error::header_limit)
    return fail_request(http::status::request_header_fields_too_large, "too_large",
                        "the headers are too large");
  if (ec == beast::error::timeout || ec == net::error::operation_aborted) return do_close();
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
      return fail_request(http::status::bad_request, "bad_request", "malformed HTTP request");
    return do_close();
  }

  auto& req = parser_->get();
  keep_alive_ = req.keep_alive();
  version_ = req.version();
  if (app_.draining.load()) {
    keep_alive_ = false;
    return fail_request(http::status::service_unavailable, "unavailable",
                        "the server is shutting down; retry shortly");
  }
  if (beast::websocket::is_upgrade(req)) return do_upgrade();
  started_ = std::chrono::steady_clock::now();
  ++app_.in_flight;
  beast::error_code ep_ec;
  auto peer = stream_.socket().remote_endpoint(ep_ec);
  HttpRequest r{std::string(req.method_string()), std::string(req.target()),
                std::string(req[http::field::content_type]),
                std::string(req[http::field::authorization]),
                std::string(req[http::field::cookie]),
                ep_ec ? std::string() : peer.address().to_string(), std::move(req.body()), {}};
  for (const auto& field : req) {
    r.headers.emplace_back(protocol::ascii_lower(field.name_string()), std::string(field.value()));
  }
  // The reply may come from the storage thread: hop back to our strand, and keep our
  // io_context alive until it does.
  auto work = std::make_shared<net::executor_work_guard<net::any_io_executor>>(
      stream_.get_executor());
  Respond respond = [self = shared_from_this(), work](HttpResponse response) {
    net::post(self->stream_.get_executor(),
              [self, work, response = std::move(response)]() mutable {
                self->on_response(std::move(response));
              });
  };
  handle_request(app_, r, respond, route_);
}

void HttpSession::on_response(HttpResponse r) {
  app_.metrics.request(route_, r.status,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - started_)
                           .count());
  if (r.status >= 500) spdlog::warn("{} answered {}: {}", route_, r.status, r.body);
  res_ = {};
  res_.version(version_);
  res_.result(static_cast<http::status>(r.status));
  res_.set(http::field::server, "touchpoint");
  res_.set(http::field::content_type, r.content_type);
  res_.set("X-Content-Type-Options", "nosniff");
  // Everything under /api/ answers for a signed-in caller (or hands out a token): never cached.
  if (route_.substr(0, 5) == "/api/") res_.set(http::field::cache_control, "no-store");
  for (auto& [k, v] : r.headers) {
    // A header built from stored text must not start another header (response splitting).
    if (!protocol::is_http_token(k) || !protocol::is_field_value(v)) {
      spdlog::error("{}: dropped header {} with a value no HTTP header may carry", route_, k);
      continue;
    }
    res_.set(k, v);
  }
  // The last guard of "never emit invalid UTF-8": text stored before inputs were checked, or
  // a path we missed, still leaves as valid JSON (U+FFFD where the bytes were broken).
  if (r.content_type.substr(0, 16) == "application/json" && !protocol::is_valid_utf8(r.body)) {
    spdlog::warn("{}: repaired invalid UTF-8 in a JSON answer", route_);
    r.body = protocol::repair_utf8(r.body);
  }
  res_.body() = std::move(r.body);
  bool keep_alive = keep_alive_ && !app_.draining.load();
  res_.keep_alive(keep_alive);
  res_.prepare_payload();
  stream_.expires_after(kRequestTimeout);
  http::async_write(stream_, res_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              keep_alive, true));
}

void HttpSession::fail_request(http::status status, std::string_view code,
                               std::string_view message) {
  res_ = {};
  res_.version(version_);
  res_.result(status);
  res_.set(http::field::server, "touchpoint");
  res_.set(http::field::content_type, "application/json");
  res_.set("X-Content-Type-Options", "nosniff");
  if (status == http::status::service_unavailable) res_.set(http::field::retry_after, "1");
  res_.body() = protocol::encode_error(code, message);
  res_.keep_alive(false);  // the rest of the stream cannot be trusted
  res_.prepare_payload();
  app_.metrics.request("rejected", static_cast<int>(status), 0);
  stream_.expires_after(kRequestTimeout);
  http::async_write(stream_, res_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), false,
                                              false));
}

void HttpSession::on_write(bool keep_alive, bool counted, beast::error_code ec, std::size_t) {
  // A request is in flight until its answer is written: shutdown waits for that.
  if (counted) --app_.in_flight;
  if (ec) return do_close();
  if (!keep_alive) return do_close();
  do_read();
}

// GET /api/v1/live with Upgrade: websocket. Authenticated like every /api/v1 call (bearer
// header, ?token= for browsers that cannot set headers on a WebSocket, or the session cookie);
// ?after=SEQ&epoch=E asks for what was missed since.
void HttpSession::do_upgrade() {
  auto& req = parser_->get();
  std::string_view target = req.target();
  if (target.substr(0, target.find('?')) == "/chat/ws") return do_chat_upgrade();
  if (target.substr(0, target.find('?')) != "/api/v1/live")
    return fail_request(http::status::not_found, "not_found", "no WebSocket at this path");
  auto query = protocol::parse_query_string(target);
  if (!query) return fail_request(http::status::bad_request, "bad_request", "malformed query");
  HttpRequest probe;
  probe.authorization = std::string(req[http::field::authorization]);
  probe.cookie = std::string(req[http::field::cookie]);
  if (auto t = query->find("token"); t != query->end() && probe.authorization.empty())
    probe.authorization = "Bearer " + t->second;
  for (auto field : {http::field::origin, http::field::host})
    probe.headers.emplace_back(protocol::ascii_lower(http::to_string(field)), std::string(req[field]));
  probe.headers.emplace_back("sec-fetch-site", std::string(req["Sec-Fetch-Site"]));
  auto credential = credential_of(probe);
  if (!credential) return fail_request(http::status::unauthorized, "unauthorized", "sign in first");
  // Cross-site WebSocket hijacking: any page may open a WebSocket to us and the browser sends
  // our cookie with it. On the cookie alone, only our own pages may listen.
  if (credential->from_cookie && !from_our_origin(probe, app_.config.public_url))
    return fail_request(http::status::forbidden, "forbidden",
                        "cross-site WebSocket refused: connect from Touchpoint's own pages");
  std::optional<int64_t> after;
  if (auto a = query->find("after"); a != query->end()) {
    try {
      after = std::stoll(a->second);
    } catch (...) {
      return fail_request(http::status::bad_request, "bad_request", "after must be a number");
    }
  }
  std::string epoch = query->count("epoch") ? query->at("epoch") : "";
  auto self = shared_from_this();
  bool queued = app_.readers.submit<std::optional<Principal>>(
      [hash = token_hash(credential->token), now = app_.now()](storage::TicketReader& r) {
        return r.authenticate(hash, now);
      },
      [self, after, epoch](Result<std::optional<Principal>> who) {
        net::post(self->stream_.get_executor(), [self, who = std::move(who), after, epoch] {
          if (!who)
            return self->fail_request(http::status::service_unavailable, "unavailable",
                                      "cannot check the token now; retry");
          if (!who.value())
            return self->fail_request(http::status::unauthorized, "unauthorized",
                                      "the token is invalid, expired or revoked");
          std::make_shared<WsSession>(self->stream_.release_socket(), self->app_)
              ->run(self->parser_->release(), *who.value(), after, epoch);
        });
      });
  if (!queued)
    fail_request(http::status::service_unavailable, "unavailable", "busy; retry shortly");
}

// GET /chat/ws: a web chat tab. Admitted before the upgrade (token, Origin, rate); the
// session does the rest.
void HttpSession::do_chat_upgrade() {
  auto& req = parser_->get();
  beast::error_code ep_ec;
  auto peer = stream_.socket().remote_endpoint(ep_ec);
  auto admitted = admit_chat(app_, req.target(), req[http::field::origin], req[http::field::host],
                             ep_ec ? std::string() : peer.address().to_string());
  if (!admitted.channel) {
    return fail_request(static_cast<http::status>(admitted.status), admitted.code, admitted.message);
  }
  std::make_shared<ChatSession>(stream_.release_socket(), app_, *admitted.channel)
      ->run(parser_->release());
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace touchpoint::server
