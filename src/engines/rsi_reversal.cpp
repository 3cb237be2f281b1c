// rsi_reversal: buys RSI below L, sells RSI above 100 - L.
// Grid: RSI period {7, 14} x L {20, 25, 30}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: rsi_7, rsi_14
// p: [0] which RSI (0: 7, 1: 14), [1] lower level L
int Signal(const double* x, const double* p) {
  double r = x[static_cast<int>(p[0])];
  if (r < p[1]) return 1;
  if (r > 100.0 - p[1]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& RsiReversalSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"rsi_reversal",
               "reversion",
               {Regime::kRange, Regime::kPanic},
               30,
               {"rsi_7", "rsi_14"},
               {"rsi_period", "level"},
               {},
               &Signal,
               "rsi oversold",
               "rsi overbought"};
    for (double which : {0.0, 1.0})
      for (double l : {20.0, 25.0, 30.0}) s.grid.push_back({which, l, 0, 0});
    s.loose_candidate = 2;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
