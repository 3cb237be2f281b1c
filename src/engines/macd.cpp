// macd: MACD histogram turns. Infer sees one bar, so a turn is read as a fresh cross: the
// histogram has just changed sign and is still small, 0 < hist < k * vol_cc_30 (buy) or
// -k * vol_cc_30 < hist < 0 (sell), optionally with the MACD line on the same side of zero.
// Grid: k {0.1, 0.2, 0.5, 1.0} x MACD-line filter {off, on}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kMacdHistNorm, kMacdNorm, kVolCc30, kNumCols };
enum Param { kKVol, kLineFilter, kNumParams };  // line filter: require the MACD line on the same side (0/1)

int Signal(const double* x, const double* p) {
  double hist = x[kMacdHistNorm], line = x[kMacdNorm], cap = p[kKVol] * x[kVolCc30];
  if (!(cap > 0)) return 0;
  bool filter = p[kLineFilter] > 0.5;
  if (hist > 0 && hist < cap && (!filter || line > 0)) return 1;
  if (hist < 0 && hist > -cap && (!filter || line < 0)) return -1;
  return 0;
}

}  // namespace

const RuleSpec& MacdSpec() {
  static const RuleSpec spec{
      .id = "macd",
      .family = EngineFamily::kTrend,
      .regimes = {Regime::kTrend},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>({"macd_hist_norm_12_26_9", "macd_norm_12_26_9", "vol_cc_30"}),
      .param_names = ParamNames<kNumParams>({"k_vol", "line_filter"}),
      .grid = Grid({0.1, 0.2, 0.5, 1.0}, {0.0, 1.0}),
      .signal = &Signal,
      .buy_reason = "macd turn up",
      .sell_reason = "macd turn down",
      .loose_candidate = 6,
  };
  return spec;
}

}  // namespace huracan::engines
