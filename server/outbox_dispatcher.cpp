#include "server/outbox_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "protocol/delivery.hpp"
#include "protocol/live_events.hpp"

namespace touchpoint::server {

OutboxDispatcher::OutboxDispatcher(net::io_context& ioc, App& app, Options options)
    : app_(app), options_(options), strand_(net::make_strand(ioc)), timer_(strand_) {
  for (const auto& c : app.config.channels)
    if (auto a = make_channel_adapter(ioc, c, app.config.public_url)) adapters_[c.type + "/" + c.name] = std::move(a);
}

void OutboxDispatcher::start() { nudge(); }

void OutboxDispatcher::nudge() {
  net::post(strand_, [this] {
    if (stopped_) return;
    if (polling_) {
      again_ = true;  // a poll is running; look again right after it
      return;
    }
    poll();
  });
}

void OutboxDispatcher::stop() {
  net::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void OutboxDispatcher::poll() {
  polling_ = true;
  again_ = false;
  auto ex = strand_;
  bool queued = app_.readers.submit<std::vector<OutboundItem>>(
      [now = app_.now(), limit = options_.batch](storage::TicketReader& r) {
        return r.due_outbox(now, limit);
      },
      [this, ex](Result<std::vector<OutboundItem>> due) {
        net::post(ex, [this, due = std::move(due)]() mutable {
          polling_ = false;
          if (stopped_) return;
          if (due) on_due(std::move(due).value());
          else spdlog::warn("outbox: {}", due.error().message);
          settled_during_poll_.clear();  // the next poll reads after those commits
          if (again_) return poll();
          timer_.expires_after(options_.poll);
          timer_.async_wait([this](beast::error_code ec) {
            if (!ec && !stopped_ && !polling_) poll();
          });
        });
      });
  if (!queued) polling_ = false;  // busy: the next timer or nudge tries again
}

void OutboxDispatcher::on_due(std::vector<OutboundItem> items) {
  for (auto& item : items) {
    if (in_flight_.count(item.outbox_id) || settled_during_poll_.count(item.outbox_id)) continue;
    auto it = adapters_.find(item.channel_type + "/" + item.channel_name);
    if (it == adapters_.end()) continue;  // this channel cannot send yet: stays queued
    in_flight_.insert(item.outbox_id);
    auto ex = strand_;
    it->second->send(item, [this, ex, item](DeliveryOutcome outcome) {
      net::post(ex, [this, item, outcome = std::move(outcome)] { on_sent(item, outcome); });
    });
  }
}

void OutboxDispatcher::on_sent(const OutboundItem& item, DeliveryOutcome outcome) {
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
  auto ex = strand_;
  bool queued = app_.writer.submit<Unit>(
      [id = item.outbox_id, outcome, next](storage::TicketStore& s) {
        return s.record_delivery(id, outcome, next);
      },
      [this, ex, item, outcome](Status r) {
        bool retry = outcome.kind == DeliveryKind::retry;
        int64_t id = item.outbox_id;
        if (r && !retry)
          app_.hub.publish("message.delivery_updated",
                           protocol::live_delivery(item.ticket_id, item.message_id,
                                                   outcome.kind == DeliveryKind::sent ? "sent"
                                                                                      : "failed",
                                                   outcome.error.empty()
                                                       ? std::nullopt
                                                       : std::optional<std::string>(outcome.error)));
        net::post(ex, [this, id, retry, ok = r.has_value()] {
          in_flight_.erase(id);
          // A poll running now may have read the row before this commit: it must not
          // send it again from that stale read.
          if (polling_) settled_during_poll_.insert(id);
          // A committed retry may already be due (zero backoff): look again.
          if (ok && retry && options_.backoff_base_seconds == 0) nudge();
        });
      });
  if (!queued) in_flight_.erase(item.outbox_id);  // the next poll picks it up again
}

}  // namespace touchpoint::server
