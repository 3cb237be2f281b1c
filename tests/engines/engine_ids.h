// The one golden list of engine ids in canonical order. The registry (AllEngineIds), `huracan
// engines list` and everything built on them must match it; every other test takes the ids and
// their count from the registry. Adding an engine adds its id here, in its registry position.
#pragma once

#include <string>
#include <vector>

namespace huracan::engines::testing {

inline const std::vector<std::string>& GoldenEngineIds() {
  static const std::vector<std::string> ids = {"trend_ma",
                                               "momentum_tsmom",
                                               "macd",
                                               "donchian_breakout",
                                               "volatility_breakout",
                                               "squeeze",
                                               "nr7_breakout",
                                               "range_bollinger",
                                               "rsi_reversal",
                                               "zscore_reversion",
                                               "vwap_reversion",
                                               "sweep",
                                               "panic_reversal",
                                               "tape",
                                               "obv_divergence",
                                               "volume_spike",
                                               "leader",
                                               "lead_lag",
                                               "pairs_spread",
                                               "seasonality",
                                               "gbdt",
                                               "ridge",
                                               "meta_label"};
  return ids;
}

}  // namespace huracan::engines::testing
