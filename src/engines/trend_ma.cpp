// trend_ma: EMA cross (fast EMA above/below slow EMA) confirmed by ADX and the DI lines.
// Grid: EMA pair {12/26, 20/50, 50/200} x ADX floor {20, 25, 30}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kEmaRatio12_26, kEmaRatio20_50, kEmaRatio50_200, kAdx14, kPlusDi14, kMinusDi14, kNumCols };
enum Param { kEmaPair, kAdxMin, kNumParams };  // EMA pair: 0 12/26, 1 20/50, 2 50/200

int Signal(const double* x, const double* p) {
  if (!(x[kAdx14] > p[kAdxMin])) return 0;
  double r = x[kEmaRatio12_26 + static_cast<int>(p[kEmaPair])];
  if (r > 0 && x[kPlusDi14] > x[kMinusDi14]) return 1;
  if (r < 0 && x[kMinusDi14] > x[kPlusDi14]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& TrendMaSpec() {
  static const RuleSpec spec{
      .id = "trend_ma",
      .family = EngineFamily::kTrend,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>(
          {"ema_ratio_12_26", "ema_ratio_20_50", "ema_ratio_50_200", "adx_14", "plus_di_14", "minus_di_14"}),
      .param_names = ParamNames<kNumParams>({"ema_pair", "adx_min"}),
      .grid = Grid({0.0, 1.0, 2.0}, {20.0, 25.0, 30.0}),
      .signal = &Signal,
      .buy_reason = "ema up + adx",
      .sell_reason = "ema down + adx",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
