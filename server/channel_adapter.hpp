#pragma once
// ChannelAdapter: how one kind of channel sends a reply. The outbox dispatcher owns one per
// configured channel account and knows nothing about providers. (Parsing a provider's
// delivery receipts joins this interface with the first channel that has receipts.)
#include <functional>
#include <memory>

#include "protocol/model.hpp"
#include "server/config.hpp"

namespace boost::asio {
class io_context;
}

namespace touchpoint::server {

class ChannelAdapter {
 public:
  virtual ~ChannelAdapter() = default;
  // Sends one outbox item. done is called exactly once, on any thread.
  virtual void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) = 0;
};

// The adapter for a channel account, or nullptr when its type cannot send yet. public_url is
// where providers call us back (Twilio's status callbacks); secret keys our mail Message-IDs.
std::unique_ptr<ChannelAdapter> make_channel_adapter(boost::asio::io_context& ioc,
                                                     const ChannelConfig& channel,
                                                     const std::string& public_url,
                                                     const std::string& secret);

}  // namespace touchpoint::server
