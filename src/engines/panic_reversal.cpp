// panic_reversal: capitulation bounce. Buys (long only) after a drop of more than k sigma, measured
// as the worse of ret_z_15 and ret_60 / (vol_cc_120 * sqrt 60), optionally on heavy volume.
// Grid: k {2.5, 3.0, 4.0} x volume_z_60 floor {off, 2}.
#include <cmath>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kRetZ15, kRet60, kVolCc120, kVolumeZ60, kNumCols };
enum Param { kKSigma, kVolumeZMin, kNumParams };  // volume z floor <= -100 = off

int Signal(const double* x, const double* p) {
  if (!(x[kVolCc120] > 0)) return 0;
  double z60 = x[kRet60] / (x[kVolCc120] * std::sqrt(60.0));
  double drop = std::fmin(x[kRetZ15], z60);  // fmin ignores one NaN
  if (p[kVolumeZMin] > -100 && !(x[kVolumeZ60] >= p[kVolumeZMin])) return 0;
  return drop < -p[kKSigma] ? 1 : 0;
}

}  // namespace

const RuleSpec& PanicReversalSpec() {
  static const RuleSpec spec{
      .id = "panic_reversal",
      .family = EngineFamily::kReversion,
      .regimes = {Regime::kPanic},
      .horizon_minutes = 60,
      .features = FeatureNames<kNumCols>({"ret_z_15", "ret_60", "vol_cc_120", "volume_z_60"}),
      .param_names = ParamNames<kNumParams>({"k_sigma", "volume_z_min"}),
      .grid = Grid({2.5, 3.0, 4.0}, {-1000.0, 2.0}),
      .signal = &Signal,
      .buy_reason = "capitulation",
      .sell_reason = "-",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
