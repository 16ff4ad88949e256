#include "server/chat_hub.hpp"

#include <algorithm>

namespace touchpoint::server {
namespace {
// How long a visitor who left is remembered: longer than any grace period before mail.
constexpr auto kRemember = std::chrono::minutes(10);
}  // namespace

void ChatHub::join(const std::string& channel, const std::string& visitor, std::weak_ptr<ChatSink> tab) {
  std::lock_guard lock(mu_);
  visitors_[key(channel, visitor)].tabs.push_back(std::move(tab));
  ++tabs_;
  forget_old(Clock::now());
}

void ChatHub::leave(const std::string& channel, const std::string& visitor, const ChatSink* tab) {
  std::lock_guard lock(mu_);
  auto it = visitors_.find(key(channel, visitor));
  if (it == visitors_.end()) return;
  auto& tabs = it->second.tabs;
  auto gone = std::remove_if(tabs.begin(), tabs.end(), [tab](const std::weak_ptr<ChatSink>& w) {
    auto s = w.lock();
    return !s || s.get() == tab;
  });
  tabs_ -= static_cast<std::size_t>(tabs.end() - gone);
  tabs.erase(gone, tabs.end());
  it->second.last_left = Clock::now();
}

std::size_t ChatHub::deliver(const std::string& channel, const std::string& visitor,
                             std::shared_ptr<const std::string> frame, int64_t seq,
                             const ChatSink* except) {
  std::vector<std::shared_ptr<ChatSink>> to;
  {
    std::lock_guard lock(mu_);
    auto it = visitors_.find(key(channel, visitor));
    if (it == visitors_.end()) return 0;
    for (auto& w : it->second.tabs)
      if (auto s = w.lock(); s && s.get() != except) to.push_back(std::move(s));
  }
  for (auto& s : to) s->deliver(frame, seq);
  return to.size();
}

bool ChatHub::seen_since(const std::string& channel, const std::string& visitor, Clock::time_point since) {
  std::lock_guard lock(mu_);
  auto it = visitors_.find(key(channel, visitor));
  if (it == visitors_.end()) return false;
  for (auto& w : it->second.tabs)
    if (!w.expired()) return true;
  return it->second.last_left >= since;
}

std::size_t ChatHub::tabs() {
  std::lock_guard lock(mu_);
  return tabs_;
}

// Visitors with no tab who left long ago are dropped, at most once a minute.
void ChatHub::forget_old(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  for (auto it = visitors_.begin(); it != visitors_.end();) {
    if (it->second.tabs.empty() && now - it->second.last_left > kRemember)
      it = visitors_.erase(it);
    else
      ++it;
  }
}

}  // namespace touchpoint::server
