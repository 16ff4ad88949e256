#include "storage/flush_gather.hpp"

#include <gtest/gtest.h>

namespace touchpoint::storage {
namespace {

using namespace std::chrono_literals;
using Clock = FlushGather::Clock;

const Clock::time_point t0{};  // times below are offsets from here

// One flush taking `flush` answers `answered` writes at `at` with `waiting` left for the next;
// `back` of them are committed again `returned_after` later.
void cycle(FlushGather& g, Clock::time_point at, Clock::duration flush, std::size_t answered,
           std::size_t waiting, Clock::duration returned_after, std::size_t back) {
  g.answered(at, answered, waiting, flush);
  g.committed(at + returned_after, back);
}

TEST(FlushGather, NeverWaitsBeforeItHasMeasuredHowSoonSendersComeBack) {
  FlushGather g;
  EXPECT_FALSE(g.gather_until());
  g.answered(t0, 32, 32, 10ms);
  EXPECT_FALSE(g.return_time());
  EXPECT_FALSE(g.gather_until());
}

TEST(FlushGather, SlowFlushesWaitForTheAnsweredHalfAndStopWaitingOnceItIsBack) {
  FlushGather g;
  cycle(g, t0, 10ms, 32, 32, 2ms, 32);  // learned: they come back in 2 ms
  ASSERT_TRUE(g.return_time());
  EXPECT_EQ(*g.return_time(), 2ms);

  // The next answer: worth waiting while 2 ms < 10 ms * 32 / 64, and never past that budget.
  g.answered(t0 + 20ms, 32, 32, 10ms);
  ASSERT_TRUE(g.gather_until());
  EXPECT_EQ(*g.gather_until(), t0 + 25ms);
  EXPECT_FALSE(g.back());
  g.committed(t0 + 21ms, 20);
  EXPECT_FALSE(g.back()) << "20 of 32 back: keep waiting";
  g.committed(t0 + 22ms, 9);
  EXPECT_TRUE(g.back()) << "29 of 32 (90%) back: the flush starts";
  EXPECT_FALSE(g.gather_until());

  // Once merged, one flush answers everyone and nothing waits: the budget is the whole flush.
  g.answered(t0 + 40ms, 64, 0, 10ms);
  ASSERT_TRUE(g.gather_until());
  EXPECT_EQ(*g.gather_until(), t0 + 50ms);
}

TEST(FlushGather, FastFlushesNeverWait) {
  FlushGather g;
  // A 0.25 ms flush answers one group; the next group comes 1 ms later.
  for (int i = 0; i < 20; ++i) {
    auto at = t0 + i * 2ms;
    cycle(g, at, 250us, 23, 0, 1ms, 23);
    g.answered(at + 1ms + 250us, 23, 0, 250us);
    EXPECT_FALSE(g.gather_until()) << "flush " << i;
  }
}

TEST(FlushGather, SendersWhoDoNotWaitForAnswersTurnItOff) {
  FlushGather g;
  cycle(g, t0, 10ms, 32, 32, 2ms, 32);
  g.answered(t0 + 20ms, 32, 32, 10ms);
  ASSERT_TRUE(g.gather_until());
  // Then arrivals at a fixed 1,000/s, whatever the answers: each 10 ms flush answers the ten
  // committed during the last one, and ten more wait. Answered writes' worth takes 9 ms to
  // come, past the budget of 5.
  for (int ms = 21; ms <= 400; ++ms) {
    g.committed(t0 + ms * 1ms, 1);
    if (ms % 10 == 0) g.answered(t0 + ms * 1ms, 10, 10, 10ms);
  }
  EXPECT_FALSE(g.gather_until());
}

TEST(FlushGather, OneLateReturnDoesNotFlipTheDecision) {
  FlushGather g;
  cycle(g, t0, 10ms, 64, 0, 2ms, 64);
  cycle(g, t0 + 20ms, 10ms, 64, 0, 20ms, 64);  // one sender stalls everyone, once
  ASSERT_TRUE(g.return_time());
  EXPECT_EQ(*g.return_time(), 4250us);  // 2 ms + (20 - 2) / 8
  g.answered(t0 + 60ms, 64, 0, 10ms);
  EXPECT_TRUE(g.gather_until());
}

TEST(FlushGather, AnIdleHourDoesNotKeepItOffOnceLoadReturns) {
  FlushGather g;
  cycle(g, t0, 10ms, 64, 0, 3ms, 64);
  g.answered(t0 + 20ms, 64, 0, 10ms);
  g.committed(t0 + 1h, 64);  // the senders went quiet, and came back an hour later
  g.answered(t0 + 1h + 20ms, 64, 0, 10ms);
  ASSERT_TRUE(g.return_time());
  EXPECT_LE(*g.return_time(), 6ms);
  EXPECT_TRUE(g.gather_until());
}

TEST(FlushGather, AFlushThatAnsweredNothingLeavesNothingToWaitFor) {
  FlushGather g;
  cycle(g, t0, 10ms, 32, 32, 2ms, 32);
  g.answered(t0 + 20ms, 0, 5, 10ms);  // only the text index's own transaction
  EXPECT_TRUE(g.back());
  EXPECT_FALSE(g.gather_until());
}

}  // namespace
}  // namespace touchpoint::storage
