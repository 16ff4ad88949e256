#include <spdlog/spdlog.h>

#include "protocol/api_channel.hpp"
#include "protocol/delivery.hpp"
#include "protocol/signature.hpp"
#include "server/channel_adapter.hpp"
#include "server/http_fetch.hpp"

namespace touchpoint::server {
namespace {

// The generic API channel: POST the reply to callback_url, signed with the channel's token.
class ApiChannelAdapter : public ChannelAdapter {
 public:
  ApiChannelAdapter(net::io_context& ioc, const ChannelConfig& c)
      : ioc_(ioc), url_(c.get("callback_url")), token_(c.get("token")) {}

  void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) override {
    if (url_.empty())
      return done({DeliveryKind::failed, "", "the channel has no callback_url to send replies to"});
    FetchRequest req;
    req.url = url_;
    req.body = protocol::encode_outbound(item);
    req.headers = {{"Content-Type", "application/json"},
                   {"X-Touchpoint-Signature", protocol::touchpoint_signature(token_, req.body)}};
    fetch(ioc_, std::move(req), [done = std::move(done)](FetchResult r) {
      done(protocol::classify_http_delivery(r.status, r.body, r.error));
    });
  }

 private:
  net::io_context& ioc_;
  std::string url_, token_;
};

}  // namespace

std::unique_ptr<ChannelAdapter> make_channel_adapter(net::io_context& ioc, const ChannelConfig& c) {
  if (c.type == "api") return std::make_unique<ApiChannelAdapter>(ioc, c);
  return nullptr;
}

}  // namespace touchpoint::server
