// vwap_reversion: fades the deviation from the rolling 60-bar VWAP, in ATR units (vwap_dev_60).
// Grid: d {1.0, 1.5, 2.0, 3.0}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kVwapDev60, kNumCols };
enum Param { kAtrDev, kNumParams };

int Signal(const double* x, const double* p) { return Fade(x[kVwapDev60], p[kAtrDev]); }

}  // namespace

const RuleSpec& VwapReversionSpec() {
  static const RuleSpec spec{
      .id = "vwap_reversion",
      .family = EngineFamily::kReversion,
      .regimes = {Regime::kRange},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"vwap_dev_60"}),
      .param_names = ParamNames<kNumParams>({"atr_dev"}),
      .grid = Grid({1.0, 1.5, 2.0, 3.0}),
      .signal = &Signal,
      .buy_reason = "below vwap",
      .sell_reason = "above vwap",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
