// Every read of the time goes through a Clock, so backtest and live share code.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

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
  // Waits until NowMs() >= deadline_ms (nothing when it already is): bar-close wake-ups.
  virtual void SleepUntilMs(int64_t deadline_ms) const = 0;
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
  // Sleeps in steps until the wall clock reaches the deadline (a stepped clock is re-read).
  void SleepUntilMs(int64_t deadline_ms) const override;
  bool realtime() const override { return true; }
};

// A clock the caller moves by hand: backtests, replays and tests. Its monotonic time is its own
// time, and SleepMs / SleepUntilMs move it forward at once (never backwards): a sleeper never
// blocks, so a single-threaded test of timers, watchdogs and replays is deterministic. Safe to
// read and move from different threads.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_relaxed); }
  int64_t MonotonicMs() const override { return NowMs(); }
  void SleepMs(int64_t ms) const override {
    if (ms > 0) now_ms_.fetch_add(ms, std::memory_order_relaxed);
  }
  void SleepUntilMs(int64_t deadline_ms) const override {
    int64_t now = now_ms_.load(std::memory_order_relaxed);
    while (now < deadline_ms && !now_ms_.compare_exchange_weak(now, deadline_ms, std::memory_order_relaxed)) {
    }
  }
  bool realtime() const override { return false; }
  void Set(int64_t now_ms) { now_ms_.store(now_ms, std::memory_order_relaxed); }
  void Advance(int64_t ms) { SleepMs(ms); }

 private:
  // mutable: SleepMs is how time passes on this clock, and Clock users hold it const.
  mutable std::atomic<int64_t> now_ms_;
};

// Named deadlines on a Clock's NowMs() time: bar-close wake-ups, stale-feed watchdogs, rate
// limits. Not thread-safe (one owner). WaitNext() sleeps on the clock until the earliest deadline
// and returns every timer due by then, so under a SimulatedClock it jumps straight there.
class TimerQueue {
 public:
  struct Timer {
    int64_t deadline_ms = 0;
    std::string name;
  };
  // Adds a timer; a timer of the same name is replaced (a watchdog re-armed on each bar).
  void Schedule(const std::string& name, int64_t deadline_ms);
  // Removes the timer of that name; false when there was none.
  bool Cancel(const std::string& name);
  bool empty() const { return timers_.empty(); }
  size_t size() const { return timers_.size(); }
  // The earliest deadline; INT64_MAX when empty.
  int64_t NextDeadlineMs() const;
  // Removes and returns the timers with deadline <= now_ms, earliest first (ties by name).
  std::vector<Timer> PopDue(int64_t now_ms);
  // Sleeps on `clock` until the earliest deadline, then PopDue(clock.NowMs()). Empty (and no
  // sleep) when there is no timer.
  std::vector<Timer> WaitNext(const Clock& clock);

 private:
  std::vector<Timer> timers_;  // unsorted; a live runner holds a handful per symbol at most
};

}  // namespace huracan
