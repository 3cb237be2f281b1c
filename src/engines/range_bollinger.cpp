// range_bollinger: fades the Bollinger band extremes (buy below the lower band, sell above the
// upper), optionally only when ADX says there is no trend.
// Grid: %b offset b {-0.1, 0.0, 0.05} (buy when %b < b, sell when %b > 1 - b) x ADX cap {20, 25, off}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kBbPctb20_2, kAdx14, kNumCols };
enum Param { kPctbOffset, kAdxMax, kNumParams };  // ADX cap >= 100 = off

int Signal(const double* x, const double* p) {
  if (p[kAdxMax] < 100 && !(x[kAdx14] < p[kAdxMax])) return 0;
  if (x[kBbPctb20_2] < p[kPctbOffset]) return 1;
  if (x[kBbPctb20_2] > 1.0 - p[kPctbOffset]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& RangeBollingerSpec() {
  static const RuleSpec spec{
      .id = "range_bollinger",
      .family = EngineFamily::kReversion,
      .regimes = {Regime::kRange},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"bb_pctb_20_2", "adx_14"}),
      .param_names = ParamNames<kNumParams>({"pctb_offset", "adx_max"}),
      .grid = Grid({-0.1, 0.0, 0.05}, {20.0, 25.0, 100.0}),
      .signal = &Signal,
      .buy_reason = "below bb lower",
      .sell_reason = "above bb upper",
      .loose_candidate = 8,
  };
  return spec;
}

}  // namespace huracan::engines
