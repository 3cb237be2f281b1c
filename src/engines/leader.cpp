// leader: relative strength against BTC, continued. z = rel_ret_btc_N / (vol_cc_120 * sqrt N).
// Grid: window N {15, 60} x z {0.5, 1.0, 1.5, 2.0}. Silent when there is no BTC reference (NaN).
#include <cmath>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kRelRetBtc15, kRelRetBtc60, kVolCc120, kNumCols };
enum Param { kWindow, kZMin, kNumParams };  // window: 0 15 bars, 1 60 bars

int Signal(const double* x, const double* p) {
  if (!(x[kVolCc120] > 0)) return 0;
  bool w60 = p[kWindow] > 0.5;
  double z = (w60 ? x[kRelRetBtc60] : x[kRelRetBtc15]) / (x[kVolCc120] * std::sqrt(w60 ? 60.0 : 15.0));
  return Follow(z, p[kZMin]);
}

}  // namespace

const RuleSpec& LeaderSpec() {
  static const RuleSpec spec{
      .id = "leader",
      .family = EngineFamily::kCrossAsset,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"rel_ret_btc_15", "rel_ret_btc_60", "vol_cc_120"}),
      .param_names = ParamNames<kNumParams>({"window", "z_min"}),
      .grid = Grid({0.0, 1.0}, {0.5, 1.0, 1.5, 2.0}),
      .signal = &Signal,
      .buy_reason = "beats btc",
      .sell_reason = "lags btc",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
