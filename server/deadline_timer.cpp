#include "server/deadline_timer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace touchpoint::server {
namespace {
constexpr auto kRetry = std::chrono::seconds(1);  // the writer refused (overload): try again
}  // namespace

DeadlineTimer::DeadlineTimer(net::io_context& ioc, App& app, std::string name, Run run)
    : app_(app), name_(std::move(name)), run_(std::move(run)), strand_(net::make_strand(ioc)), timer_(strand_) {}

void DeadlineTimer::start() {
  net::post(strand_, [this] { fire(); });
}

void DeadlineTimer::stop() {
  net::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void DeadlineTimer::consider(std::optional<int64_t> deadline) {
  if (!deadline) return;
  net::post(strand_, [this, d = *deadline] {
    if (stopped_) return;
    if (running_) {
      // The run in flight answers the earliest deadline after it; this one may be earlier.
      if (!armed_for_ || d < *armed_for_) again_ = true;
      return;
    }
    if (!armed_for_ || d < *armed_for_) arm(d);
  });
}

void DeadlineTimer::arm(int64_t deadline) {
  armed_for_ = deadline;
  // Wake at the deadline's second, to the millisecond of the wall clock (the store's clock
  // counts whole seconds): a breach is pushed within a second of its moment.
  auto wall = std::chrono::system_clock::now().time_since_epoch();
  auto ms_in_second = std::chrono::duration_cast<std::chrono::milliseconds>(wall).count() % 1000;
  int64_t wait_ms = (deadline - app_.now()) * 1000 - ms_in_second + 5;
  timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(wait_ms, 0)));
  timer_.async_wait([this](beast::error_code ec) {
    if (ec || stopped_) return;
    fire();
  });
}

void DeadlineTimer::fire() {
  if (stopped_) return;
  if (running_) {
    again_ = true;
    return;
  }
  running_ = true;
  armed_for_.reset();
  timer_.cancel();
  bool queued = app_.writer.submit<std::optional<int64_t>>(
      run_,
      [this](Result<std::optional<int64_t>> r) {
        net::post(strand_, [this, r = std::move(r)] {
          running_ = false;
          if (stopped_) return;
          if (!r) {
            spdlog::warn("{}: the due work failed: {}", name_, r.error().message);
            arm(app_.now() + 1);
            return;
          }
          std::optional<int64_t> next = r.value();
          if (again_ || (next && *next <= app_.now())) {
            again_ = false;
            return fire();  // more fell due than one run takes, or meanwhile
          }
          if (next) arm(*next);
        });
      });
  if (!queued) {
    running_ = false;
    timer_.expires_after(kRetry);
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec && !stopped_) fire();
    });
  }
}

}  // namespace touchpoint::server
