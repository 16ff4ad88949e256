#pragma once
// SlaTimers: one timer for every SLA clock in the store. It waits for the earliest next
// deadline (a warning or a breach moment), then has the writer compute the clocks due then,
// which records each warning and breach (timeline events, live sla.warning / sla.breached) and
// answers the next earliest deadline. Every commit that writes an earlier deadline re-arms it
// (consider()). So a million open tickets cost nothing while nothing falls due, and nothing is
// ever polled. At start it runs once at once: breaches that fell due while the server was down
// are recorded then, with breached_at = their due time.
//
// Strand: its state lives on strand_. Must be stopped and destroyed before the io_context; the
// writer must outlive it.
#include <cstdint>
#include <memory>
#include <optional>

#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class SlaTimers {
 public:
  SlaTimers(net::io_context& ioc, App& app);
  void start();  // runs the due clocks now, then follows the deadlines
  void stop();   // any thread
  // A commit wrote this deadline: wake up by then. Any thread.
  void consider(std::optional<int64_t> deadline);

 private:
  void arm(int64_t deadline);
  void fire();

  App& app_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::optional<int64_t> armed_for_;  // the deadline the timer waits for
  bool running_ = false;              // a run is queued at the writer
  bool again_ = false;                // something fell due meanwhile: run again after it
  bool stopped_ = false;
};

// Publishes what a commit did to SLA clocks (the writer thread's sink): live events for
// warnings, breaches and fulfilments, and the timer's next deadline.
void announce_sla(App& app, SlaTimers* timers, storage::SlaCommitted committed);

}  // namespace touchpoint::server
