// volatility_breakout: close outside the Keltner/ATR channel (keltner_pos_20_2 beyond +-k, where
// +-1 are the 2-ATR bands), optionally only when price moves efficiently (er_10).
// Grid: k {1.0, 1.25, 1.5} x er_10 floor {0, 0.3}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kKeltnerPos20_2, kEr10, kNumCols };
enum Param { kKAtr, kErMin, kNumParams };  // er floor 0 = off

int Signal(const double* x, const double* p) {
  if (p[kErMin] > 0 && !(x[kEr10] >= p[kErMin])) return 0;
  return Follow(x[kKeltnerPos20_2], p[kKAtr]);
}

}  // namespace

const RuleSpec& VolatilityBreakoutSpec() {
  static const RuleSpec spec{
      .id = "volatility_breakout",
      .family = EngineFamily::kBreakout,
      .regimes = {Regime::kTrend, Regime::kPanic},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"keltner_pos_20_2", "er_10"}),
      .param_names = ParamNames<kNumParams>({"k_atr", "er_min"}),
      .grid = Grid({1.0, 1.25, 1.5}, {0.0, 0.3}),
      .signal = &Signal,
      .buy_reason = "keltner up",
      .sell_reason = "keltner down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
