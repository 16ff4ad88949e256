#pragma once
// The web chat's ChannelAdapter: "sending" a reply is handing its line (with its seq) to every
// open tab of the visitor. A visitor with no tab open is away: the line waits in the store for
// their return (a tab that reconnects asks for everything after its last seq), and when they
// gave an email and the channel names an email_channel, the reply also goes out by mail after
// a grace period (away_grace_seconds, default 60; the contract: within 2 minutes), in the
// ticket's thread, so their answer by mail threads into the chat's ticket.
#include <memory>

#include "server/app.hpp"
#include "server/channel_adapter.hpp"

namespace touchpoint::server {

std::unique_ptr<ChannelAdapter> make_chat_adapter(boost::asio::io_context& ioc, App& app,
                                                  const ChannelConfig& channel);

}  // namespace touchpoint::server
