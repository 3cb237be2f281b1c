// leader: relative strength against BTC, continued. z = rel_ret_btc_N / (vol_cc_120 * sqrt N).
// Grid: window N {15, 60} x z {0.5, 1.0, 1.5, 2.0}. Silent when there is no BTC reference (NaN).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: rel_ret_btc_15, rel_ret_btc_60, vol_cc_120
// p: [0] window (0: 15, 1: 60), [1] z
int Signal(const double* x, const double* p) {
  if (!(x[2] > 0)) return 0;
  bool w60 = p[0] > 0.5;
  double z = (w60 ? x[1] : x[0]) / (x[2] * std::sqrt(w60 ? 60.0 : 15.0));
  if (z > p[1]) return 1;
  if (z < -p[1]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& LeaderSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"leader",
               "cross_asset",
               {Regime::kTrend},
               60,
               {"rel_ret_btc_15", "rel_ret_btc_60", "vol_cc_120"},
               {"window", "z_min"},
               {},
               &Signal,
               "beats btc",
               "lags btc"};
    for (double w : {0.0, 1.0})
      for (double z : {0.5, 1.0, 1.5, 2.0}) s.grid.push_back({w, z, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
