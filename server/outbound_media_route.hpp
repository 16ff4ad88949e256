#pragma once
// GET /media/out/{token}: a file of an agent's reply, for the provider that sends it (Twilio
// downloads a reply's MediaUrl when it sends; protocol/outbound_media.hpp). No session: the
// token names the file and expires. Anything else, an expired token, or a file that is not of
// a sent reply answers 404. Served as a download that never renders on our origin.
#include <string_view>

#include "server/app.hpp"

namespace touchpoint::server {

void outbound_media(App& app, const HttpRequest& req, std::string_view token, const Respond& respond);

}  // namespace touchpoint::server
