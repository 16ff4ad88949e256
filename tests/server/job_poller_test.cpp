// The loop behind the outbox and media downloads: it must keep polling through a busy store.
#include "server/job_poller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace touchpoint::server {
namespace {

TEST(JobPoller, KeepsPollingAfterTheReadersRefusedAPoll) {
  net::io_context ioc;
  std::atomic<int> asked{0};
  std::promise<void> started;
  std::atomic<bool> started_once{false};
  JobPoller<int64_t> poller(
      ioc, std::chrono::milliseconds(5),
      [&](JobPoller<int64_t>::Due due) {
        // The first three polls find the reader pool full, as under load; then the job is due.
        if (++asked <= 3) return false;
        due(std::vector<int64_t>{7});
        return true;
      },
      [&](const int64_t& id, JobPoller<int64_t>::Settled settled) {
        EXPECT_EQ(id, 7);
        if (!started_once.exchange(true)) started.set_value();
        settled(true, false);
      },
      [](const int64_t& id) { return id; });
  poller.nudge();  // one nudge; every later poll must come from the poller's own timer
  auto done = started.get_future();
  std::thread runner([&] { ioc.run_for(std::chrono::seconds(20)); });
  EXPECT_EQ(done.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "the poller stopped after a refused poll (" << asked.load() << " polls)";
  poller.stop();
  ioc.stop();
  runner.join();
  EXPECT_GE(asked.load(), 4);
}

}  // namespace
}  // namespace touchpoint::server
