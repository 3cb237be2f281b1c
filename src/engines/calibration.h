// Shared fitting vocabulary for all engines: forward returns over the horizon, per-side trade
// statistics, the net-of-cost score used by grid searches, and the edge/confidence calibration.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engines/engine.h"
#include "ml/bytes.h"

namespace huracan::engines {

// Fitting constants (documented in docs/ENGINES.md).
inline constexpr int64_t kMinTrades = 20;  // a side with fewer non-overlapping trades stays off
inline constexpr double kShrinkK = 50.0;   // edge and confidence shrink by n / (n + kShrinkK)

// n / (n + kShrinkK): the factor applied to a side's mean forward return to get the edge it emits.
inline double Shrink(int64_t n) { return static_cast<double>(n) / (static_cast<double>(n) + kShrinkK); }

// Splitting a training window [begin, end) in two: the first kTrainFraction of the rows and the
// rest. The rule engines choose their grid candidate on the first part and calibrate its edge and
// confidence on the second; the model engines train their model on the first part and pick the
// threshold and calibrate on the second. The label horizon h is purged between the two parts: a
// row t belongs to the first part only when t + h < SplitRow(begin, end), so no label of the first
// part reads a close of the second (ForwardReturns(bars, begin, SplitRow(begin, end), h) does this).
inline constexpr double kTrainFraction = 0.7;
// The first row of the calibration part of [begin, end).
inline size_t SplitRow(size_t begin, size_t end) {
  return begin + static_cast<size_t>(kTrainFraction * static_cast<double>(end - begin));
}

// Statistics of non-overlapping trades on one side (long or short). Returns are raw forward
// returns in bps (not signed by side).
//
// A side is judged on the edge it will emit at inference, not on its raw mean: the pipeline trades
// only when |edge| - round-trip cost >= the net-edge floor, and the edge it sees is the SHRUNK mean
// (see Calibrate). So a side is usable only when shrunk_edge - cost > floor, and it scores
// n * (shrunk_edge - cost), the net bps the pipeline's own estimate promises over the trades.
struct SideStats {
  int64_t n = 0;
  double sum = 0, sumsq = 0;
  int64_t wins = 0;  // trades whose side-signed return beat the round-trip cost
  void Add(double fwd_bps, int side, double cost_bps) {
    ++n;
    sum += fwd_bps;
    sumsq += fwd_bps * fwd_bps;
    if (side * fwd_bps > cost_bps) ++wins;
  }
  double mean() const { return n ? sum / static_cast<double>(n) : 0.0; }
  double sd() const {
    if (n < 2) return 0.0;
    double m = mean();
    double v = (sumsq - static_cast<double>(n) * m * m) / static_cast<double>(n - 1);
    return v > 0 ? std::sqrt(v) : 0.0;
  }
  // Side-signed mean net of cost, in bps (unshrunk: what the training trades made on average).
  double net_mean(int side, double cost_bps) const { return side * mean() - cost_bps; }
  // Side-signed shrunk edge net of cost, in bps: what the pipeline will compute at inference.
  double shrunk_net(int side, double cost_bps) const { return side * mean() * Shrink(n) - cost_bps; }
  // n * shrunk_net if the side is usable, else 0.
  double score(int side, double cost_bps, double floor_bps) const {
    return usable(side, cost_bps, floor_bps) ? static_cast<double>(n) * shrunk_net(side, cost_bps) : 0.0;
  }
  // Enough trades, and the shrunk edge clears the round-trip cost by more than the net-edge floor.
  bool usable(int side, double cost_bps, double floor_bps) const {
    return n >= kMinTrades && shrunk_net(side, cost_bps) > floor_bps;
  }
};

// Non-overlapping trades of one signal on both sides, like one position per side: a signal at t
// opens a trade on its side unless that side's previous trade, opened at t0, still runs (t < t0 + h).
struct TwoSidedTrades {
  SideStats long_stats, short_stats;
  size_t next_long, next_short;  // first row at which a new trade may open on each side

  explicit TwoSidedTrades(size_t start) : next_long(start), next_short(start) {}
  // `signal` > 0 buys, < 0 sells, 0 does nothing; `fwd_bps` is the row's forward return.
  void Add(int signal, size_t t, int h, double fwd_bps, double cost_bps) {
    if (signal > 0 && t >= next_long) {
      long_stats.Add(fwd_bps, +1, cost_bps);
      next_long = t + h;
    } else if (signal < 0 && t >= next_short) {
      short_stats.Add(fwd_bps, -1, cost_bps);
      next_short = t + h;
    }
  }
  // The candidate's score: the sum of both sides' scores (an unusable side adds 0).
  double score(double cost_bps, double floor_bps) const {
    return long_stats.score(+1, cost_bps, floor_bps) + short_stats.score(-1, cost_bps, floor_bps);
  }
};

// Signal building blocks. Both are 0 when `v` is NaN.
// +1 when v is above `threshold`, -1 below -threshold: follow the move.
inline int Follow(double v, double threshold) { return v > threshold ? 1 : v < -threshold ? -1 : 0; }
// +1 when v is below -threshold, -1 above threshold: fade the move.
inline int Fade(double v, double threshold) { return v < -threshold ? 1 : v > threshold ? -1 : 0; }

// What a side says when it speaks. `on` false = this side always waits.
struct SideCal {
  bool on = false;
  double edge_bps = 0.0;    // signed like the side: shrunk mean forward return
  double confidence = 0.0;  // [0, 1]
  int64_t n = 0;
  double mean_bps = 0.0, sd_bps = 0.0, hit_rate = 0.0;

  void Save(ml::ByteWriter& w) const;
  void Load(ml::ByteReader& r);
};

// edge = mean * n/(n+k); confidence = n/(n+k) * erf(t / (2*sqrt 2)) with t = |mean| / (sd / sqrt n).
// The side is on only when s.usable(side, cost_bps, floor_bps).
SideCal Calibrate(const SideStats& s, int side, double cost_bps, double floor_bps);

// Forward log return in bps from close t to close t+h for t in [begin, end - h); NaN elsewhere and
// where the bars between are not contiguous (a gap of more than 2x the expected span).
// Never reads rows >= end.
std::vector<double> ForwardReturns(const data::BarSeries& bars, size_t begin, size_t end, int h);

// Horizon in bars of `bars`' timeframe (at least 1).
int HorizonBars(const data::BarSeries& bars, int horizon_minutes);

// The context of an engine's errors, "engine <id>" (see WithContext in core/status.h).
std::string EngineContext(std::string_view engine_id);
// The context of errors while decoding an engine's parameters, "engine <id> params".
std::string ParamsContext(std::string_view engine_id);

// Checks a training window: non-null, same row count, begin < end <= rows.
Status ValidateWindow(const TrainWindow& w, std::string_view engine_id);

// Resolves `names` against a frame's feature names; error names the engine and the missing feature.
Result<std::vector<int>> ResolveFeatures(const std::vector<std::string>& names,
                                         const std::vector<std::string>& frame_names, std::string_view engine_id);

// Output helpers: reasons are kept short (<= 15 chars) so they fit std::string's inline buffer and
// Infer does not allocate.
inline EngineOutput Wait(int horizon_minutes, const char* reason) {
  EngineOutput o;
  o.horizon_minutes = horizon_minutes;
  o.reason = reason;
  return o;
}
inline EngineOutput Speak(int side, const SideCal& cal, int horizon_minutes, const char* reason) {
  EngineOutput o;
  o.direction = side > 0 ? Direction::kBuy : Direction::kSell;
  o.edge_bps_before_costs = cal.edge_bps;
  o.confidence_0_1 = cal.confidence;
  o.horizon_minutes = horizon_minutes;
  o.reason = reason;
  return o;
}
// A signal on a side the fit switched off: wait, saying which side.
inline EngineOutput SideOff(int side, int horizon_minutes) {
  return Wait(horizon_minutes, side > 0 ? "long side off" : "short side off");
}
// Speaks with `reason` if the signal's side is on, else SideOff.
inline EngineOutput SpeakIfOn(int side, const SideCal& cal, int horizon_minutes, const char* reason) {
  return cal.on ? Speak(side, cal, horizon_minutes, reason) : SideOff(side, horizon_minutes);
}

}  // namespace huracan::engines
