// macd: MACD histogram turns. Infer sees one bar, so a turn is read as a fresh cross: the
// histogram has just changed sign and is still small, 0 < hist < k * vol_cc_30 (buy) or
// -k * vol_cc_30 < hist < 0 (sell), optionally with the MACD line on the same side of zero.
// Grid: k {0.1, 0.2, 0.5, 1.0} x MACD-line filter {off, on}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: macd_hist_norm_12_26_9, macd_norm_12_26_9, vol_cc_30
// p: [0] k, [1] require MACD line on the same side (0/1)
int Signal(const double* x, const double* p) {
  double hist = x[0], line = x[1], cap = p[0] * x[2];
  if (!(cap > 0)) return 0;
  bool filter = p[1] > 0.5;
  if (hist > 0 && hist < cap && (!filter || line > 0)) return 1;
  if (hist < 0 && hist > -cap && (!filter || line < 0)) return -1;
  return 0;
}
}  // namespace

const RuleSpec& MacdSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"macd",
               "trend",
               {Regime::kTrend},
               30,
               {"macd_hist_norm_12_26_9", "macd_norm_12_26_9", "vol_cc_30"},
               {"k_vol", "line_filter"},
               {},
               &Signal,
               "macd turn up",
               "macd turn down"};
    for (double k : {0.1, 0.2, 0.5, 1.0})
      for (double f : {0.0, 1.0}) s.grid.push_back({k, f, 0, 0});
    s.loose_candidate = 6;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
