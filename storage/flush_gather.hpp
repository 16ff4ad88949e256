#pragma once
// FlushGather: whether the WAL's next fsync should wait, a little, for the writes the last one
// answered to come back (WalSyncer asks it; times are passed in, so tests need no clock).
//
// Why: most writes belong to a sender that waits for its answer before sending more (a
// provider's delivery connection, an SMTP session, a chat tab). Started at once, the next fsync
// covers only the writes committed during the last one (W of them); the A writes it just
// answered come back a moment R later and wait for the fsync after: the rest of this one, then
// a whole one. When flushes are slow, the senders split into two halves taking turns, each
// waiting two flushes per answer. Waiting R before the next fsync costs each of the W writes R
// and saves each of the A returning ones F - R (F: the flush's time), so it pays while
//     R < F * A / (A + W).
// R is learned, whether or not we waited: the time from an answer until 90% of A's worth of
// writes were committed again, smoothed over flushes (a sample counts for at most twice the
// budget). It waits while R is under three quarters of the budget F * A / (A + W), and never
// past the budget: past it, waiting would lose. On a fast disk (F far below R) it never waits;
// with flushes of many milliseconds it merges the two halves into one flush.
//
// Not thread-safe: WalSyncer calls it under its mutex.
#include <chrono>
#include <cstddef>
#include <optional>

namespace touchpoint::storage {

class FlushGather {
 public:
  using Clock = std::chrono::steady_clock;

  // A flush that took `took` made `answered` writes durable; they are answered from `now`, and
  // `waiting` writes committed during it wait for the next one.
  void answered(Clock::time_point now, std::size_t answered, std::size_t waiting, Clock::duration took);
  // A commit of `writes` writes joined the queue for the next flush.
  void committed(Clock::time_point now, std::size_t writes);

  // The latest moment the next flush should start, if waiting for the answered writes pays;
  // nullopt: start as soon as anything waits.
  std::optional<Clock::time_point> gather_until() const;
  // 90% of the last flush's answered writes were committed again since its answer.
  bool back() const { return returned_ >= expected_; }

  // The smoothed time answered writes took to come back; nullopt before the first measure.
  std::optional<Clock::duration> return_time() const { return return_time_; }

 private:
  void learn(Clock::duration sample);

  Clock::time_point answered_at_{};
  Clock::duration budget_{};    // F * A / (A + W) of the last flush
  std::size_t expected_ = 0;    // writes that mean the answered ones are back
  std::size_t returned_ = 0;    // writes committed since the last answer
  bool measured_ = true;        // the last answer's return time was learned (or nothing to learn)
  std::optional<Clock::duration> return_time_;
};

}  // namespace touchpoint::storage
