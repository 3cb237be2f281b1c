// pairs_spread: reversion of the residual against BTC (pairs_resid_z_240, from the rolling beta).
// Grid: z {1.5, 2.0, 2.5, 3.0}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: pairs_resid_z_240
// p: [0] z
int Signal(const double* x, const double* p) {
  if (x[0] < -p[0]) return 1;
  if (x[0] > p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& PairsSpreadSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"pairs_spread", "cross_asset",  {Regime::kRange}, 60, {"pairs_resid_z_240"}, {"resid_z"}, {},
               &Signal,        "cheap vs btc", "rich vs btc"};
    for (double z : {1.5, 2.0, 2.5, 3.0}) s.grid.push_back({z, 0, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
