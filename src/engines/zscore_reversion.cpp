// zscore_reversion: fades a short-horizon return z-score (ret_z_15), optionally only when ADX is low.
// Grid: z {1.5, 2.0, 2.5, 3.0} x ADX cap {25, off}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kRetZ15, kAdx14, kNumCols };
enum Param { kZ, kAdxMax, kNumParams };  // ADX cap >= 100 = off

int Signal(const double* x, const double* p) {
  if (p[kAdxMax] < 100 && !(x[kAdx14] < p[kAdxMax])) return 0;
  return Fade(x[kRetZ15], p[kZ]);
}

}  // namespace

const RuleSpec& ZscoreReversionSpec() {
  static const RuleSpec spec{
      .id = "zscore_reversion",
      .family = EngineFamily::kReversion,
      .regimes = {Regime::kRange},
      .horizon_minutes = 15,
      .features = FeatureNames<kNumCols>({"ret_z_15", "adx_14"}),
      .param_names = ParamNames<kNumParams>({"z", "adx_max"}),
      .grid = Grid({1.5, 2.0, 2.5, 3.0}, {25.0, 100.0}),
      .signal = &Signal,
      .buy_reason = "z low: fade",
      .sell_reason = "z high: fade",
      .loose_candidate = 1,
  };
  return spec;
}

}  // namespace huracan::engines
