// The backtester: drives the one DecisionPipeline with a SimulatedClock and hands its decisions to
// the execution::Executor, which owns the fill and exit rules (execution/executor.h): a decision at
// the close of bar t fills at the open of bar t+1, with the cost model's per-side costs. Exits:
// horizon (at the open of the bar `horizon` after the entry), stop and take-profit (intrabar, the
// stop first when both are touched unless the open crossed the take-profit), or a signal against
// the position (at the next open). Signal files: PipelineMode::kSignals with fixed_exits.
// Spot is long-only (the pipeline refuses shorts; a sell signal still closes a long); perps short.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backtest/metrics.h"
#include "core/status.h"
#include "costs/guardrails.h"
#include "data/bar_series.h"
#include "decision/decision.h"
#include "decision/feature_source.h"
#include "decision/pipeline.h"
#include "engines/engine.h"
#include "execution/executor.h"
#include "features/frame.h"

namespace huracan::backtest {

struct BacktestOptions {
  decision::PipelineConfig pipeline;  // symbol, timeframe, regime thresholds, meta, costs; mode set per run
  costs::GuardrailConfig guardrails;
  double stop_sigmas = 3.0;  // stop = max(min_stop_bps, stop_sigmas * vol_cc_30 * sqrt(horizon bars))
  double take_profit_sigmas = 4.0;
  double min_stop_bps = 15.0;
  execution::FixedExits fixed_exits;  // signal-file backtests: fixed stop, take-profit, holding time
  bool record_decisions = false;
  int64_t trials = 1;  // grid candidates tried by the fit of the engines run (N of the DSR)

  Status Validate() const;
};

struct BacktestResult {
  std::string symbol;
  Metrics metrics;
  std::vector<Trade> trades;
  // Bars that did not trade, by reason: guardrail rejections (costs::reason) and the pipeline's
  // outcomes before the guardrails (decision::outcome: warmup, regime_illiquid, engines_off,
  // regime_no_engine, no_signal, below_threshold). Every evaluated bar is counted once, except the
  // bars whose decision was a trade.
  std::map<std::string, int64_t> rejections;
  std::vector<double> bar_returns;  // net, fraction of notional, one per evaluated bar
  int64_t bars_in_position = 0;
  std::vector<decision::Decision> decisions;  // when record_decisions
  std::string meta_state;                     // combiner state at the end
};

// Bars [begin, end) of `bars`; features from `source`, whose first Next() is bar `begin`.
// `ref` (may be null) is the reference series, matched to each bar by timestamp.
Result<BacktestResult> RunBacktest(const data::BarSeries& bars, const data::BarSeries* ref,
                                   std::unique_ptr<decision::FeatureSource> source,
                                   std::vector<engines::Engine*> engines, decision::PipelineMode mode,
                                   const BacktestOptions& opts, size_t begin, size_t end);

// Same, with features replayed from `frame` (row i = bar i of `bars`).
Result<BacktestResult> RunBacktestOnFrame(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                          std::vector<engines::Engine*> engines, decision::PipelineMode mode,
                                          const BacktestOptions& opts, size_t begin, size_t end);

double BarsPerYear(const std::string& timeframe);

}  // namespace huracan::backtest
