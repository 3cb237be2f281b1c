// Signal diagnostics: what each engine's rule said on the test window before the cost gate and the
// guardrails, and how far it was from being switched on (docs/ENGINES.md, "Signal diagnostics").
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "costs/cost_model.h"
#include "data/bar_series.h"
#include "engines/calibration.h"
#include "engines/engine.h"
#include "features/frame.h"

namespace huracan::backtest {

// One side's signals. With signals == 0 every other figure is NaN (null in JSON).
struct SideSignals {
  int64_t signals = 0;                                                // non-overlapping, as the grid search counts them
  double mean_fwd_bps = std::numeric_limits<double>::quiet_NaN();     // side-signed: > 0 made money before costs
  double hit_rate = std::numeric_limits<double>::quiet_NaN();         // share with side-signed return > 0
  double t_stat = std::numeric_limits<double>::quiet_NaN();           // mean / (sd / sqrt n); NaN below 2 or sd 0
  double shrunk_edge_bps = std::numeric_limits<double>::quiet_NaN();  // mean * Shrink(n)
  double round_trip_cost_bps = std::numeric_limits<double>::quiet_NaN();  // the fit's cost + net-edge floor
  // Per-side fee at which shrunk_edge would clear the bar at the same spread, slippage and funding:
  // (shrunk_edge - non_fee_cost - floor) / 2. NaN below kMinTrades signals or when negative.
  double break_even_fee_bps = std::numeric_limits<double>::quiet_NaN();

  // round_trip_cost - shrunk_edge: how many bps the side missed by (<= 0: it clears); +inf without signals.
  double gap_bps() const;
};

struct EngineSignals {
  bool on = false;  // the fit switched the engine on
  SideSignals long_side, short_side;
  // The smaller gap of the two sides (+inf when neither side has signals).
  double gap_bps() const;
};

// The costs a fit was judged against, as RunFold passes them.
struct FitCosts {
  double round_trip_cost_bps = 0;  // TypicalRoundTripBps of the training window
  double net_edge_floor_bps = engines::kNetEdgeFloorBps;
  double fees_bps = 0;  // the exchange fees inside round_trip_cost_bps (entry + exit)
};
FitCosts MakeFitCosts(double round_trip_cost_bps, const costs::CostConfig& cc);

// One side's figures from its trades (at cost 0, so `wins` counts side-signed returns > 0).
SideSignals SideSignalsFrom(const engines::SideStats& s, int side, const FitCosts& fc);

// The diagnostics of a fitted engine on rows [begin, end). Rule engines report their ungated
// candidate (RuleEngine::ungated_candidate); other engines report no signals, only `on`.
EngineSignals EngineSignalsOn(const engines::Engine& engine, const data::BarSeries& bars,
                              const features::FeatureFrame& frame, size_t begin, size_t end, const FitCosts& fc);

// {"on", "long": SIDE, "short": SIDE}, SIDE = {"signals", "mean_fwd_bps", "hit_rate", "t_stat",
// "shrunk_edge_bps", "round_trip_cost_bps", "break_even_fee_bps"}; NaN is null.
nlohmann::ordered_json EngineSignalsToJson(const EngineSignals& s);

// Engine ids sorted by gap_bps (closest to break-even first; ties and no-signal engines by id).
std::vector<std::string> SortedByGap(const std::map<std::string, EngineSignals>& signals);

// The engine side closest to being switched on: {"engine", "side", "signals", "shrunk_edge_bps",
// "round_trip_cost_bps", "gap_bps", "break_even_fee_bps"} (NaN is null), or null when no engine
// side produced a signal. The daily summary names it when a coin did not trade.
nlohmann::json ClosestSideJson(const std::map<std::string, EngineSignals>& signals);

}  // namespace huracan::backtest
