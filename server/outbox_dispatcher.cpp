#include "server/outbox_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "protocol/delivery.hpp"
#include "protocol/live_events.hpp"
#include "server/chat_adapter.hpp"

namespace touchpoint::server {

OutboxDispatcher::OutboxDispatcher(net::io_context& ioc, App& app, Options options)
    : app_(app),
      options_(options),
      poller_(
          ioc, options.poll,
          [this](JobPoller<OutboundItem>::Due due) {
            return app_.readers.submit<std::vector<OutboundItem>>(
                [now = app_.now(), limit = options_.batch](storage::TicketReader& r) {
                  return r.due_outbox(now, limit);
                },
                [due = std::move(due)](Result<std::vector<OutboundItem>> items) {
                  if (!items) spdlog::warn("outbox: {}", items.error().message);
                  due(std::move(items));
                });
          },
          [this](const OutboundItem& item, JobPoller<OutboundItem>::Settled settled) {
            send(item, std::move(settled));
          },
          [](const OutboundItem& item) { return item.outbox_id; }) {
  for (const auto& c : app.config.channels)
    if (auto a = c.type == "webchat" ? make_chat_adapter(ioc, app, c)
                                     : make_channel_adapter(ioc, c, app.config.public_url, app.secret))
      adapters_[c.type + "/" + c.name] = std::move(a);
}

void OutboxDispatcher::send(const OutboundItem& item, JobPoller<OutboundItem>::Settled settled) {
  auto it = adapters_.find(item.channel_type + "/" + item.channel_name);
  if (it == adapters_.end()) return settled(false, false);  // cannot send yet: stays queued
  it->second->send(item, [this, item, settled = std::move(settled)](DeliveryOutcome outcome) {
    record(item, std::move(outcome), settled);
  });
}

void OutboxDispatcher::record(const OutboundItem& item, DeliveryOutcome outcome,
                              JobPoller<OutboundItem>::Settled settled) {
  if (outcome.kind == DeliveryKind::retry && item.attempts + 1 >= options_.max_attempts) {
    outcome.kind = DeliveryKind::failed;
    outcome.error = "gave up after " + std::to_string(item.attempts + 1) + " attempts; last: " +
                    outcome.error;
  }
  int64_t next = app_.now() + protocol::retry_delay_seconds(item.attempts,
                                                            options_.backoff_base_seconds,
                                                            options_.backoff_cap_seconds);
  if (outcome.kind != DeliveryKind::sent)
    spdlog::info("outbox: message {} via {}/{}: {} ({})", item.message_id, item.channel_type,
                 item.channel_name, outcome.kind == DeliveryKind::retry ? "will retry" : "failed",
                 outcome.error);
  bool queued = app_.writer.submit<Unit>(
      [id = item.outbox_id, outcome, next](storage::TicketStore& s) {
        return s.record_delivery(id, outcome, next);
      },
      [this, item, outcome, settled](Status r) {
        bool retry = outcome.kind == DeliveryKind::retry;
        if (r && !retry)
          app_.hub.publish("message.delivery_updated",
                           protocol::live_delivery(item.ticket_id, item.message_id,
                                                   outcome.kind == DeliveryKind::sent ? "sent" : "failed",
                                                   outcome.error.empty()
                                                       ? std::nullopt
                                                       : std::optional<std::string>(outcome.error)));
        // A committed retry may already be due (zero backoff): look again.
        settled(r.has_value(), retry && options_.backoff_base_seconds == 0);
      });
  if (!queued) settled(false, false);  // the next poll picks it up again
}

}  // namespace touchpoint::server
