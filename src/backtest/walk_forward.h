// Engine fitting through the registry, one train/test evaluation (a fold), and the walk-forward
// driver over rolling folds with purge and embargo. This is the API the training pipeline calls.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backtest/backtester.h"
#include "backtest/metrics.h"
#include "backtest/signals.h"
#include "core/status.h"
#include "core/time_units.h"
#include "data/bar_series.h"
#include "engines/engine.h"
#include "features/frame.h"
#include "regime/classifier.h"

namespace huracan::backtest {

struct FittedEngines {
  std::vector<std::unique_ptr<engines::Engine>> engines;  // fitted, in the order asked
  std::map<std::string, std::string> failures;            // id -> error message (engine left out)
  std::vector<engines::Engine*> ptrs() const;
  int max_horizon_minutes() const;
  int64_t trials() const;  // sum of the fitted engines' trials(): N of the combined run's DSR
};

// A typical round-trip cost (bps) on rows [begin, end): the cost model at the median spread and
// volatility of the window and its mean quote volume, for a 60-minute holding.
double TypicalRoundTripBps(const data::BarSeries& bars, const features::FeatureFrame& frame, size_t begin, size_t end,
                           const costs::CostConfig& costs);

// Creates each engine by id through the registry, binds it to the frame and fits it on rows
// [begin, end). Unknown ids are an error; an engine whose Fit fails is reported and left out.
// A side is kept only when its shrunk edge clears round_trip_cost_bps + net_edge_floor_bps, the
// bar the pipeline applies (pass the CostConfig's floor; the default equals CostConfig's default).
Result<FittedEngines> FitEngines(const std::vector<std::string>& ids, const data::BarSeries& bars,
                                 const features::FeatureFrame& frame, size_t begin, size_t end,
                                 double round_trip_cost_bps, uint64_t seed = 42, int nthread = 1,
                                 double net_edge_floor_bps = engines::kNetEdgeFloorBps);

struct Fold {
  size_t train_begin = 0, train_end = 0;  // fit on [train_begin, train_end)
  size_t test_begin = 0, test_end = 0;    // evaluate on [test_begin, test_end)
};

struct FoldResult {
  Fold fold;
  std::map<std::string, BacktestResult> engines;  // each engine alone (when per_engine)
  BacktestResult combined;
  std::map<std::string, int64_t> trials;  // fitted engine id -> its trials() (each engine's DSR uses its own)
  std::map<std::string, std::string> fit_failures;
  regime::RegimeThresholds regime;
  // Per fitted engine: its signals on the test window before costs (backtest/signals.h). Only the
  // cost figures (round_trip_cost_bps, break_even_fee_bps) and `on` depend on the cost settings.
  std::map<std::string, EngineSignals> signals;
};

struct FoldOptions {
  BacktestOptions backtest;  // pipeline.regime is replaced by the fold's calibration
  regime::RegimeConfig regime;
  bool per_engine = true;  // also run every engine alone
  uint64_t seed = 42;
  int nthread = 1;
};

// Calibrates the regime on the train window, fits the engines there, and evaluates on the test window.
// The DSR of each engine's run counts that engine's trials; the combined run's counts them all.
// RunFold = FitFold, then EvaluateFold with the same options.
Result<FoldResult> RunFold(const data::BarSeries& bars, const features::FeatureFrame& frame,
                           const std::vector<std::string>& engine_ids, const Fold& fold, const FoldOptions& opts);

// The fit half of a fold: the regime calibrated and the engines fitted on the train window, under
// opts.backtest.pipeline.costs. One fit can be evaluated under several cost settings
// (backtest --fee-sweep).
struct FittedFold {
  Fold fold;
  regime::RegimeThresholds regime;
  FittedEngines fitted;
  FitCosts fit_costs;  // the costs the fit was judged against (the signal diagnostics report them)
};
Result<FittedFold> FitFold(const data::BarSeries& bars, const features::FeatureFrame& frame,
                           const std::vector<std::string>& engine_ids, const Fold& fold, const FoldOptions& opts);

// The evaluation half: the signal diagnostics and the backtests of the test window, with the costs
// of opts.backtest.pipeline.costs (which may differ from the fit's: the pipeline's cost gate and
// the fills use them; the engines stay as fitted). With `same_fit` (an earlier evaluation of this
// same `fit`), the parts that no cost setting can change are copied from it instead of recomputed:
// the signal diagnostics (judged against the fit's costs) and the single-engine runs that never
// reached the cost model (no trade, and every bar ended before the cost gate: the engine was off or
// never spoke).
Result<FoldResult> EvaluateFold(const data::BarSeries& bars, const features::FeatureFrame& frame, const FittedFold& fit,
                                const FoldOptions& opts, const FoldResult* same_fit = nullptr);

struct WalkForwardConfig {
  size_t train_bars = 14 * kMinutesPerDay;
  size_t test_bars = 3 * kMinutesPerDay;
  size_t step_bars = 0;     // 0 = test_bars
  size_t purge_bars = 0;    // gap after the train window; raised to the label horizon
  size_t embargo_bars = 0;  // further gap before the test window; raised to the label horizon
  int min_folds = 4;        // test/step shrink so this many folds fit, when the data allows
  bool anchored = false;    // true: every train window starts at bar 0
  size_t min_test_bars = 240;

  Status Validate() const;
};

// Fold boundaries for `n` bars. Gap between train end and test start = purge + embargo, each at
// least `label_horizon_bars`. Fails when not even one fold of min_test_bars fits.
Result<std::vector<Fold>> MakeFolds(size_t n, const WalkForwardConfig& cfg, size_t label_horizon_bars);

struct WalkForwardResult {
  std::vector<FoldResult> folds;
  // Aggregate over the concatenated out-of-sample folds; the DSR counts the largest trial count of
  // any fold's fit (the folds refit the same grids).
  std::map<std::string, Metrics> engines;
  Metrics combined;
  std::map<std::string, int64_t> rejections;  // combined runs, summed over folds
  std::vector<Trade> trades;                  // combined runs, all folds
};

Result<WalkForwardResult> RunWalkForward(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                         const std::vector<std::string>& engine_ids, const WalkForwardConfig& cfg,
                                         const FoldOptions& opts);

}  // namespace huracan::backtest
