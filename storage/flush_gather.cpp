#include "storage/flush_gather.hpp"

#include <algorithm>

namespace touchpoint::storage {

void FlushGather::answered(Clock::time_point now, std::size_t answered, std::size_t waiting,
                           Clock::duration took) {
  // Writes that never came back before this answer took at least this long: learned as such,
  // so that senders who do not wait for answers (or went away) turn gathering off.
  if (!measured_) learn(now - answered_at_);
  answered_at_ = now;
  returned_ = 0;
  expected_ = answered - answered / 10;  // 90%, rounded up
  measured_ = expected_ == 0;
  budget_ = answered == 0 ? Clock::duration::zero()
                          : took * static_cast<Clock::rep>(answered) /
                                static_cast<Clock::rep>(answered + waiting);
}

void FlushGather::committed(Clock::time_point now, std::size_t writes) {
  returned_ += writes;
  if (!measured_ && back()) {
    learn(now - answered_at_);
    measured_ = true;
  }
}

void FlushGather::learn(Clock::duration sample) {
  // Past twice the budget a sample says no more than "do not wait" (an idle hour between two
  // writes would otherwise keep gathering off for a hundred flushes once load returns).
  sample = std::min(sample, 2 * budget_);
  // An eighth of each new sample: one odd flush does not flip the decision.
  return_time_ = return_time_ ? *return_time_ + (sample - *return_time_) / 8 : sample;
}

std::optional<FlushGather::Clock::time_point> FlushGather::gather_until() const {
  // A margin of a quarter: near the break-even the gain is small and a late sender costs.
  if (back() || !return_time_ || *return_time_ * 4 >= budget_ * 3) return std::nullopt;
  return answered_at_ + budget_;
}

}  // namespace touchpoint::storage
