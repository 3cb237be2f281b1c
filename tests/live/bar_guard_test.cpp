#include "live/bar_guard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "data/catalog.h"
#include "data/timestamps.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

constexpr int64_t kT0 = 1'760'140'800'000;  // 2025-10-11T00:00:00Z

Bar B(int64_t i, double close, double volume = 1) {
  return Bar{kT0 + i * kMsPerMinute, close, close * 1.001, close * 0.999, close, volume};
}

TEST(BarGuard, AcceptsAnOrderedSeries) {
  BarGuard g;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(g.Check("BTCUSDT", B(i, 100 + i)).accepted());
  const SymbolHealth* h = g.Health("BTCUSDT");
  ASSERT_NE(h, nullptr);
  EXPECT_FALSE(h->degraded);
  EXPECT_EQ(h->accepted, 5);
  EXPECT_EQ(h->last.ts_ms, kT0 + 4 * kMsPerMinute);
  EXPECT_EQ(g.Health("ETHUSDT"), nullptr);
  EXPECT_TRUE(g.DegradedSymbols().empty());
}

TEST(BarGuard, ExactDuplicateIsDroppedAndCountedNotDegraded) {
  BarGuard g;
  ASSERT_TRUE(g.Check("A", B(0, 100)).accepted());
  BarCheck c = g.Check("A", B(0, 100));
  EXPECT_EQ(c.verdict, BarVerdict::kDuplicate);
  EXPECT_EQ(g.Health("A")->duplicates, 1);
  EXPECT_FALSE(g.degraded("A"));
  EXPECT_TRUE(g.Check("A", B(1, 100)).accepted());
}

TEST(BarGuard, ConflictingDuplicateIsRefusedAndDegrades) {
  BarGuard g;
  ASSERT_TRUE(g.Check("A", B(0, 100)).accepted());
  BarCheck c = g.Check("A", B(0, 101));
  EXPECT_EQ(c.verdict, BarVerdict::kOutOfOrder);
  EXPECT_NE(c.reason.find("conflicting bar at 2025-10-11T00:00:00Z"), std::string::npos) << c.reason;
  EXPECT_TRUE(g.degraded("A"));
}

TEST(BarGuard, OutOfOrderIsRefusedCountedAndDegradesOnlyThatSymbol) {
  BarGuard g;
  ASSERT_TRUE(g.Check("A", B(5, 100)).accepted());
  ASSERT_TRUE(g.Check("B", B(5, 50)).accepted());
  BarCheck c = g.Check("A", B(3, 100));
  EXPECT_EQ(c.verdict, BarVerdict::kOutOfOrder);
  EXPECT_EQ(c.reason, "out-of-order bar at 2025-10-11T00:03:00Z after 2025-10-11T00:05:00Z");
  EXPECT_EQ(g.Health("A")->out_of_order, 1);
  EXPECT_EQ(g.Health("A")->last.ts_ms, kT0 + 5 * kMsPerMinute);  // the refused bar is not kept
  EXPECT_EQ(g.DegradedSymbols(), std::vector<std::string>{"A"});
  EXPECT_EQ(g.Health("A")->reason, c.reason);
  // Later good bars are still accepted (the feed goes on); the symbol stays degraded.
  EXPECT_TRUE(g.Check("A", B(6, 100)).accepted());
  EXPECT_TRUE(g.degraded("A"));
  EXPECT_TRUE(g.Check("B", B(6, 50)).accepted());
  EXPECT_FALSE(g.degraded("B"));
}

TEST(BarGuard, BadValuesAreRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    Bar bar;
    const char* why;
  };
  const Case cases[] = {
      {{kT0, nan, 1, 1, 1, 1}, "price not a positive finite number"},
      {{kT0, 1, 1, 1, inf, 1}, "price not a positive finite number"},
      {{kT0, 1, 1, 0, 1, 1}, "price not a positive finite number"},
      {{kT0, 1, 1, 1, 1, nan}, "volume not a finite number >= 0"},
      {{kT0, 1, 1, 1, 1, -1}, "volume not a finite number >= 0"},
      {{kT0, 1, 0.9, 1.1, 1, 1}, "high below low"},
      {{kT0, 1.2, 1.1, 0.9, 1, 1}, "open or close outside [low, high]"},
  };
  for (const Case& k : cases) {
    BarGuard g;
    BarCheck c = g.Check("A", k.bar);
    EXPECT_EQ(c.verdict, BarVerdict::kRejected) << k.why;
    EXPECT_EQ(c.reason, std::string("bad bar at 2025-10-11T00:00:00Z: ") + k.why);
    EXPECT_TRUE(g.degraded("A"));
    EXPECT_EQ(g.Health("A")->rejected, 1);
    EXPECT_FALSE(g.Health("A")->has_last);
  }
}

TEST(BarGuard, PriceJumpBeyondTheLimitIsRefused) {
  BarGuard g(BarGuardOptions{kMsPerMinute, 0.1});
  ASSERT_TRUE(g.Check("A", B(0, 100)).accepted());
  EXPECT_TRUE(g.Check("A", B(1, 110)).accepted());  // ln 1.1 = 0.0953 <= 0.1
  BarCheck c = g.Check("A", B(2, 110 * 1.2));       // ln 1.2 = 0.182 > 0.1
  EXPECT_EQ(c.verdict, BarVerdict::kRejected);
  EXPECT_NE(c.reason.find("price jump at 2025-10-11T00:02:00Z"), std::string::npos) << c.reason;
  EXPECT_TRUE(g.degraded("A"));
  EXPECT_EQ(g.Health("A")->last.close, 110);
  // Recover: cleared, and the next bar starts afresh (no jump against the old close).
  g.Recover("A");
  EXPECT_FALSE(g.degraded("A"));
  EXPECT_TRUE(g.Check("A", B(3, 200)).accepted());
  EXPECT_EQ(g.Health("A")->rejected, 1);
}

TEST(BarGuard, GapIsAcceptedAndReportedAndWidensTheJumpLimit) {
  BarGuard g(BarGuardOptions{kMsPerMinute, 0.1});
  ASSERT_TRUE(g.Check("A", B(0, 100)).accepted());
  // 3 missing bars: limit 0.1 x sqrt(4) = 0.2 >= ln 1.2 = 0.182.
  BarCheck c = g.Check("A", B(4, 120));
  ASSERT_TRUE(c.accepted()) << c.reason;
  ASSERT_TRUE(c.has_gap);
  EXPECT_EQ(c.gap.first_missing_ms, kT0 + kMsPerMinute);
  EXPECT_EQ(c.gap.last_missing_ms, kT0 + 3 * kMsPerMinute);
  EXPECT_EQ(c.gap.missing_bars, 3);
  EXPECT_FALSE(g.degraded("A"));
  EXPECT_EQ(g.Health("A")->gaps, 1);
  EXPECT_EQ(g.Health("A")->missing_bars, 3);
  EXPECT_FALSE(g.Check("A", B(5, 120)).has_gap);
}

// The default bound stays well above the largest real 1m move on the 12 shared coins.
TEST(BarGuard, DefaultJumpLimitIsAboveTheLargestRealMove) {
  HURACAN_REQUIRE_SHARED(dir, "1m");
  auto entries = data::ScanDataDir(dir, "1m");
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_FALSE(entries->empty());
  double largest = 0;
  std::string where;
  for (const auto& e : *entries) {
    auto bars = data::LoadBars(e.path);
    ASSERT_TRUE(bars.ok()) << bars.error().message;
    BarGuard g;
    double coin_largest = 0;
    for (size_t i = 0; i < bars->size(); ++i) {
      if (i > 0) {
        double m = AbsLogReturn(bars->close[i - 1], bars->close[i]);
        coin_largest = std::max(coin_largest, m);
        if (m > largest) {
          largest = m;
          where = e.symbol() + " at " + data::FormatIsoUtc(bars->ts_ms[i]);
        }
      }
      BarCheck c = g.Check(e.symbol(), bars->bar(i));
      EXPECT_NE(c.verdict, BarVerdict::kRejected) << e.symbol() << ": " << c.reason;
    }
    std::printf("%s: largest |1m log return| %.4f\n", e.symbol().c_str(), coin_largest);
  }
  std::printf("largest |1m log return|: %.4f (%s); default limit %.2f\n", largest, where.c_str(),
              kDefaultMaxAbsLogReturn);
  EXPECT_GT(kDefaultMaxAbsLogReturn, 2 * largest);
}

}  // namespace
}  // namespace huracan::live
