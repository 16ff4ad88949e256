#include "server/stats_pusher.hpp"

#include <chrono>

namespace touchpoint::server {

void add_presence(App& app, protocol::QueueStats& s) {
  // Online: a console is connected to /api/v1/live and they have not set away.
  s.agents_online = static_cast<int64_t>(app.presence.count(Presence::Status::online));
  s.agents_away = static_cast<int64_t>(app.presence.count(Presence::Status::away));
}

StatsPusher::StatsPusher(net::io_context& ioc, App& app)
    : app_(app), strand_(net::make_strand(ioc)), timer_(strand_) {}

void StatsPusher::start() {
  net::post(strand_, [this] { tick(); });
}

void StatsPusher::stop() {
  net::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void StatsPusher::tick() {
  if (stopped_) return;
  auto again = [this] {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) tick();
    });
  };
  if (!app_.hub.supervisors_listening()) {
    last_.clear();  // whoever connects next gets a fresh push after their first second
    return again();
  }
  bool queued = app_.readers.submit<protocol::QueueStats>(
      [now = app_.now()](storage::TicketReader& r) { return r.queue_stats(now); },
      [this, again](Result<protocol::QueueStats> r) {
        std::string body;
        if (r) {
          add_presence(app_, r.value());
          body = protocol::encode_queue_stats(std::move(r).value());
        }
        net::post(strand_, [this, again, body = std::move(body)] {
          if (stopped_) return;
          if (!body.empty() && body != last_) {
            app_.hub.publish("stats.updated", body, Hub::Audience::supervisors);
            last_ = body;
          }
          again();
        });
      });
  if (!queued) again();
}

}  // namespace touchpoint::server
