// lead_lag: BTC's last minutes predict the coin. The gap beta_btc_120 * btc_ret_5 - ret_5 is what
// the coin has not yet followed; in units of vol_cc_30 * sqrt 5 it must exceed z.
// Grid: z {1.0, 1.5, 2.0, 3.0}. Silent without a BTC reference (and on BTC itself the gap is ~0).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: btc_ret_5, ret_5, beta_btc_120, vol_cc_30
// p: [0] z
int Signal(const double* x, const double* p) {
  if (!(x[3] > 0)) return 0;
  double z = (x[2] * x[0] - x[1]) / (x[3] * std::sqrt(5.0));
  if (z > p[0]) return 1;
  if (z < -p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& LeadLagSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"lead_lag",
               "cross_asset",
               {Regime::kTrend, Regime::kRange, Regime::kPanic},
               15,
               {"btc_ret_5", "ret_5", "beta_btc_120", "vol_cc_30"},
               {"gap_z"},
               {},
               &Signal,
               "btc led up",
               "btc led down"};
    for (double z : {1.0, 1.5, 2.0, 3.0}) s.grid.push_back({z, 0, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
