// obv_divergence: price against OBV. Price fell (ret_30 below -r sigma) while OBV rose
// (obv_slope_30 > s): buy; the mirror image: sell.
// Grid: OBV slope floor s {0.05, 0.1, 0.2} x price move r {0.5, 1.0} (sigma of 30 bars).
#include <cmath>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kObvSlope30, kRet30, kVolCc30, kNumCols };
enum Param { kObvSlopeMin, kPriceSigma, kNumParams };

int Signal(const double* x, const double* p) {
  if (!(x[kVolCc30] > 0)) return 0;
  double z = x[kRet30] / (x[kVolCc30] * std::sqrt(30.0));
  if (z < -p[kPriceSigma] && x[kObvSlope30] > p[kObvSlopeMin]) return 1;
  if (z > p[kPriceSigma] && x[kObvSlope30] < -p[kObvSlopeMin]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& ObvDivergenceSpec() {
  static const RuleSpec spec{
      .id = "obv_divergence",
      .family = EngineFamily::kFlow,
      .regimes = {Regime::kRange, Regime::kTrend},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"obv_slope_30", "ret_30", "vol_cc_30"}),
      .param_names = ParamNames<kNumParams>({"obv_slope_min", "price_sigma"}),
      .grid = Grid({0.05, 0.1, 0.2}, {0.5, 1.0}),
      .signal = &Signal,
      .buy_reason = "obv bull div",
      .sell_reason = "obv bear div",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
