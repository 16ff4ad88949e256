#include "server/hub.hpp"

#include "protocol/utf8.hpp"
#include "protocol/websocket_frame.hpp"
#include "server/passwords.hpp"

namespace touchpoint::server {

Hub::Hub() : epoch_(random_secret(9)) {}

void Hub::publish(const std::string& type, const std::string& data) {
  std::vector<std::shared_ptr<LiveSink>> live;
  std::shared_ptr<const std::string> event;
  {
    std::lock_guard lock(mu_);
    ++seq_;
    // Framed once here; every console writes these same bytes.
    event = std::make_shared<const std::string>(protocol::ws_text_frame(
        R"({"type":")" + type + R"(","seq":)" + std::to_string(seq_) + R"(,"data":)" +
        protocol::repair_utf8(data) + "}"));
    recent_.emplace_back(seq_, event);
    if (recent_.size() > kReplay) recent_.pop_front();
    auto alive = sinks_.begin();
    for (auto& w : sinks_)
      if (auto s = w.lock()) {
        live.push_back(std::move(s));
        *alive++ = w;
      }
    sinks_.erase(alive, sinks_.end());
  }
  for (auto& s : live) s->send(event);
}

Hub::Joined Hub::join(const std::weak_ptr<LiveSink>& sink, std::optional<int64_t> after,
                      const std::string& epoch) {
  std::lock_guard lock(mu_);
  sinks_.push_back(sink);
  Joined j;
  j.seq = seq_;
  if (!after) return j;
  bool same_run = epoch == epoch_;
  bool in_window = *after >= seq_ || (!recent_.empty() && *after >= recent_.front().first - 1) ||
                   (recent_.empty() && *after == seq_);
  if (!same_run || !in_window || *after > seq_) {
    j.resync = true;
    return j;
  }
  for (auto& [n, e] : recent_)
    if (n > *after) j.replay.push_back(e);
  return j;
}

std::size_t Hub::size() {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

}  // namespace touchpoint::server
