// panic_reversal: capitulation bounce. Buys (long only) after a drop of more than k sigma, measured
// as the worse of ret_z_15 and ret_60 / (vol_cc_120 * sqrt 60), optionally on heavy volume.
// Grid: k {2.5, 3.0, 4.0} x volume_z_60 floor {off, 2}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: ret_z_15, ret_60, vol_cc_120, volume_z_60
// p: [0] k, [1] volume z floor (<= -100 = off)
int Signal(const double* x, const double* p) {
  if (!(x[2] > 0)) return 0;
  double z60 = x[1] / (x[2] * std::sqrt(60.0));
  double drop = std::fmin(x[0], z60);  // fmin ignores one NaN
  if (p[1] > -100 && !(x[3] >= p[1])) return 0;
  return drop < -p[0] ? 1 : 0;
}
}  // namespace

const RuleSpec& PanicReversalSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"panic_reversal",
               "reversion",
               {Regime::kPanic},
               60,
               {"ret_z_15", "ret_60", "vol_cc_120", "volume_z_60"},
               {"k_sigma", "volume_z_min"},
               {},
               &Signal,
               "capitulation",
               "-"};
    for (double k : {2.5, 3.0, 4.0})
      for (double v : {-1000.0, 2.0}) s.grid.push_back({k, v, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
