// Frozen-model backtests and `huracan check out-of-time`.
//
// A frozen backtest runs a stored bundle (registry/loader.h) on a span of bars with no fitting:
// the engines, the regime thresholds and the meta combiner state all come from the bundle. The
// features are built on the whole series, so the warm-up before the span is real history.
//
// The out-of-time check trains every coin of a data folder with the per-coin pipeline on the bars
// before a split date (CoinPipelineConfig::cutoff_ms; a temporary archive and database, removed
// afterwards), backtests each resulting challenger frozen on the bars from the split on, and
// compares the realised net bps per trade with the walk-forward's promise and its bootstrap band.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backtest/backtester.h"
#include "core/clock.h"
#include "core/status.h"
#include "data/bar_series.h"
#include "features/frame.h"
#include "registry/loader.h"
#include "training/coin_pipeline.h"

namespace huracan::training {

// Rows [begin, end) of `ts` that open in [from_ms, to_ms); from_ms/to_ms nullopt = open ends.
// InvalidArgument when the span holds no bar.
struct RowSpan {
  size_t begin = 0, end = 0;
};
Result<RowSpan> SpanOfTimes(const std::vector<int64_t>& ts, std::optional<int64_t> from_ms,
                            std::optional<int64_t> to_ms);

// The bundle's model, frozen, on rows [span.begin, span.end) of `bars` (features in `frame`, built
// on the whole series), combined mode, under `costs`. `record_decisions`: keep every bar's Decision
// in the result (`backtest --model --decisions-out`).
Result<backtest::BacktestResult> RunFrozenBacktest(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                                   const registry::LoadedModel& model, const costs::CostConfig& costs,
                                                   RowSpan span, bool record_decisions = false);

struct OutOfTimeOptions {
  std::string data_dir = "data/sample";
  std::string split;  // YYYY-MM-DD (UTC midnight)
  CoinPipelineConfig pipeline;
};

struct OutOfTimeCoin {
  std::string symbol;
  std::string model_id;
  std::string error;                   // non-empty: training or the frozen backtest failed
  std::optional<double> promised_bps;  // walk-forward combined OOS net bps per trade; null: no OOS trade
  std::optional<double> band_lo_bps;   // its bootstrap band (metrics.json); null with < 2 OOS trades
  std::optional<double> band_hi_bps;
  std::optional<double> realised_bps;  // frozen net bps per trade after the split; null: no trade
  std::optional<bool> inside;          // band_lo <= realised <= band_hi; null when any of them is null
  int64_t trades_before = 0;           // walk-forward OOS trades (before the split)
  int64_t trades_after = 0;            // frozen trades from the split on
};

struct OutOfTimeReport {
  std::string split;
  std::vector<OutOfTimeCoin> coins;

  int failed() const;
  nlohmann::ordered_json ToJson() const;
  std::string FormatText() const;
};

// Every coin of the folder, one after the other. Per-coin failures are reported in the coin's
// `error`; an error here means the check could not run at all (no data, bad split).
Result<OutOfTimeReport> RunOutOfTime(const OutOfTimeOptions& opts, const Clock& clock);

}  // namespace huracan::training
