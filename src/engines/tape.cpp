// tape: continuation from close-location signed volume (clv_vol_20) and the uptick ratio.
// Grid: clv floor c {0.2, 0.3, 0.4} x uptick floor u {0.55, 0.65} (mirrored for sells).
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kClvVol20, kUptickRatio20, kNumCols };
enum Param { kClvMin, kUptickMin, kNumParams };

int Signal(const double* x, const double* p) {
  if (x[kClvVol20] > p[kClvMin] && x[kUptickRatio20] > p[kUptickMin]) return 1;
  if (x[kClvVol20] < -p[kClvMin] && x[kUptickRatio20] < 1.0 - p[kUptickMin]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& TapeSpec() {
  static const RuleSpec spec{
      .id = "tape",
      .family = EngineFamily::kFlow,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 15,
      .features = FeatureNames<kNumCols>({"clv_vol_20", "uptick_ratio_20"}),
      .param_names = ParamNames<kNumParams>({"clv_min", "uptick_min"}),
      .grid = Grid({0.2, 0.3, 0.4}, {0.55, 0.65}),
      .signal = &Signal,
      .buy_reason = "tape buying",
      .sell_reason = "tape selling",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
