#include <spdlog/spdlog.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>

#include "protocol/api_channel.hpp"
#include "protocol/delivery.hpp"
#include "protocol/messaging_send.hpp"
#include "protocol/outbound_media.hpp"
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
// provider's own outcome rules (its message id for receipts, its rate-limit codes retried). A
// reply's file is read from the attachment store here; where the provider takes files by id
// (WhatsApp), it is uploaded first and the send names what the upload answered. Twilio fetches
// the file itself from a link in the send.
class ProviderAdapter : public ChannelAdapter {
 public:
  // file: the reply's file's bytes ("" when none, or sent by link); media_id: what the upload
  // answered.
  using Build = std::function<protocol::ProviderRequest(const OutboundItem&, std::string_view file,
                                                        std::string_view media_id)>;
  using Upload = std::function<protocol::ProviderRequest(const OutboundFile&, std::string_view bytes)>;
  using Read = DeliveryOutcome (*)(int, std::string_view, std::string_view);
  struct Steps {
    Build build;
    Read read;
    Upload upload = {};         // WhatsApp: the file goes up first...
    Read read_upload = nullptr;  // ...and its answer names the media
    bool file_by_link = false;   // Twilio: the provider downloads the file; its bytes stay here
  };
  ProviderAdapter(net::io_context& ioc, std::string api_base, Steps steps)
      : ioc_(ioc), api_base_(std::move(api_base)), build_(std::move(steps.build)), read_(steps.read),
        upload_(std::move(steps.upload)), read_upload_(steps.read_upload), file_by_link_(steps.file_by_link) {}

  void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) override {
    if (item.thread.empty())
      return done({DeliveryKind::failed, "", "the ticket has no conversation on this channel to reply to"});
    auto file = std::make_shared<std::string>();
    if (!item.files.empty() && !file_by_link_) {
      std::ifstream in(item.files.front().path, std::ios::binary);
      if (!in.is_open())
        return done({DeliveryKind::failed, "", "the attachment " + item.files.front().filename +
                                                   " is missing from the store"});
      file->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (item.files.empty() || !upload_)
      return post(ioc_, api_base_, build_(item, *file, ""), read_, std::move(done));
    // The callback holds what it needs by value: it may outlive this adapter at shutdown.
    post(ioc_, api_base_, upload_(item.files.front(), *file), read_upload_,
         [&ioc = ioc_, base = api_base_, build = build_, read = read_, item, file,
          done = std::move(done)](DeliveryOutcome uploaded) mutable {
           if (uploaded.kind != DeliveryKind::sent) return done(std::move(uploaded));
           post(ioc, base, build(item, *file, uploaded.provider_id), read, std::move(done));
         });
  }

 private:
  static void post(net::io_context& ioc, const std::string& api_base, protocol::ProviderRequest p,
                   Read read, std::function<void(DeliveryOutcome)> done) {
    FetchRequest req;
    req.url = api_base + p.path;
    req.body = std::move(p.body);
    req.headers = std::move(p.headers);
    req.headers.emplace_back("Content-Type", p.content_type);
    fetch(ioc, std::move(req), [done = std::move(done), read](FetchResult r) {
      done(read(r.status, r.body, r.error));
    });
  }

  net::io_context& ioc_;
  std::string api_base_;
  Build build_;
  Read read_;
  Upload upload_;
  Read read_upload_;
  bool file_by_link_;
};

}  // namespace

std::unique_ptr<ChannelAdapter> make_channel_adapter(net::io_context& ioc, const ChannelConfig& c,
                                                     const std::string& public_url,
                                                     const std::string& secret) {
  using namespace protocol;
  if (c.type == "api") return std::make_unique<ApiChannelAdapter>(ioc, c);
  if (c.type == "email") return make_email_adapter(c, secret);
  if (c.type == "whatsapp") {
    auto id = c.get("phone_number_id"), token = c.get("access_token");
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        ProviderAdapter::Steps{
            [id, token](const OutboundItem& i, std::string_view file, std::string_view media_id) {
              return media_id.empty() ? whatsapp_send(i, id, token)
                                      : whatsapp_send_media(i, media_id, file.size(), id, token);
            },
            whatsapp_outcome,
            [id, token](const OutboundFile& f, std::string_view bytes) {
              return whatsapp_media_upload(f, bytes, id, token);
            },
            whatsapp_upload_outcome});
  }
  if (c.type == "messenger" || c.type == "instagram")
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        ProviderAdapter::Steps{[page = c.get("page_id"), token = c.get("page_access_token"),
                                secret = c.get("app_secret")](const OutboundItem& i, std::string_view,
                                                              std::string_view) {
                                 return meta_messaging_send(i, page, token, secret);
                               },
                               meta_messaging_outcome});
  if (c.type == "telegram")
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        ProviderAdapter::Steps{[token = c.get("bot_token")](const OutboundItem& i, std::string_view file,
                                                            std::string_view) {
                                 return i.files.empty() ? telegram_send(i, token)
                                                        : telegram_send_file(i, file, token);
                               },
                               telegram_outcome});
  if (c.type == "twilio") {
    std::string callback = public_url;
    while (!callback.empty() && callback.back() == '/') callback.pop_back();
    callback += "/webhooks/twilio/" + c.name;
    return std::make_unique<ProviderAdapter>(
        ioc, c.api_base(),
        ProviderAdapter::Steps{
            [sid = c.get("account_sid"), token = c.get("auth_token"), from = c.get("from"), callback,
             public_url, secret](const OutboundItem& i, std::string_view, std::string_view) {
              // A day to fetch it: Twilio does at once; a retry later gets a fresh link.
              std::string media = i.files.empty()
                                      ? std::string()
                                      : outbound_media_url(public_url, secret, i.files.front().attachment_id,
                                                           static_cast<int64_t>(std::time(nullptr)) + 86400);
              return twilio_send(i, sid, token, from, callback, media);
            },
            twilio_outcome, {}, nullptr, /*file_by_link=*/true});
  }
  return nullptr;
}

}  // namespace touchpoint::server
