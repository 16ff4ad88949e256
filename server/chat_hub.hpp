#pragma once
// ChatHub: the web chat's open tabs, by visitor. A frame for a visitor (an agent's reply, their
// own message sent from another tab, typing) reaches every tab they have open; a visitor with
// none is away (their replies may also go out by mail, see chat_adapter).
//
// Thread-safe. Holds weak references and calls sinks outside its lock (CP.22).
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace touchpoint::server {

class ChatSink {
 public:
  virtual ~ChatSink() = default;
  // frame: one JSON text frame; seq: the conversation line it carries (0: none). Any thread.
  virtual void deliver(std::shared_ptr<const std::string> frame, int64_t seq) = 0;
};

class ChatHub {
 public:
  using Clock = std::chrono::steady_clock;
  void join(const std::string& channel, const std::string& visitor, std::weak_ptr<ChatSink> tab);
  void leave(const std::string& channel, const std::string& visitor, const ChatSink* tab);
  // Sends to every open tab of the visitor but except; answers how many it reached.
  std::size_t deliver(const std::string& channel, const std::string& visitor,
                      std::shared_ptr<const std::string> frame, int64_t seq,
                      const ChatSink* except = nullptr);
  // Whether a tab of the visitor is open now or was at any moment since `since`.
  bool seen_since(const std::string& channel, const std::string& visitor, Clock::time_point since);
  std::size_t tabs();  // open tabs, every visitor

 private:
  struct Visitor {
    std::vector<std::weak_ptr<ChatSink>> tabs;
    Clock::time_point last_left{};
  };
  static std::string key(const std::string& channel, const std::string& visitor) {
    return channel + '\n' + visitor;
  }
  void forget_old(Clock::time_point now);  // REQUIRES: mu_ held
  std::mutex mu_;
  std::unordered_map<std::string, Visitor> visitors_;  // guarded by mu_
  std::size_t tabs_ = 0;                               // guarded by mu_
  Clock::time_point last_sweep_{};                     // guarded by mu_
};

}  // namespace touchpoint::server
