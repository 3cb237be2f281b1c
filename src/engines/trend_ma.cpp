// trend_ma: EMA cross (fast EMA above/below slow EMA) confirmed by ADX and the DI lines.
// Grid: EMA pair {12/26, 20/50, 50/200} x ADX floor {20, 25, 30}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: ema_ratio_12_26, ema_ratio_20_50, ema_ratio_50_200, adx_14, plus_di_14, minus_di_14
// p: [0] EMA pair index, [1] ADX floor
int Signal(const double* x, const double* p) {
  if (!(x[3] > p[1])) return 0;
  double r = x[static_cast<int>(p[0])];
  if (r > 0 && x[4] > x[5]) return 1;
  if (r < 0 && x[5] > x[4]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& TrendMaSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"trend_ma",
               "trend",
               {Regime::kTrend},
               60,
               {"ema_ratio_12_26", "ema_ratio_20_50", "ema_ratio_50_200", "adx_14", "plus_di_14", "minus_di_14"},
               {"ema_pair", "adx_min"},
               {},
               &Signal,
               "ema up + adx",
               "ema down + adx"};
    for (double pair : {0.0, 1.0, 2.0})
      for (double adx : {20.0, 25.0, 30.0}) s.grid.push_back({pair, adx, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
