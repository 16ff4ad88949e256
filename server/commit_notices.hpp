#pragma once
// What the writer hears after a COMMIT (SLA notices, survey answers and due times), turned
// into live events and timer wake-ups. The store is given its sinks before the server exists;
// a CommitSink holds the notices' destination until the server fills it in.
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "server/app.hpp"
#include "server/deadline_timer.hpp"

namespace touchpoint::server {

// A sink that forwards to a destination set later (from another thread), and drops what
// arrives before it is set.
template <class T>
class CommitSink {
 public:
  std::function<void(T)> sink() const {
    return [state = state_](T value) {
      std::function<void(T)> deliver;
      {
        std::lock_guard lock(state->mu);
        deliver = state->to;
      }
      if (deliver) deliver(std::move(value));
    };
  }
  void deliver_to(std::function<void(T)> to) {
    std::lock_guard lock(state_->mu);
    state_->to = std::move(to);
  }

 private:
  struct State {
    std::mutex mu;
    std::function<void(T)> to;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Live events for warnings, breaches and fulfilments; the SLA timer's next deadline.
void announce_sla(App& app, DeadlineTimer* timer, storage::SlaCommitted committed);
// Live survey.answered; the survey timer's next due time; survey messages to send now.
void announce_surveys(App& app, DeadlineTimer* timer, storage::SurveyCommitted committed);

}  // namespace touchpoint::server
