#include "server/chat_routes.hpp"

#include "protocol/origin.hpp"
#include "protocol/query_string.hpp"
#include "protocol/webchat.hpp"
#include "server/http_routes.hpp"
#include "server/web_assets.hpp"

namespace touchpoint::server {
namespace {

const WebFile* find(std::string_view path) {
  for (const auto& f : web_files())
    if (f.path == path) return &f;
  return nullptr;
}

std::vector<std::string> allowed_origins(const ChannelConfig& c) {
  auto it = c.lists.find("allowed_origins");
  return it == c.lists.end() ? std::vector<std::string>{} : it->second;
}

// "ws://host" for "http://host/...": the chat frame's CSP names the socket's origin too
// (older browsers do not count ws: as 'self').
std::string socket_origin(std::string_view public_url) {
  std::string_view scheme = public_url.substr(0, public_url.find("://"));
  std::string_view rest = public_url.substr(public_url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  return (scheme == "https" ? "wss://" : "ws://") + std::string(rest);
}

// The chat's page, framed only by the channel's allowed origins.
void frame_page(App& app, const HttpRequest& req, const Respond& respond) {
  auto query = protocol::parse_query_string(req.target);
  const ChannelConfig* channel = nullptr;
  if (query)
    if (auto t = query->find("website_token"); t != query->end())
      channel = chat_channel_by_token(app.config, t->second);
  if (!channel) return respond(error_response({Errc::not_found, "no web chat with this website_token"}));
  const WebFile* f = find("/chat/frame.html");
  if (!f) return respond(error_response({Errc::not_found, "this build has no web chat (TOUCHPOINT_WEB=OFF)"}));
  HttpResponse r{200, "text/html; charset=utf-8", std::string(f->body), {}};
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self' " + socket_origin(app.config.public_url) +
          "; base-uri 'none'; form-action 'none'; frame-ancestors " +
          protocol::chat_frame_ancestors(allowed_origins(*channel)));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  respond(std::move(r));
}

}  // namespace

const ChannelConfig* chat_channel_by_token(const Config& config, std::string_view token) {
  if (token.empty()) return nullptr;
  for (const auto& c : config.channels)
    if (c.type == "webchat" && c.get("website_token") == token) return &c;
  return nullptr;
}

void chat_route(App& app, const HttpRequest& req, std::string_view path, const Respond& respond) {
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = error_response({Errc::method_not_allowed, "only GET here"});
    r.headers.emplace_back("Allow", "GET, HEAD");
    return respond(std::move(r));
  }
  if (path == "/chat/frame") return frame_page(app, req, respond);
  if (path == "/chat/widget.js") {
    const WebFile* f = find("/chat/widget.js");
    if (!f) return respond(error_response({Errc::not_found, "this build has no web chat (TOUCHPOINT_WEB=OFF)"}));
    HttpResponse r{200, std::string(f->content_type), std::string(f->body), {}};
    // The embed names this path: a new build must reach pages within minutes, not a year.
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return respond(std::move(r));
  }
  if (path == "/chat/ws")
    return respond(error_response({Errc::bad_request, "this path takes a WebSocket upgrade"}));
  respond(error_response({Errc::not_found, "no such route"}));
}

ChatAdmission admit_chat(App& app, std::string_view target, std::string_view origin,
                         std::string_view host, const std::string& address) {
  auto query = protocol::parse_query_string(target);
  if (!query) return {nullptr, 400, "bad_request", "malformed query"};
  auto t = query->find("website_token");
  const ChannelConfig* channel = t == query->end() ? nullptr : chat_channel_by_token(app.config, t->second);
  if (!channel) return {nullptr, 404, "not_found", "no web chat with this website_token"};
  // Our own frame connects from the origin it was served from: public_url's, or the very host
  // the request names (Touchpoint reached by another name).
  bool ours = !origin.empty() && protocol::from_our_origin({origin, "", host}, app.config.public_url);
  if (!ours && !protocol::chat_origin_allowed(origin, allowed_origins(*channel), app.config.public_url))
    return {nullptr, 403, "forbidden", "this page's origin may not open this chat"};
  if (!app.chat_connections.allow(address))
    return {nullptr, 429, "too_many_requests", "too many new chat connections from this address; retry in a minute"};
  return {channel, 0, "", ""};
}

}  // namespace touchpoint::server
