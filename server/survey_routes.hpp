#pragma once
// The survey page, /s/{token} (the contract's "Satisfaction surveys"): GET shows the form and
// records nothing (mail scanners follow links), POST records the answer (a later POST before
// expiry replaces it). Unknown tokens 404, expired 410, a bad score or comment 400, each as a
// page in the survey's language. Served with a strict CSP, no-store and no referrer (the
// token is in the address).
#include <string_view>

#include "server/app.hpp"

namespace touchpoint::server {

void survey_page(App& app, const HttpRequest& req, std::string_view token, const Respond& respond);

}  // namespace touchpoint::server
