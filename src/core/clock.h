// Every read of the time goes through a Clock, so backtest and live share code.
#pragma once

#include <atomic>
#include <cstdint>

namespace huracan {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMs() const = 0;
  // Milliseconds from an arbitrary origin on a clock that never goes backwards: for durations,
  // deadlines and backoffs (the wall clock may be stepped).
  virtual int64_t MonotonicMs() const = 0;
  // Waits `ms` of this clock's time (nothing for ms <= 0).
  virtual void SleepMs(int64_t ms) const = 0;
  // Whether time passes by itself. A caller that waits for outside events with a timeout (poll()
  // on pipes) may block for the whole timeout on such a clock; on a clock that does not (a
  // SimulatedClock) it should block only briefly, as time moves only when its owner moves it.
  virtual bool realtime() const = 0;
};

class WallClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t MonotonicMs() const override;  // std::chrono::steady_clock
  void SleepMs(int64_t ms) const override;
  bool realtime() const override { return true; }
};

// A clock the caller moves by hand: backtests, replays and tests. Its monotonic time is its own
// time, and SleepMs moves it forward at once. Safe to read and move from different threads.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_relaxed); }
  int64_t MonotonicMs() const override { return NowMs(); }
  void SleepMs(int64_t ms) const override {
    if (ms > 0) now_ms_.fetch_add(ms, std::memory_order_relaxed);
  }
  bool realtime() const override { return false; }
  void Set(int64_t now_ms) { now_ms_.store(now_ms, std::memory_order_relaxed); }
  void Advance(int64_t ms) { SleepMs(ms); }

 private:
  // mutable: SleepMs is how time passes on this clock, and Clock users hold it const.
  mutable std::atomic<int64_t> now_ms_;
};

}  // namespace huracan
