// The per-coin training pipeline, stages 1-9:
//   1 load the bars (and the BTC reference) and check/repair their quality, refusing with a reason;
//   2 build the features (labels are the forward returns each engine derives from the bars);
//   3 walk-forward over the most recent history: train/test/step windows, purge and embargo of at
//     least the label horizon, >= 4 folds when the data allows;
//   4 out-of-sample metrics per engine and combined;
//   5 final fit on the latest training window; meta weights from the engines' OOS outcomes, regime
//     thresholds calibrated on that window (as in every fold);
//   6-9 bundle, archive, promotion, database rows (training/publish.h).
// Every stage is timed (CoinOutcome::stages).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backtest/walk_forward.h"
#include "core/status.h"
#include "core/time_units.h"
#include "costs/cost_overrides.h"
#include "data/catalog.h"
#include "data/quality.h"
#include "meta/combiner.h"
#include "registry/promotion.h"
#include "training/publish.h"

namespace huracan::training {

struct CoinPipelineConfig {
  std::string recipe = "default";    // built-in recipe name or a recipe file
  std::vector<std::string> engines;  // empty = all, canonical order
  std::string timeframe = "1m";
  // Only the most recent history is used (plus the features' warm-up): walk-forward, final fit.
  int history_days = 36;
  // > 0: only the bars that open before this time (epoch ms) are used, as if the file ended there
  // (huracan check out-of-time trains on the data before its split).
  int64_t cutoff_ms = 0;
  int warmup_bars = 2 * kMinutesPerDay;
  backtest::WalkForwardConfig walk_forward = DefaultWalkForward();
  data::QualityPolicy quality;
  registry::PromotionRules rules;
  uint64_t seed = 42;
  costs::CostOverrides costs;    // on top of each symbol's CostConfig::ForSymbol
  std::string reference_symbol;  // empty: BTCUSDT-PERP, else BTCUSDT
  int nthread = 1;

  static backtest::WalkForwardConfig DefaultWalkForward();
  std::string Describe() const;  // canonical text of every setting (part of the training key)
};

struct CoinInputs {
  std::string symbol;    // e.g. SOLUSDT, BTCUSDT-PERP
  std::string path;      // candle file
  std::string ref_path;  // BTC reference file, empty for BTC itself or when none exists
};

// The coin's file and its reference among `entries`: `reference` when given, else BTCUSDT-PERP, then
// BTCUSDT. A coin is not its own reference (nor is any BTC coin when the reference is the default).
Result<CoinInputs> ResolveCoinInputs(const std::vector<data::CatalogEntry>& entries, const std::string& symbol,
                                     const std::string& timeframe, const std::string& reference = "");

// Stage 1 for one file: reads it and checks/repairs its quality under `policy` (FailedPrecondition
// naming the file when refused); each repair is appended to `repairs`, prefixed by `symbol`.
Result<data::BarSeries> LoadCheckedBars(const std::string& path, const std::string& symbol,
                                        const std::string& timeframe, const data::QualityPolicy& policy,
                                        std::vector<std::string>* repairs);

// A coin's checked bars and its checked reference (none for BTC itself).
struct CheckedCoinBars {
  data::BarSeries bars;
  std::optional<data::BarSeries> ref;
};
// LoadCheckedBars for the coin's file and for its reference ("reference of SYMBOL").
Result<CheckedCoinBars> LoadCheckedCoin(const CoinInputs& in, const std::string& timeframe,
                                        const data::QualityPolicy& policy, std::vector<std::string>* repairs);

// Each engine's share of the combined result: its meta weight and samples from `combiner`, its
// trades, net bps and hit rate from `alone` (its results traded alone; absent: zeros), sorted by
// contribution (weight x net bps), largest first.
std::vector<EngineContribution> EngineContributions(const meta::MetaCombiner& combiner,
                                                    const std::vector<std::string>& engine_ids,
                                                    const std::map<std::string, backtest::Metrics>& alone);

// The rules' view of a backtest's metrics over `days` of window `window`.
registry::ModelMetricsSummary ToSummary(const backtest::Metrics& m, double days, const std::string& window);
// SHA-256 of the series' columns (after repair and trimming): the data part of a training key.
std::string SeriesHash(const data::BarSeries& b);
// The first index of the ascending `ts` at or after `t`.
size_t FirstAtOrAfter(const std::vector<int64_t>& ts, int64_t t);

Result<CoinOutcome> RunCoinPipeline(const CoinInputs& inputs, const CoinPipelineConfig& config,
                                    const PublishContext& ctx);

}  // namespace huracan::training
