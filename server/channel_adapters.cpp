#include <spdlog/spdlog.h>

#include "protocol/api_channel.hpp"
#include "protocol/delivery.hpp"
#include "protocol/messaging_send.hpp"
#include "protocol/signature.hpp"
#include "server/channel_adapter.hpp"
#include "server/email_adapter.hpp"
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

// The messaging providers: one request per reply to the channel's api_base, read back by the
// provider's own outcome rules (its message id for receipts, its rate-limit codes retried).
class ProviderAdapter : public ChannelAdapter {
 public:
  using Build = std::function<protocol::ProviderRequest(const OutboundItem&)>;
  using Read = DeliveryOutcome (*)(int, std::string_view, std::string_view);
  ProviderAdapter(net::io_context& ioc, std::string api_base, Build build, Read read)
      : ioc_(ioc), api_base_(std::move(api_base)), build_(std::move(build)), read_(read) {}

  void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) override {
    if (item.thread.empty())
      return done({DeliveryKind::failed, "", "the ticket has no conversation on this channel to reply to"});
    auto p = build_(item);
    FetchRequest req;
    req.url = api_base_ + p.path;
    req.body = std::move(p.body);
    req.headers = std::move(p.headers);
    req.headers.emplace_back("Content-Type", p.content_type);
    fetch(ioc_, std::move(req), [done = std::move(done), read = read_](FetchResult r) {
      done(read(r.status, r.body, r.error));
    });
  }

 private:
  net::io_context& ioc_;
  std::string api_base_;
  Build build_;
  Read read_;
};


}  // namespace

std::unique_ptr<ChannelAdapter> make_channel_adapter(net::io_context& ioc, const ChannelConfig& c,
                                                     const std::string& public_url,
                                                     const std::string& secret) {
  using namespace protocol;
  if (c.type == "api") return std::make_unique<ApiChannelAdapter>(ioc, c);
  if (c.type == "email") return make_email_adapter(c, secret);
  if (c.type == "whatsapp")
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        [id = c.get("phone_number_id"), token = c.get("access_token")](const OutboundItem& i) {
          return whatsapp_send(i, id, token);
        },
        whatsapp_outcome);
  if (c.type == "messenger" || c.type == "instagram")
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        [page = c.get("page_id"), token = c.get("page_access_token"),
         secret = c.get("app_secret")](const OutboundItem& i) {
          return meta_messaging_send(i, page, token, secret);
        },
        meta_messaging_outcome);
  if (c.type == "telegram")
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        [token = c.get("bot_token")](const OutboundItem& i) { return telegram_send(i, token); },
        telegram_outcome);
  if (c.type == "twilio") {
    std::string callback = public_url;
    while (!callback.empty() && callback.back() == '/') callback.pop_back();
    callback += "/webhooks/twilio/" + c.name;
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        [sid = c.get("account_sid"), token = c.get("auth_token"), from = c.get("from"),
         callback](const OutboundItem& i) { return twilio_send(i, sid, token, from, callback); },
        twilio_outcome);
  }
  return nullptr;
}

}  // namespace touchpoint::server
