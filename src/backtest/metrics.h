// Trades, per-bar returns and the metrics computed from them.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/market.h"

namespace huracan::backtest {

struct Trade {
  std::string symbol;
  Direction direction = Direction::kBuy;
  int64_t signal_ts_ms = 0;  // open time of the bar whose close produced the signal
  int64_t entry_ts_ms = 0;   // open time of the fill bar (entry at its open)
  int64_t exit_ts_ms = 0;    // time of the exit fill
  double entry_price = 0, exit_price = 0;
  int horizon_minutes = 0;
  std::string exit_reason;  // horizon, stop, take_profit, opposite_signal, end_of_data
  std::vector<std::string> engines;
  // Cost attribution in bps of notional: net = gross - fees - spread - slippage (fees include funding).
  double gross_bps = 0, fees_bps = 0, spread_bps = 0, slippage_bps = 0, funding_bps = 0, net_bps = 0;
};

struct Metrics {
  int64_t trades = 0;
  double hit_rate = 0;  // share of trades with net_bps > 0
  double net_bps_per_trade = 0;
  double net_sharpe = 0;    // annualised from per-bar net returns
  double sortino = 0;       // annualised, downside deviation over all bars
  double max_drawdown = 0;  // of cumulative per-bar net returns, fraction of notional
  double turnover = 0;      // traded notional per day, in units of the per-trade notional
  double exposure = 0;      // share of bars with an open position
  double psr = 0;           // probabilistic Sharpe ratio vs 0, on per-trade net returns
  double gross_bps = 0, fees_bps = 0, spread_bps = 0, slippage_bps = 0, funding_bps = 0, net_bps = 0;  // totals
  int64_t bars = 0;
};

// Probabilistic Sharpe ratio (Bailey & López de Prado 2012) of `returns` against a benchmark
// Sharpe `sr_star` (per observation): Φ((SR − SR*)·sqrt(n − 1) / sqrt(1 − γ3·SR + (γ4 − 1)/4·SR²)),
// SR = mean/stdev, γ3 skewness, γ4 (non-excess) kurtosis, all population moments.
// 0 with fewer than 3 returns or zero variance (1 when every return is equal and positive).
double ProbabilisticSharpe(std::span<const double> returns, double sr_star = 0.0);

// Metrics from closed trades and the per-bar net returns (fraction of notional; one per bar of the
// evaluation window, 0 when flat). `bars_per_year`: 525600 for 1m bars.
Metrics ComputeMetrics(std::span<const Trade> trades, std::span<const double> bar_returns, double bars_per_year,
                       double days, int64_t bars_in_position);

// The metrics as JSON, the one serialisation (CLI `backtest --format json`, bundles' metrics.json):
// keys in the field order above; NaN and infinities become null.
nlohmann::ordered_json MetricsToJson(const Metrics& m);

}  // namespace huracan::backtest
