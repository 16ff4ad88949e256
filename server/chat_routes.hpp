#pragma once
// The web chat's HTTP side (the contract's "Web chat"): /chat/widget.js, the loader a website
// embeds; /chat/frame, the page of the chat itself, which the loader shows in an iframe and
// whose CSP frame-ancestors names the channel's allowed_origins; and the checks /chat/ws makes
// before it upgrades (token, Origin, rate).
#include <string_view>

#include "server/app.hpp"

namespace touchpoint::server {

// The webchat channel with this website token; nullptr when none.
const ChannelConfig* chat_channel_by_token(const Config& config, std::string_view website_token);

// REQUIRES: path starts with /chat/. Calls respond exactly once.
void chat_route(App& app, const HttpRequest& req, std::string_view path, const Respond& respond);

// Whether GET /chat/ws may upgrade: the channel (404 unknown token), the Origin (403), the
// address's rate of new connections (429). On refusal, the status and the error's words.
struct ChatAdmission {
  const ChannelConfig* channel = nullptr;
  int status = 0;  // 0: admitted
  std::string code, message;
};
ChatAdmission admit_chat(App& app, std::string_view target, std::string_view origin,
                         std::string_view host, const std::string& address);

}  // namespace touchpoint::server
