// nr7_breakout: close beyond the high/low of the latest NR7 bar (nr7_break), with volume.
// Grid: volume_ratio_5_60 floor {0 (off), 1.0, 1.3, 1.6}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: nr7_break, volume_ratio_5_60
// p: [0] volume ratio floor (0 = off)
int Signal(const double* x, const double* p) {
  int s = x[0] > 0.5 ? 1 : x[0] < -0.5 ? -1 : 0;
  if (s != 0 && p[0] > 0 && !(x[1] >= p[0])) return 0;
  return s;
}
}  // namespace

const RuleSpec& Nr7BreakoutSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"nr7_breakout",
               "breakout",
               {Regime::kTrend, Regime::kRange},
               30,
               {"nr7_break", "volume_ratio_5_60"},
               {"volume_ratio_min"},
               {},
               &Signal,
               "nr7 break up",
               "nr7 break down"};
    for (double v : {0.0, 1.0, 1.3, 1.6}) s.grid.push_back({v, 0, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
