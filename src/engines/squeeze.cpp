// squeeze: Bollinger inside Keltner, then release. Speaks on the release bar (squeeze_release)
// in the direction of the recent move.
// Grid: direction source {ret_5, ret_15, MACD histogram} x minimum |move| {0, 5} (bps).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: squeeze_release, ret_5, ret_15, macd_hist_norm_12_26_9
// p: [0] direction source index (0..2), [1] minimum |move|
int Signal(const double* x, const double* p) {
  if (!(x[0] > 0.5)) return 0;
  double d = x[1 + static_cast<int>(p[0])];
  if (d > p[1] && d > 0) return 1;
  if (d < -p[1] && d < 0) return -1;
  return 0;
}
}  // namespace

const RuleSpec& SqueezeSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"squeeze",
               "breakout",
               {Regime::kTrend, Regime::kRange},
               60,
               {"squeeze_release", "ret_5", "ret_15", "macd_hist_norm_12_26_9"},
               {"direction_source", "move_min"},
               {},
               &Signal,
               "squeeze up",
               "squeeze down"};
    for (double src : {0.0, 1.0, 2.0})
      for (double m : {0.0, 5.0}) s.grid.push_back({src, m, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
