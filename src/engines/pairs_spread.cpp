// pairs_spread: reversion of the residual against BTC (pairs_resid_z_240, from the rolling beta).
// Grid: z {1.5, 2.0, 2.5, 3.0}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kPairsResidZ240, kNumCols };
enum Param { kResidZ, kNumParams };

int Signal(const double* x, const double* p) { return Fade(x[kPairsResidZ240], p[kResidZ]); }

}  // namespace

const RuleSpec& PairsSpreadSpec() {
  static const RuleSpec spec{
      .id = "pairs_spread",
      .family = EngineFamily::kCrossAsset,
      .regimes = {Regime::kRange},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"pairs_resid_z_240"}),
      .param_names = ParamNames<kNumParams>({"resid_z"}),
      .grid = Grid({1.5, 2.0, 2.5, 3.0}),
      .signal = &Signal,
      .buy_reason = "cheap vs btc",
      .sell_reason = "rich vs btc",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
