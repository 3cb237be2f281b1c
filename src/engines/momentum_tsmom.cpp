// momentum_tsmom: multi-horizon time-series momentum. Score = mean over horizons N of
// ret_N / (vol_cc_120 * sqrt(N)); buy above +z, sell below -z.
// Grid: horizon set {60+240, 15+60+240} x z {0.5, 1.0, 1.5, 2.0}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: ret_15, ret_60, ret_240, vol_cc_120
// p: [0] horizon set (0: 60+240, 1: 15+60+240), [1] z threshold
int Signal(const double* x, const double* p) {
  double vol = x[3];
  if (!(vol > 0)) return 0;
  double s = x[1] / (vol * std::sqrt(60.0)) + x[2] / (vol * std::sqrt(240.0));
  double n = 2;
  if (p[0] > 0.5) s += x[0] / (vol * std::sqrt(15.0)), n = 3;
  s /= n;
  if (s > p[1]) return 1;
  if (s < -p[1]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& MomentumTsmomSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{
        "momentum_tsmom",         "trend", {Regime::kTrend}, 60,         {"ret_15", "ret_60", "ret_240", "vol_cc_120"},
        {"horizon_set", "z_min"}, {},      &Signal,          "tsmom up", "tsmom down"};
    for (double set : {0.0, 1.0})
      for (double z : {0.5, 1.0, 1.5, 2.0}) s.grid.push_back({set, z, 0, 0});
    s.loose_candidate = 4;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
