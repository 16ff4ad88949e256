#include "server/chat_adapter.hpp"

#include <spdlog/spdlog.h>

#include "protocol/webchat.hpp"
#include "server/email_adapter.hpp"
#include "server/net.hpp"

namespace touchpoint::server {
namespace {

class ChatAdapter : public ChannelAdapter {
 public:
  ChatAdapter(net::io_context& ioc, App& app, const ChannelConfig& c) : ioc_(ioc), app_(app), channel_(c.name) {
    if (auto grace = c.get("away_grace_seconds"); !grace.empty()) grace_ = std::chrono::seconds(std::stoll(grace));
    if (auto name = c.get("email_channel"); !name.empty())
      if (const ChannelConfig* email = app.config.channel("email", name)) {
        email_channel_ = name;
        mail_ = make_email_adapter(*email, app.secret);
      }
  }

  void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) override {
    bool queued = app_.readers.submit<storage::ChatLineOf>(
        [id = item.message_id](storage::TicketReader& r) { return r.chat_line(id); },
        [this, item, done](Result<storage::ChatLineOf> line) mutable {
          if (!line) {
            if (line.error().code == Errc::not_found)
              return done({DeliveryKind::failed, "", "the ticket has no chat conversation to reply to"});
            return done({DeliveryKind::retry, "", line.error().message});
          }
          deliver(item, std::move(line).value(), std::move(done));
        });
    if (!queued) done({DeliveryKind::retry, "", "the store is busy"});
  }

 private:
  void deliver(const OutboundItem& item, storage::ChatLineOf of, std::function<void(DeliveryOutcome)> done) {
    auto frame = std::make_shared<const std::string>(protocol::encode_chat_line(of.line));
    auto sent_at = ChatHub::Clock::now();
    std::size_t tabs = app_.chat.deliver(of.channel, of.visitor, frame, of.line.seq);
    if (of.line.survey_id > 0)  // the inline survey: the widget offers the scale
      app_.chat.deliver(of.channel, of.visitor,
                        std::make_shared<const std::string>(protocol::encode_chat_survey(
                            of.line.survey_id, of.line.survey_kind, of.line.text)),
                        0);
    if (tabs > 0 || !mail_ || !has_email(item)) return done({DeliveryKind::sent, "", ""});
    // Away, and reachable by mail: wait for them a little, then mail it.
    auto timer = std::make_shared<net::steady_timer>(ioc_, grace_);
    timer->async_wait([this, timer, item, of, sent_at, done = std::move(done)](beast::error_code ec) mutable {
      if (ec || app_.chat.seen_since(of.channel, of.visitor, sent_at))
        return done({DeliveryKind::sent, "", ""});  // they were back: the replay brought it
      OutboundItem mail = item;
      mail.channel_type = "email";
      mail.channel_name = email_channel_;
      mail.thread.clear();
      if (of.line.author == "agent" && !of.line.agent_name.empty())
        mail.body = of.line.agent_name + ":\n\n" + item.body;
      spdlog::info("chat: visitor of ticket {} is away; message {} goes by mail through {}",
                   item.ticket_id, item.message_id, email_channel_);
      mail_->send(mail, std::move(done));
    });
  }

  static bool has_email(const OutboundItem& item) {
    for (const auto& id : item.to)
      if (id.type == "email") return true;
    return false;
  }

  net::io_context& ioc_;
  App& app_;
  std::string channel_;
  std::string email_channel_;
  std::chrono::seconds grace_{60};
  std::unique_ptr<ChannelAdapter> mail_;  // the email_channel's sender, for away visitors
};

}  // namespace

std::unique_ptr<ChannelAdapter> make_chat_adapter(net::io_context& ioc, App& app, const ChannelConfig& channel) {
  return std::make_unique<ChatAdapter>(ioc, app, channel);
}

}  // namespace touchpoint::server
