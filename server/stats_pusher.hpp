#pragma once
// StatsPusher: pushes the queue statistics (GET /api/v1/stats/queues) to supervisors' consoles
// as stats.updated, at most once a second and only when they changed, and only while a
// supervisor listens. The figures come from counters kept in the write transaction, so each
// look is a handful of row reads. Consoles never poll.
//
// Strand: its state lives on strand_. Stop and destroy before the io_context.
#include <string>

#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

// The agents' presence, which the server knows and the store does not.
void add_presence(App& app, protocol::QueueStats& s);

class StatsPusher {
 public:
  StatsPusher(net::io_context& ioc, App& app);
  void start();
  void stop();  // any thread

 private:
  void tick();
  App& app_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::string last_;  // the last object pushed
  bool stopped_ = false;
};

}  // namespace touchpoint::server
