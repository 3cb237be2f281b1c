// range_bollinger: fades the Bollinger band extremes (buy below the lower band, sell above the
// upper), optionally only when ADX says there is no trend.
// Grid: %b offset b {-0.1, 0.0, 0.05} (buy when %b < b, sell when %b > 1 - b) x ADX cap {20, 25, off}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: bb_pctb_20_2, adx_14
// p: [0] offset b, [1] ADX cap (>= 100 = off)
int Signal(const double* x, const double* p) {
  if (p[1] < 100 && !(x[1] < p[1])) return 0;
  if (x[0] < p[0]) return 1;
  if (x[0] > 1.0 - p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& RangeBollingerSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"range_bollinger",
               "reversion",
               {Regime::kRange},
               30,
               {"bb_pctb_20_2", "adx_14"},
               {"pctb_offset", "adx_max"},
               {},
               &Signal,
               "below bb lower",
               "above bb upper"};
    for (double b : {-0.1, 0.0, 0.05})
      for (double adx : {20.0, 25.0, 100.0}) s.grid.push_back({b, adx, 0, 0});
    s.loose_candidate = 8;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
