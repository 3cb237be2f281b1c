// nr7_breakout: close beyond the high/low of the latest NR7 bar (nr7_break), with volume.
// Grid: volume_ratio_5_60 floor {0 (off), 1.0, 1.3, 1.6}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kNr7Break, kVolumeRatio5_60, kNumCols };
enum Param { kVolumeRatioMin, kNumParams };  // 0 = off

int Signal(const double* x, const double* p) {
  int s = Follow(x[kNr7Break], 0.5);  // +-1 on a break
  if (s != 0 && p[kVolumeRatioMin] > 0 && !(x[kVolumeRatio5_60] >= p[kVolumeRatioMin])) return 0;
  return s;
}

}  // namespace

const RuleSpec& Nr7BreakoutSpec() {
  static const RuleSpec spec{
      .id = "nr7_breakout",
      .family = EngineFamily::kBreakout,
      .regimes = {Regime::kTrend, Regime::kRange},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"nr7_break", "volume_ratio_5_60"}),
      .param_names = ParamNames<kNumParams>({"volume_ratio_min"}),
      .grid = Grid({0.0, 1.0, 1.3, 1.6}),
      .signal = &Signal,
      .buy_reason = "nr7 break up",
      .sell_reason = "nr7 break down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
