// Every read of the time goes through a Clock, so backtest and live share code.
#pragma once

#include <cstdint>

namespace huracan {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMs() const = 0;
};

class WallClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// A clock the caller moves by hand: backtests, replays and tests.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  int64_t now_ms_;
};

}  // namespace huracan
