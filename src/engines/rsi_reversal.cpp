// rsi_reversal: buys RSI below L, sells RSI above 100 - L.
// Grid: RSI period {7, 14} x L {20, 25, 30}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kRsi7, kRsi14, kNumCols };
enum Param { kRsiPeriod, kLevel, kNumParams };  // period: 0 RSI 7, 1 RSI 14; level: the lower level L

int Signal(const double* x, const double* p) {
  double r = x[kRsi7 + static_cast<int>(p[kRsiPeriod])];
  if (r < p[kLevel]) return 1;
  if (r > 100.0 - p[kLevel]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& RsiReversalSpec() {
  static const RuleSpec spec{
      .id = "rsi_reversal",
      .family = EngineFamily::kReversion,
      .regimes = {Regime::kRange, Regime::kPanic},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"rsi_7", "rsi_14"}),
      .param_names = ParamNames<kNumParams>({"rsi_period", "level"}),
      .grid = Grid({0.0, 1.0}, {20.0, 25.0, 30.0}),
      .signal = &Signal,
      .buy_reason = "rsi oversold",
      .sell_reason = "rsi overbought",
      .loose_candidate = 2,
  };
  return spec;
}

}  // namespace huracan::engines
