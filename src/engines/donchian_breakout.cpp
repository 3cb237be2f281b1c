// donchian_breakout: N-bar channel break. Channel 20: donchian_break_20 (+1/-1); channel 55:
// close in the top/bottom 2% of the 55-bar range. Optional volume confirmation.
// Grid: channel {20, 55} x volume_ratio_5_60 floor {0 (off), 1.2, 1.5}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kDonchianBreak20, kDonchianPos55, kVolumeRatio5_60, kNumCols };
enum Param { kChannel, kVolumeRatioMin, kNumParams };  // channel: 0 20, 1 55; volume floor 0 = off

int Signal(const double* x, const double* p) {
  int s = 0;
  if (p[kChannel] < 0.5) {
    s = Follow(x[kDonchianBreak20], 0.5);  // +-1 on a break
  } else {
    s = x[kDonchianPos55] >= 0.98 ? 1 : x[kDonchianPos55] <= 0.02 ? -1 : 0;
  }
  if (s != 0 && p[kVolumeRatioMin] > 0 && !(x[kVolumeRatio5_60] >= p[kVolumeRatioMin])) return 0;
  return s;
}

}  // namespace

const RuleSpec& DonchianBreakoutSpec() {
  static const RuleSpec spec{
      .id = "donchian_breakout",
      .family = EngineFamily::kBreakout,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"donchian_break_20", "donchian_pos_55", "volume_ratio_5_60"}),
      .param_names = ParamNames<kNumParams>({"channel", "volume_ratio_min"}),
      .grid = Grid({0.0, 1.0}, {0.0, 1.2, 1.5}),
      .signal = &Signal,
      .buy_reason = "channel up",
      .sell_reason = "channel down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
