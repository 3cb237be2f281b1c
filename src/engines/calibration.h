// Shared fitting vocabulary for all engines: forward returns over the horizon, per-side trade
// statistics, the net-of-cost score used by grid searches, and the edge/confidence calibration.
#pragma once

#include <cmath>
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

}  // namespace huracan::engines
