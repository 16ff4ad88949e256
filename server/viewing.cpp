#include "server/viewing.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace touchpoint::server {
namespace {
// {"ticket_id","agent_id","agent_name","viewing","typing"}
std::string event(int64_t ticket, int64_t agent, const std::string& name, bool viewing, bool typing) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(ticket);
  w.Key("agent_id");
  w.Int64(agent);
  w.Key("agent_name");
  w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.Key("viewing");
  w.Bool(viewing);
  w.Key("typing");
  w.Bool(viewing && typing);
  w.EndObject();
  return sb.GetString();
}
}  // namespace

Viewing::Viewing(net::io_context& ioc, App& app)
    : app_(app), strand_(net::make_strand(ioc)), timer_(strand_) {}

void Viewing::publish(const Key& key, const Viewer& v, bool viewing) {
  app_.hub.publish("ticket.viewing", event(key.first, key.second, v.name, viewing, v.typing));
}

void Viewing::viewing(int64_t ticket_id, int64_t agent_id, std::string agent_name, bool typing) {
  net::post(strand_, [this, key = Key{ticket_id, agent_id}, name = std::move(agent_name), typing] {
    if (stopped_) return;
    auto [it, fresh] = viewers_.try_emplace(key, Viewer{name, typing, {}});
    bool changed = fresh || it->second.typing != typing;
    it->second.typing = typing;
    it->second.until = std::chrono::steady_clock::now() + kLapse;
    if (changed) publish(key, it->second, true);
    if (changed && (typing || !fresh)) app_.chat_agent_typing(key.first, typing, name);
    arm();
  });
}

void Viewing::left(int64_t ticket_id, int64_t agent_id) {
  net::post(strand_, [this, key = Key{ticket_id, agent_id}] {
    auto it = viewers_.find(key);
    if (it == viewers_.end()) return;
    publish(key, it->second, false);
    if (it->second.typing) app_.chat_agent_typing(key.first, false, it->second.name);
    viewers_.erase(it);
  });
}

void Viewing::stop() {
  net::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void Viewing::arm() {
  if (viewers_.empty() || stopped_) return;
  auto earliest = std::chrono::steady_clock::time_point::max();
  for (const auto& [key, v] : viewers_) earliest = std::min(earliest, v.until);
  timer_.expires_at(earliest);
  timer_.async_wait([this](beast::error_code ec) {
    if (ec || stopped_) return;
    auto now = std::chrono::steady_clock::now();
    for (auto it = viewers_.begin(); it != viewers_.end();) {
      if (it->second.until <= now) {
        publish(it->first, it->second, false);
        if (it->second.typing) app_.chat_agent_typing(it->first.first, false, it->second.name);
        it = viewers_.erase(it);
      } else {
        ++it;
      }
    }
    arm();
  });
}

}  // namespace touchpoint::server
