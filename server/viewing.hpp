#pragma once
// Who is on a ticket (the contract's "Who is on a ticket"): a console says so every 10 s while
// the ticket is open (POST .../viewing), and the other agents see ticket.viewing live; 30 s
// without a repeat, or a DELETE, and it is pushed again with viewing false. Never stored.
//
// Thread-safe: calls hop to its strand. One timer waits for the earliest lapse.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class Viewing {
 public:
  static constexpr auto kLapse = std::chrono::seconds(30);
  Viewing(net::io_context& ioc, App& app);
  void viewing(int64_t ticket_id, int64_t agent_id, std::string agent_name, bool typing);
  void left(int64_t ticket_id, int64_t agent_id);
  void stop();

 private:
  struct Viewer {
    std::string name;
    bool typing = false;
    std::chrono::steady_clock::time_point until;
  };
  using Key = std::pair<int64_t, int64_t>;  // ticket, agent
  void publish(const Key& key, const Viewer& v, bool viewing);
  void arm();

  App& app_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::map<Key, Viewer> viewers_;  // on strand_
  bool stopped_ = false;
};

}  // namespace touchpoint::server
