// sweep: a wick through the 20-bar extreme that closes back inside, on a volume jump; fade it
// (a swept low is bought, a swept high is sold).
// Grid: volume_z_60 floor {0, 1, 2} x wick share floor {0, 0.4}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: sweep_low_20, sweep_high_20, volume_z_60, lower_wick_ratio, upper_wick_ratio
// p: [0] volume z floor, [1] wick ratio floor
int Signal(const double* x, const double* p) {
  if (!(x[2] >= p[0])) return 0;
  if (x[0] > 0.5 && x[3] >= p[1]) return 1;
  if (x[1] > 0.5 && x[4] >= p[1]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& SweepSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"sweep",
               "flow",
               {Regime::kRange, Regime::kTrend},
               30,
               {"sweep_low_20", "sweep_high_20", "volume_z_60", "lower_wick_ratio", "upper_wick_ratio"},
               {"volume_z_min", "wick_min"},
               {},
               &Signal,
               "low swept",
               "high swept"};
    for (double v : {0.0, 1.0, 2.0})
      for (double w : {0.0, 0.4}) s.grid.push_back({v, w, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
