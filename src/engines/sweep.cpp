// sweep: a wick through the 20-bar extreme that closes back inside, on a volume jump; fade it
// (a swept low is bought, a swept high is sold).
// Grid: volume_z_60 floor {0, 1, 2} x wick share floor {0, 0.4}.
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kSweepLow20, kSweepHigh20, kVolumeZ60, kLowerWickRatio, kUpperWickRatio, kNumCols };
enum Param { kVolumeZMin, kWickMin, kNumParams };

int Signal(const double* x, const double* p) {
  if (!(x[kVolumeZ60] >= p[kVolumeZMin])) return 0;
  if (x[kSweepLow20] > 0.5 && x[kLowerWickRatio] >= p[kWickMin]) return 1;
  if (x[kSweepHigh20] > 0.5 && x[kUpperWickRatio] >= p[kWickMin]) return -1;
  return 0;
}

}  // namespace

const RuleSpec& SweepSpec() {
  static const RuleSpec spec{
      .id = "sweep",
      .family = EngineFamily::kFlow,
      .regimes = {Regime::kRange, Regime::kTrend},
      .horizon_minutes = 30,
      .features = FeatureNames<kNumCols>(
          {"sweep_low_20", "sweep_high_20", "volume_z_60", "lower_wick_ratio", "upper_wick_ratio"}),
      .param_names = ParamNames<kNumParams>({"volume_z_min", "wick_min"}),
      .grid = Grid({0.0, 1.0, 2.0}, {0.0, 0.4}),
      .signal = &Signal,
      .buy_reason = "low swept",
      .sell_reason = "high swept",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
