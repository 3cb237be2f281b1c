// momentum_tsmom: multi-horizon time-series momentum. Score = mean over horizons N of
// ret_N / (vol_cc_120 * sqrt(N)); buy above +z, sell below -z.
// Grid: horizon set {60+240, 15+60+240} x z {0.5, 1.0, 1.5, 2.0}.
#include <cmath>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kRet15, kRet60, kRet240, kVolCc120, kNumCols };
enum Param { kHorizonSet, kZMin, kNumParams };  // horizon set: 0 60+240, 1 15+60+240

int Signal(const double* x, const double* p) {
  double vol = x[kVolCc120];
  if (!(vol > 0)) return 0;
  double s = x[kRet60] / (vol * std::sqrt(60.0)) + x[kRet240] / (vol * std::sqrt(240.0));
  double n = 2;
  if (p[kHorizonSet] > 0.5) s += x[kRet15] / (vol * std::sqrt(15.0)), n = 3;
  s /= n;
  return Follow(s, p[kZMin]);
}

}  // namespace

const RuleSpec& MomentumTsmomSpec() {
  static const RuleSpec spec{
      .id = "momentum_tsmom",
      .family = EngineFamily::kTrend,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"ret_15", "ret_60", "ret_240", "vol_cc_120"}),
      .param_names = ParamNames<kNumParams>({"horizon_set", "z_min"}),
      .grid = Grid({0.0, 1.0}, {0.5, 1.0, 1.5, 2.0}),
      .signal = &Signal,
      .buy_reason = "tsmom up",
      .sell_reason = "tsmom down",
      .loose_candidate = 4,
  };
  return spec;
}

}  // namespace huracan::engines
