#pragma once
// DeadlineTimer: one timer for a kind of due work kept in the store on an indexed due time
// (SLA clocks' warnings and breaches, surveys to decide). It waits for the earliest due time,
// then has the writer run the work due then (run answers the next earliest due time). Every
// commit that writes an earlier due time re-arms it (consider()). So a million waiting rows
// cost nothing while nothing falls due, and nothing is ever polled. At start it runs once at
// once: what fell due while the server was down is done then.
//
// Strand: its state lives on strand_. Must be stopped and destroyed before the io_context; the
// writer must outlive it.
#include <cstdint>
#include <memory>
#include <optional>

#include <functional>
#include <string>

#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class DeadlineTimer {
 public:
  // Runs on the writer: does what is due now (a bounded amount) and answers the earliest due
  // time still ahead.
  using Run = std::function<Result<std::optional<int64_t>>(storage::TicketStore&)>;
  // name: for the log ("sla", "surveys").
  DeadlineTimer(net::io_context& ioc, App& app, std::string name, Run run);
  void start();  // runs what is due now, then follows the due times
  void stop();   // any thread
  // A commit wrote this deadline: wake up by then. Any thread.
  void consider(std::optional<int64_t> deadline);

 private:
  void arm(int64_t deadline);
  void fire();

  App& app_;
  std::string name_;
  Run run_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::optional<int64_t> armed_for_;  // the deadline the timer waits for
  bool running_ = false;              // a run is queued at the writer
  bool again_ = false;                // something fell due meanwhile: run again after it
  bool stopped_ = false;
};

}  // namespace touchpoint::server
