#pragma once
// JobPoller: the loop behind every durable background job (the outbox's sends, media
// downloads). Jobs live in the store; the poller reads the due ones on a timer or when nudged,
// starts each at most once at a time, and learns when its outcome is committed. A read that
// began before a job's outcome committed may still list the job: such stale listings are
// skipped, so a job is never started twice for one due state.
//
// Strand: every member is used only on strand_. Must be stopped and destroyed before the
// io_context.
#include <chrono>
#include <functional>
#include <set>
#include <vector>

#include "protocol/result.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

template <class Job>
class JobPoller {
 public:
  using Due = std::function<void(Result<std::vector<Job>>)>;
  // Submits a read of the due jobs; answers false when it cannot be queued now.
  using Read = std::function<bool(Due)>;
  // The job's outcome is committed (ok) or could not be (!ok); again: it is due again already.
  using Settled = std::function<void(bool ok, bool again)>;
  using Start = std::function<void(const Job&, Settled)>;
  using IdOf = std::function<int64_t(const Job&)>;

  JobPoller(net::io_context& ioc, std::chrono::milliseconds poll, Read read, Start start, IdOf id_of)
      : strand_(net::make_strand(ioc)), timer_(strand_), poll_every_(poll), read_(std::move(read)),
        start_(std::move(start)), id_of_(std::move(id_of)) {}

  void nudge() {  // any thread
    net::post(strand_, [this] {
      if (stopped_) return;
      if (polling_) {
        again_ = true;  // look again right after the running read
        return;
      }
      poll();
    });
  }

  void stop() {  // any thread: nothing new starts; started jobs finish or run again later
    net::post(strand_, [this] {
      stopped_ = true;
      timer_.cancel();
    });
  }

 private:
  void poll() {
    polling_ = true;
    again_ = false;
    bool queued = read_([this](Result<std::vector<Job>> due) {
      net::post(strand_, [this, due = std::move(due)]() mutable {
        polling_ = false;
        if (stopped_) return;
        if (due) start_due(std::move(due).value());
        settled_during_poll_.clear();  // the next read begins after those commits
        if (again_) return poll();
        arm_timer();
      });
    });
    if (!queued) {  // the readers are busy: try again at the next tick, never stop polling
      polling_ = false;
      arm_timer();
    }
  }

  void arm_timer() {
    timer_.expires_after(poll_every_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !stopped_ && !polling_) poll();
    });
  }

  void start_due(std::vector<Job> jobs) {
    for (auto& job : jobs) {
      int64_t id = id_of_(job);
      if (in_flight_.count(id) || settled_during_poll_.count(id)) continue;
      in_flight_.insert(id);
      start_(job, [this, id](bool ok, bool again) {
        net::post(strand_, [this, id, ok, again] {
          in_flight_.erase(id);
          if (polling_) settled_during_poll_.insert(id);
          if (ok && again) nudge();
        });
      });
    }
  }

  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer timer_;
  std::chrono::milliseconds poll_every_;
  Read read_;
  Start start_;
  IdOf id_of_;
  std::set<int64_t> in_flight_;            // started, outcome not committed yet
  std::set<int64_t> settled_during_poll_;  // committed while the current read ran
  bool polling_ = false, again_ = false, stopped_ = false;
};

}  // namespace touchpoint::server
