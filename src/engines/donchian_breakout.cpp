// donchian_breakout: N-bar channel break. Channel 20: donchian_break_20 (+1/-1); channel 55:
// close in the top/bottom 2% of the 55-bar range. Optional volume confirmation.
// Grid: channel {20, 55} x volume_ratio_5_60 floor {0 (off), 1.2, 1.5}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: donchian_break_20, donchian_pos_55, volume_ratio_5_60
// p: [0] channel (0: 20, 1: 55), [1] volume ratio floor (0 = off)
int Signal(const double* x, const double* p) {
  int s = 0;
  if (p[0] < 0.5) {
    s = x[0] > 0.5 ? 1 : x[0] < -0.5 ? -1 : 0;
  } else {
    s = x[1] >= 0.98 ? 1 : x[1] <= 0.02 ? -1 : 0;
  }
  if (s != 0 && p[1] > 0 && !(x[2] >= p[1])) return 0;
  return s;
}
}  // namespace

const RuleSpec& DonchianBreakoutSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"donchian_breakout",
               "breakout",
               {Regime::kTrend},
               60,
               {"donchian_break_20", "donchian_pos_55", "volume_ratio_5_60"},
               {"channel", "volume_ratio_min"},
               {},
               &Signal,
               "channel up",
               "channel down"};
    for (double ch : {0.0, 1.0})
      for (double v : {0.0, 1.2, 1.5}) s.grid.push_back({ch, v, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
