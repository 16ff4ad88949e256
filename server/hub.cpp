#include "server/hub.hpp"

#include <algorithm>
#include <set>

#include "protocol/utf8.hpp"
#include "protocol/websocket_frame.hpp"
#include "server/passwords.hpp"

namespace touchpoint::server {

Hub::Hub() : epoch_(random_secret(9)) {}

void Hub::prune() {
  std::erase_if(sinks_, [](const Sink& s) { return s.sink.expired(); });
}

void Hub::publish(const std::string& type, const std::string& data, Audience audience) {
  std::vector<std::shared_ptr<LiveSink>> live;
  std::shared_ptr<const std::string> event;
  {
    std::lock_guard lock(mu_);
    ++seq_;
    // Framed once here; every console writes these same bytes.
    event = std::make_shared<const std::string>(protocol::ws_text_frame(
        R"({"type":")" + type + R"(","seq":)" + std::to_string(seq_) + R"(,"data":)" +
        protocol::repair_utf8(data) + "}"));
    recent_.push_back({seq_, event, audience});
    if (recent_.size() > kReplay) recent_.pop_front();
    prune();
    for (auto& s : sinks_)
      if (audience == Audience::everyone || s.who.supervisor)
        if (auto sink = s.sink.lock()) live.push_back(std::move(sink));
  }
  for (auto& s : live) s->send(event);
}

Hub::Joined Hub::join(const std::weak_ptr<LiveSink>& sink, const Member& who,
                      std::optional<int64_t> after, const std::string& epoch) {
  std::lock_guard lock(mu_);
  sinks_.push_back({sink, who});
  Joined j;
  j.seq = seq_;
  if (!after) return j;
  bool same_run = epoch == epoch_;
  bool in_window = *after >= seq_ || (!recent_.empty() && *after >= recent_.front().seq - 1) ||
                   (recent_.empty() && *after == seq_);
  if (!same_run || !in_window || *after > seq_) {
    j.resync = true;
    return j;
  }
  for (auto& r : recent_)
    if (r.seq > *after && (r.audience == Audience::everyone || who.supervisor))
      j.replay.push_back(r.frame);
  return j;
}

std::size_t Hub::size() {
  std::lock_guard lock(mu_);
  prune();
  return sinks_.size();
}

bool Hub::supervisors_listening() {
  std::lock_guard lock(mu_);
  prune();
  return std::any_of(sinks_.begin(), sinks_.end(), [](const Sink& s) { return s.who.supervisor; });
}

}  // namespace touchpoint::server
