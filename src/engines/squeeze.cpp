// squeeze: Bollinger inside Keltner, then release. Speaks on the release bar (squeeze_release)
// in the direction of the recent move.
// Grid: direction source {ret_5, ret_15, MACD histogram} x minimum |move| {0, 5} (bps).
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kSqueezeRelease, kRet5, kRet15, kMacdHistNorm, kNumCols };
enum Param { kDirectionSource, kMoveMin, kNumParams };  // source: 0 ret_5, 1 ret_15, 2 MACD histogram

int Signal(const double* x, const double* p) {
  if (!(x[kSqueezeRelease] > 0.5)) return 0;
  double d = x[kRet5 + static_cast<int>(p[kDirectionSource])];
  if (d > p[kMoveMin] && d > 0) return 1;
  if (d < -p[kMoveMin] && d < 0) return -1;
  return 0;
}

}  // namespace

const RuleSpec& SqueezeSpec() {
  static const RuleSpec spec{
      .id = "squeeze",
      .family = EngineFamily::kBreakout,
      .regimes = {Regime::kTrend, Regime::kRange},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"squeeze_release", "ret_5", "ret_15", "macd_hist_norm_12_26_9"}),
      .param_names = ParamNames<kNumParams>({"direction_source", "move_min"}),
      .grid = Grid({0.0, 1.0, 2.0}, {0.0, 5.0}),
      .signal = &Signal,
      .buy_reason = "squeeze up",
      .sell_reason = "squeeze down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
