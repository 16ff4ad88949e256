#pragma once
// OutboxDispatcher: sends due outbox rows through their channel's adapter and records each
// attempt durably. Polls the store (so rows left by a crash or a restart are sent), and is
// nudged when a reply commits so it does not wait for the next poll. Each row is in flight at
// most once at a time; its outcome is committed before the row can be picked again.
//
// Delivery is at least once: if we stop after a provider accepted a reply but before the
// commit, the reply is sent again on restart with the same message_id, which receivers use to
// deduplicate. Once the commit of "sent" returned, the row is never sent again.
//
// Strand: every member is used only on strand_. Must be stopped and destroyed before the
// io_context; the store writer and reader pool must outlive it.
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "server/app.hpp"
#include "server/channel_adapter.hpp"
#include "server/net.hpp"

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
  void start();
  void nudge();  // any thread: look for due rows now
  void stop();   // any thread: no new sends; in-flight ones finish or are retried on restart

 private:
  void poll();
  void on_due(std::vector<OutboundItem> items);
  void on_sent(const OutboundItem& item, DeliveryOutcome outcome);

  App& app_;
  Options options_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::map<std::string, std::unique_ptr<ChannelAdapter>> adapters_;  // by "type/name"
  std::set<int64_t> in_flight_;                                     // outbox ids
  std::set<int64_t> settled_during_poll_;  // outcomes committed while the current poll ran
  bool polling_ = false, again_ = false, stopped_ = false;
};

}  // namespace touchpoint::server
