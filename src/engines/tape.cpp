// tape: continuation from close-location signed volume (clv_vol_20) and the uptick ratio.
// Grid: clv floor c {0.2, 0.3, 0.4} x uptick floor u {0.55, 0.65} (mirrored for sells).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: clv_vol_20, uptick_ratio_20
// p: [0] c, [1] u
int Signal(const double* x, const double* p) {
  if (x[0] > p[0] && x[1] > p[1]) return 1;
  if (x[0] < -p[0] && x[1] < 1.0 - p[1]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& TapeSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{
        "tape",  "flow",        {Regime::kTrend}, 15, {"clv_vol_20", "uptick_ratio_20"}, {"clv_min", "uptick_min"}, {},
        &Signal, "tape buying", "tape selling"};
    for (double c : {0.2, 0.3, 0.4})
      for (double u : {0.55, 0.65}) s.grid.push_back({c, u, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
