// volume_spike: continuation after a directional bar (|body| > b sigma) with a volume z-score spike.
// Grid: volume_z_60 floor v {2, 3, 4} x body b {0.5, 1, 2} (in vol_cc_30 units).
#include <cmath>

#include "engines/factories.h"

namespace huracan::engines {

namespace {
// x: volume_z_60, body_bps, vol_cc_30
// p: [0] v, [1] b
int Signal(const double* x, const double* p) {
  if (!(x[0] > p[0]) || !(x[2] > 0)) return 0;
  double b = p[1] * x[2];
  if (x[1] > b) return 1;
  if (x[1] < -b) return -1;
  return 0;
}
}  // namespace

const RuleSpec& VolumeSpikeSpec() {
  static const RuleSpec spec = [] {
    RuleSpec s{"volume_spike",
               "flow",
               {Regime::kTrend, Regime::kPanic},
               15,
               {"volume_z_60", "body_bps", "vol_cc_30"},
               {"volume_z_min", "body_sigma"},
               {},
               &Signal,
               "spike up",
               "spike down"};
    for (double v : {2.0, 3.0, 4.0})
      for (double b : {0.5, 1.0, 2.0}) s.grid.push_back({v, b, 0, 0});
    s.loose_candidate = 0;
    return s;
  }();
  return spec;
}
}  // namespace huracan::engines
