// The table of feature kinds (features/kinds/): every entry complete, names unique, order fixed.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "features/indicators.h"

namespace huracan::features {
namespace {

TEST(Kinds, NamesAreUnique) {
  std::set<std::string_view> seen;
  for (const KindDef& k : AllKinds()) {
    EXPECT_FALSE(k.kind.empty());
    EXPECT_TRUE(seen.insert(k.kind).second) << "kind '" << k.kind << "' is defined twice";
  }
}

TEST(Kinds, EveryKindHasACostAndIsComplete) {
  for (const KindDef& k : AllKinds()) {
    // batch_ns balances the batch threads; an entry that forgets it gets 0 and fails here.
    EXPECT_GT(k.batch_ns, 0) << k.kind << ": no batch_ns";
    EXPECT_FALSE(k.help.empty()) << k.kind;
    EXPECT_TRUE(k.names) << k.kind;
    EXPECT_TRUE(k.make) << k.kind;
    EXPECT_TRUE(k.history) << k.kind;
    std::set<std::string_view> params;
    for (const ParamDef& p : k.params) {
      EXPECT_TRUE(params.insert(p.name).second) << k.kind << ": parameter " << p.name << " declared twice";
      EXPECT_LE(p.min, p.def) << k.kind << "." << p.name;
      EXPECT_LE(p.def, p.max) << k.kind << "." << p.name;
    }
  }
}

// The kinds in the order AllKinds() lists them (the families of features/kinds/ in turn). A new
// kind goes at the end of its family; this list says where.
TEST(Kinds, OrderIsFixed) {
  std::vector<std::string_view> kinds;
  for (const KindDef& k : AllKinds()) kinds.push_back(k.kind);
  EXPECT_EQ(kinds, (std::vector<std::string_view>{
                       // talib.cpp
                       "rsi", "atr", "natr", "adx", "macd", "macd_norm", "bbands", "ema", "sma", "willr", "cci", "mfi",
                       "obv", "stoch", "roc",
                       // trend_volatility.cpp
                       "log_return", "ema_ratio", "sma_ratio", "vol_cc", "vol_parkinson", "vol_gk", "vol_ratio",
                       "bb_position", "keltner_position", "donchian_position", "donchian_break", "squeeze",
                       "efficiency_ratio", "return_moments", "close_z", "return_z", "candle_shape",
                       // volume_liquidity.cpp
                       "vwap_deviation", "volume_z", "volume_ratio", "obv_slope", "clv_volume", "uptick_ratio",
                       "amihud", "cs_spread",
                       // patterns.cpp
                       "narrow_range", "sweep",
                       // calendar.cpp
                       "calendar",
                       // cross_asset.cpp
                       "btc_return", "rel_return_btc", "beta_btc", "pairs_residual_z"}));
}

}  // namespace
}  // namespace huracan::features
