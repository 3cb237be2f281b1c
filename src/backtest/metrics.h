// Trades, per-bar returns and the metrics computed from them.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/market.h"
#include "execution/trade.h"

namespace huracan::backtest {

// Trades are produced by the executor; the name stays available here.
using Trade = execution::Trade;

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
  double dsr = 0;           // deflated Sharpe ratio: PSR vs the expected best of `trials` tries (= psr for 1)
  double gross_bps = 0, fees_bps = 0, spread_bps = 0, slippage_bps = 0, funding_bps = 0, net_bps = 0;  // totals
  int64_t bars = 0;
};

// Probabilistic Sharpe ratio (Bailey & López de Prado 2012) of `returns` against a benchmark
// Sharpe `sr_star` (per observation): Φ((SR − SR*)·sqrt(n − 1) / sqrt(1 − γ3·SR + (γ4 − 1)/4·SR²)),
// SR = mean/stdev, γ3 skewness, γ4 (non-excess) kurtosis, all population moments.
// 0 with fewer than 3 returns or zero variance (1 when every return is equal and positive).
double ProbabilisticSharpe(std::span<const double> returns, double sr_star = 0.0);

// The same from the moments: per-observation Sharpe `sr`, skewness, (non-excess) kurtosis and the
// number of observations `n`. 0 when n < 3.
double ProbabilisticSharpe(double sr, double skew, double kurt, int64_t n, double sr_star);

// Inverse of the standard normal CDF, for p in (0, 1) (±infinity at 0 and 1, NaN outside).
double NormalQuantile(double p);

// Expected maximum Sharpe of `trials` independent tries whose Sharpe estimates have variance
// `sr_variance` and mean 0 (Bailey & López de Prado 2014):
// sqrt(V)·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ the Euler–Mascheroni constant. 0 for N <= 1.
double ExpectedMaxSharpe(double sr_variance, int64_t trials);

// Deflated Sharpe ratio of `returns` after `trials` tries: the PSR against ExpectedMaxSharpe.
// V[SR] is the variance of the SR estimator itself, (1 − γ3·SR + (γ4 − 1)/4·SR²)/(n − 1) (the
// paper's fallback when the tries' own Sharpe estimates are not kept). trials <= 1 gives the PSR;
// fewer than 3 returns give 0; zero variance gives the PSR's 0 or 1.
double DeflatedSharpe(std::span<const double> returns, int64_t trials);

// A bootstrap percentile interval for the mean of `x`: `resamples` resamples with replacement,
// drawn by a std::mt19937_64 seeded from the values themselves (so the same inputs always give
// the same band), bounds at the (1 − level)/2 and (1 + level)/2 quantiles of the resampled means.
// Bounds are NaN with fewer than 2 values.
struct MeanBand {
  double lo = 0, hi = 0;
  double level = 0.9;
  int resamples = 2000;
};
MeanBand BootstrapMeanBand(std::span<const double> x, double level = 0.9, int resamples = 2000);
// {"lo", "hi", "level", "resamples"}; NaN bounds become null.
nlohmann::ordered_json MeanBandToJson(const MeanBand& b);

// Metrics from closed trades and the per-bar net returns (fraction of notional; one per bar of the
// evaluation window, 0 when flat). `bars_per_year`: 525600 for 1m bars.
// `trials`: grid candidates tried by the fit that produced the trades (for the DSR).
Metrics ComputeMetrics(std::span<const Trade> trades, std::span<const double> bar_returns, double bars_per_year,
                       double days, int64_t bars_in_position, int64_t trials = 1);

// The metrics as JSON, the one serialisation (CLI `backtest --format json`, bundles' metrics.json):
// keys in the field order above; NaN and infinities become null.
nlohmann::ordered_json MetricsToJson(const Metrics& m);

}  // namespace huracan::backtest
