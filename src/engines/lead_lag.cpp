// lead_lag: BTC's last minutes predict the coin. The gap beta_btc_120 * btc_ret_5 - ret_5 is what
// the coin has not yet followed; in units of vol_cc_30 * sqrt 5 it must exceed z.
// Grid: z {1.0, 1.5, 2.0, 3.0}. Silent without a BTC reference (and on BTC itself the gap is ~0).
#include <cmath>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

enum Col { kBtcRet5, kRet5, kBetaBtc120, kVolCc30, kNumCols };
enum Param { kGapZ, kNumParams };

int Signal(const double* x, const double* p) {
  if (!(x[kVolCc30] > 0)) return 0;
  double z = (x[kBetaBtc120] * x[kBtcRet5] - x[kRet5]) / (x[kVolCc30] * std::sqrt(5.0));
  return Follow(z, p[kGapZ]);
}

}  // namespace

const RuleSpec& LeadLagSpec() {
  static const RuleSpec spec{
      .id = "lead_lag",
      .family = EngineFamily::kCrossAsset,
      .regimes = {Regime::kTrend, Regime::kRange, Regime::kPanic},
      .horizon_minutes = 15,
      .features = FeatureNames<kNumCols>({"btc_ret_5", "ret_5", "beta_btc_120", "vol_cc_30"}),
      .param_names = ParamNames<kNumParams>({"gap_z"}),
      .grid = Grid({1.0, 1.5, 2.0, 3.0}),
      .signal = &Signal,
      .buy_reason = "btc led up",
      .sell_reason = "btc led down",
      .loose_candidate = 0,
  };
  return spec;
}

}  // namespace huracan::engines
