#include "core/strings.h"

#include <gtest/gtest.h>

namespace huracan {
namespace {

using V = std::vector<std::string>;

TEST(Strings, SplitKeepsEveryPiece) {
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(Split("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(Split("BTC-USDT-PERP", '-'), (std::vector<std::string_view>{"BTC", "USDT", "PERP"}));
}

TEST(Strings, CommaListTrimsAndDropsOrKeepsEmptyItems) {
  EXPECT_EQ(SplitCommaList("gbdt, donchian_breakout ,"), (V{"gbdt", "donchian_breakout"}));
  EXPECT_EQ(SplitCommaList(""), V{});
  EXPECT_EQ(SplitCommaList(",,"), V{});
  EXPECT_EQ(SplitCommaList("A,,B", EmptyItems::kKeep), (V{"A", "", "B"}));
  EXPECT_EQ(SplitCommaList(" A ", EmptyItems::kKeep), V{"A"});
}

TEST(Strings, TrimJoinCase) {
  EXPECT_EQ(Trim(" \t x y \n"), "x y");
  EXPECT_EQ(TrimView("   "), "");
  EXPECT_EQ(Join({"A", "B", "C"}, ","), "A,B,C");
  EXPECT_EQ(Join({}, ","), "");
  EXPECT_EQ(Upper("btc-usdt"), "BTC-USDT");
  EXPECT_EQ(Lower("X.Parquet"), "x.parquet");
}

}  // namespace
}  // namespace huracan
