// volume_spike: continuation after a directional bar (|body| > b sigma) with a volume z-score spike.
// Grid: volume_z_60 floor v {2, 3, 4} x body b {0.5, 1, 2} (in vol_cc_30 units).
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kVolumeZ60, kBodyBps, kVolCc30, kNumCols };
enum Param { kVolumeZMin, kBodySigma, kNumParams };

int Signal(const double* x, const double* p) {
  if (!(x[kVolumeZ60] > p[kVolumeZMin]) || !(x[kVolCc30] > 0)) return 0;
  return Follow(x[kBodyBps], p[kBodySigma] * x[kVolCc30]);
}

}  // namespace

const RuleSpec& VolumeSpikeSpec() {
  static const RuleSpec spec{
      .id = "volume_spike",
      .family = EngineFamily::kFlow,
      .regimes = {Regime::kTrend, Regime::kPanic},
      .horizon_minutes = 15,
      .features = FeatureNames<kNumCols>({"volume_z_60", "body_bps", "vol_cc_30"}),
      .param_names = ParamNames<kNumParams>({"volume_z_min", "body_sigma"}),
      .grid = Grid({2.0, 3.0, 4.0}, {0.5, 1.0, 2.0}),
      .signal = &Signal,
      .buy_reason = "spike up",
      .sell_reason = "spike down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
