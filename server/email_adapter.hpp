#pragma once
// EmailAdapter: agent replies by SMTP submission with libcurl (smtp:// with STARTTLS when the
// server offers it, smtps:// for implicit TLS, AUTH when smtp_user is set). libcurl's easy
// interface blocks, so submissions run one at a time on the adapter's own thread, never on
// the io threads.
#include <memory>
#include <string>

#include "server/channel_adapter.hpp"

namespace touchpoint::server {

std::unique_ptr<ChannelAdapter> make_email_adapter(const ChannelConfig& channel, std::string secret);

}  // namespace touchpoint::server
