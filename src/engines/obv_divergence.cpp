// obv_divergence: price against OBV. Price fell (ret_30 below -r sigma) while OBV rose
// (obv_slope_30 > s): buy; the mirror image: sell.
// Grid: OBV slope floor s {0.05, 0.1, 0.2} x price move r {0.5, 1.0} (sigma of 30 bars).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: obv_slope_30, ret_30, vol_cc_30
// p: [0] s, [1] r
int Signal(const double* x, const double* p) {
  if (!(x[2] > 0)) return 0;
  double z = x[1] / (x[2] * std::sqrt(30.0));
  if (z < -p[1] && x[0] > p[0]) return 1;
  if (z > p[1] && x[0] < -p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& ObvDivergenceSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"obv_divergence",
               "flow",
               {Regime::kRange, Regime::kTrend},
               60,
               {"obv_slope_30", "ret_30", "vol_cc_30"},
               {"obv_slope_min", "price_sigma"},
               {},
               &Signal,
               "obv bull div",
               "obv bear div"};
    for (double sl : {0.05, 0.1, 0.2})
      for (double r : {0.5, 1.0}) s.grid.push_back({sl, r, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
