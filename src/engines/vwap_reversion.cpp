// vwap_reversion: fades the deviation from the rolling 60-bar VWAP, in ATR units (vwap_dev_60).
// Grid: d {1.0, 1.5, 2.0, 3.0}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: vwap_dev_60
// p: [0] d
int Signal(const double* x, const double* p) {
  if (x[0] < -p[0]) return 1;
  if (x[0] > p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& VwapReversionSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"vwap_reversion", "reversion", {Regime::kRange}, 30,           {"vwap_dev_60"},
               {"atr_dev"},      {},          &Signal,          "below vwap", "above vwap"};
    for (double d : {1.0, 1.5, 2.0, 3.0}) s.grid.push_back({d, 0, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
