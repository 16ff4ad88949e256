#pragma once
// OutboxDispatcher: sends due outbox rows through their channel's adapter and records each
// attempt durably. Polls the store (so rows left by a crash or a restart are sent), and is
// nudged when a reply commits so it does not wait for the next poll. Each row is in flight at
// most once at a time; its outcome is committed before the row can be picked again (JobPoller).
//
// Delivery is at least once: if we stop after a provider accepted a reply but before the
// commit, the reply is sent again on restart with the same message_id, which receivers use to
// deduplicate. Once the commit of "sent" returned, the row is never sent again.
//
// Must be stopped and destroyed before the io_context; the store writer and reader pool must
// outlive it.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "server/app.hpp"
#include "server/channel_adapter.hpp"
#include "server/job_poller.hpp"

namespace touchpoint::server {

class OutboxDispatcher {
 public:
  struct Options {
    std::chrono::milliseconds poll{1000};
    int64_t backoff_base_seconds = 5;
    int64_t backoff_cap_seconds = 3600;
    int64_t max_attempts = 15;  // ~ a day with the defaults; then the reply is failed
    std::size_t batch = 100;
  };
  OutboxDispatcher(net::io_context& ioc, App& app, Options options);
  void start() { poller_.nudge(); }
  void nudge() { poller_.nudge(); }  // any thread: look for due rows now
  void stop() { poller_.stop(); }    // any thread: no new sends

 private:
  void send(const OutboundItem& item, JobPoller<OutboundItem>::Settled settled);
  void record(const OutboundItem& item, DeliveryOutcome outcome,
              JobPoller<OutboundItem>::Settled settled);

  App& app_;
  Options options_;
  std::map<std::string, std::unique_ptr<ChannelAdapter>> adapters_;  // by "type/name"; read-only
  JobPoller<OutboundItem> poller_;
};

}  // namespace touchpoint::server
