// volatility_breakout: close outside the Keltner/ATR channel (keltner_pos_20_2 beyond +-k, where
// +-1 are the 2-ATR bands), optionally only when price moves efficiently (er_10).
// Grid: k {1.0, 1.25, 1.5} x er_10 floor {0, 0.3}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: keltner_pos_20_2, er_10
// p: [0] k, [1] er floor
int Signal(const double* x, const double* p) {
  if (p[1] > 0 && !(x[1] >= p[1])) return 0;
  if (x[0] > p[0]) return 1;
  if (x[0] < -p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& VolatilityBreakoutSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"volatility_breakout",
               "breakout",
               {Regime::kTrend, Regime::kPanic},
               30,
               {"keltner_pos_20_2", "er_10"},
               {"k_atr", "er_min"},
               {},
               &Signal,
               "keltner up",
               "keltner down"};
    for (double k : {1.0, 1.25, 1.5})
      for (double er : {0.0, 0.3}) s.grid.push_back({k, er, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
