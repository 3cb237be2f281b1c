// zscore_reversion: fades a short-horizon return z-score (ret_z_15), optionally only when ADX is low.
// Grid: z {1.5, 2.0, 2.5, 3.0} x ADX cap {25, off}.
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: ret_z_15, adx_14
// p: [0] z, [1] ADX cap (>= 100 = off)
int Signal(const double* x, const double* p) {
  if (p[1] < 100 && !(x[1] < p[1])) return 0;
  if (x[0] < -p[0]) return 1;
  if (x[0] > p[0]) return -1;
  return 0;
}
}  // namespace

const RuleSpec& ZscoreReversionSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{
        "zscore_reversion", "reversion",   {Regime::kRange}, 15, {"ret_z_15", "adx_14"}, {"z", "adx_max"}, {}, &Signal,
        "z low: fade",      "z high: fade"};
    for (double z : {1.5, 2.0, 2.5, 3.0})
      for (double adx : {25.0, 100.0}) s.grid.push_back({z, adx, 0, 0});
    s.loose_candidate = 1;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
