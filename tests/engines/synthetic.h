// A synthetic bar series and feature frame with the `default` recipe's contract names. Features
// are driven by three persistent latent factors (reversion A, trend B, flow C) and the prices
// drift with them, so rule engines and models have something to find; with `edge = false` prices
// are a small random walk independent of the features.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "data/bar_series.h"
#include "features/frame.h"
#include "support/contract_columns.h"

namespace huracan::engines::testing {

using huracan::testing::ContractNames;

struct Synthetic {
  data::BarSeries bars;
  features::FeatureFrame frame;
};

inline Synthetic MakeSynthetic(size_t n, bool edge, uint32_t seed, size_t warmup = 250) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> N(0.0, 1.0);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  Synthetic s;
  s.bars.symbol = "SYN-USDT";
  s.bars.timeframe = "1m";
  s.frame.names = ContractNames();
  s.frame.columns.assign(s.frame.names.size(), std::vector<double>(n, features::kNaN));
  auto col = [&](const char* name) -> std::vector<double>& {
    for (size_t i = 0; i < s.frame.names.size(); ++i)
      if (s.frame.names[i] == name) return s.frame.columns[i];
    std::abort();
  };
  const double pa = 0.99, pb = 0.995, pc = 0.98;
  double a = 0, b = 0, c = 0, close = 100.0;
  const int64_t t0 = 1735689600000;  // 2025-01-01
  for (size_t t = 0; t < n; ++t) {
    a = pa * a + std::sqrt(1 - pa * pa) * N(rng);
    b = pb * b + std::sqrt(1 - pb * pb) * N(rng);
    c = pc * c + std::sqrt(1 - pc * pc) * N(rng);
    double drift = edge ? (-0.6 * a + 0.6 * b + 0.4 * c) : 0.0;
    double noise = edge ? 4.0 : 0.5;
    double open = close;
    close = open * std::exp((drift + noise * N(rng)) / 1e4);
    double hi = std::max(open, close) * (1 + std::fabs(N(rng)) * noise * 5e-5);
    double lo = std::min(open, close) * (1 - std::fabs(N(rng)) * noise * 5e-5);
    s.bars.push_back(Bar{t0 + static_cast<int64_t>(t) * 60000, open, hi, lo, close, 100 + 20 * U(rng)});
    s.frame.ts_ms.push_back(t0 + static_cast<int64_t>(t) * 60000);
    for (auto& column : s.frame.columns) column[t] = N(rng);  // default: noise
    if (t < warmup) {
      for (auto& column : s.frame.columns) column[t] = features::kNaN;
      continue;
    }
    auto set = [&](const char* name, double v) { col(name)[t] = v; };
    set("rsi_7", std::clamp(50 + 18 * a + 3 * N(rng), 0.0, 100.0));
    set("rsi_14", std::clamp(50 + 14 * a + 3 * N(rng), 0.0, 100.0));
    set("bb_pctb_20_2", 0.5 + 0.35 * a + 0.05 * N(rng));
    set("close_z_20", 1.2 * a);
    set("ret_z_15", 1.2 * a + 0.2 * N(rng));
    set("vwap_dev_60", 1.2 * a + 0.2 * N(rng));
    set("pairs_resid_z_240", 1.1 * a + 0.2 * N(rng));
    set("keltner_pos_20_2", 0.7 * b + 0.2 * N(rng));
    for (const char* e : {"ema_ratio_12_26", "ema_ratio_20_50", "ema_ratio_50_200", "sma_ratio_20", "sma_ratio_50"})
      set(e, 20 * b + 3 * N(rng));
    set("macd_norm_12_26_9", 5 * b + N(rng));
    set("macd_hist_norm_12_26_9", 0.5 * b + N(rng));
    set("adx_14", 25 + 8 * std::fabs(b) + 2 * N(rng));
    set("plus_di_14", 25 + 8 * b);
    set("minus_di_14", 25 - 8 * b);
    set("vol_cc_30", 4 + 0.2 * U(rng));
    set("vol_cc_120", 4 + 0.1 * U(rng));
    for (auto [name, len] : {std::pair{"ret_5", 5}, {"ret_15", 15}, {"ret_30", 30}, {"ret_60", 60}, {"ret_240", 240}})
      set(name, 4 * std::sqrt(len) * (b - 0.5 * a + 0.5 * N(rng)));
    set("rel_ret_btc_15", 10 * b + 5 * N(rng));
    set("rel_ret_btc_60", 20 * b + 10 * N(rng));
    set("btc_ret_5", 8 * b + 8 * N(rng));
    set("beta_btc_120", 1.0);
    set("er_10", U(rng));
    set("clv_vol_20", 0.35 * c + 0.05 * N(rng));
    set("uptick_ratio_20", 0.5 + 0.12 * c + 0.02 * N(rng));
    set("obv_slope_30", 0.15 * c + 0.05 * N(rng));
    set("volume_z_60", N(rng) + (U(rng) < 0.02 ? 3.0 : 0.0));
    set("volume_ratio_5_60", 1 + 0.3 * N(rng));
    set("body_bps", 4 * N(rng) + 2 * c);
    set("donchian_break_20", b > 1.5 ? 1.0 : b < -1.5 ? -1.0 : 0.0);
    set("donchian_pos_55", std::clamp(0.5 + 0.35 * b, 0.0, 1.0));
    set("squeeze_release", U(rng) < 0.01 ? 1.0 : 0.0);
    set("nr7_break", U(rng) < 0.02 ? (b > 0 ? 1.0 : -1.0) : 0.0);
    set("sweep_low_20", a < -1.2 && U(rng) < 0.2 ? 1.0 : 0.0);
    set("sweep_high_20", a > 1.2 && U(rng) < 0.2 ? 1.0 : 0.0);
    set("lower_wick_ratio", U(rng));
    set("upper_wick_ratio", U(rng));
  }
  return s;
}

}  // namespace huracan::engines::testing
