// The executor's exit rules bar by bar on synthetic candles, for longs and shorts (docs/DECISION.md,
// "Exit rules"): stop and take-profit at their level or at a gapped open, the stop first when both
// lie in one bar unless the open already crossed the take-profit, exit signals and opposite entries
// at the next open, the holding limit, and the end of the data at the last close.
#include <gtest/gtest.h>

#include <vector>

#include "execution/executor.h"
#include "execution/executor_fakes.h"

namespace huracan::execution {
namespace {

using testing_support::kMin;
using testing_support::Market;
using testing_support::PerpConfig;
using testing_support::Quiet;
using testing_support::Signal;

// Bars as a long sees them: open, high, low, close. A short's bars are the mirror image around 100
// (p -> 200 - p), so the same table tests both sides: a long's stop 99 is a short's stop 101.
struct Ohlc {
  double o, h, l, c;
};

// What happens at the close of a bar after the entry signal.
enum class Then { kNothing, kExitSignal, kOppositeEntry };

struct Case {
  std::vector<Ohlc> bars;       // bar 1 on (bar 0: the entry signal; entry at the open of bar 1, 100)
  std::vector<Then> then = {};  // per bar of `bars` (missing: nothing)
  int64_t max_hold_bars = 0;
};

struct Out {
  std::vector<Trade> trades;
};

Out RunCase(int side, const Case& c) {
  ExecutorConfig cfg = PerpConfig();
  cfg.fixed = FixedExits{.on = true, .stop_bps = 100, .take_profit_bps = 200, .max_hold_bars = c.max_hold_bars};
  Executor ex(cfg);
  const auto px = [&](double p) { return side > 0 ? p : 200.0 - p; };
  const Direction dir = side > 0 ? Direction::kBuy : Direction::kSell;
  const Direction other = side > 0 ? Direction::kSell : Direction::kBuy;
  ex.OnBar(Bar{0, 100, 100, 100, 100, 1});
  ex.OnDecision(Signal(dir, 0), Market(100));
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const Ohlc& b = c.bars[i];
    const int64_t ts = static_cast<int64_t>(i + 1) * kMin;
    ex.OnBar(Bar{ts, px(b.o), side > 0 ? b.h : 200 - b.l, side > 0 ? b.l : 200 - b.h, px(b.c), 1});
    const Then t = i < c.then.size() ? c.then[i] : Then::kNothing;
    if (t == Then::kOppositeEntry)
      ex.OnDecision(Signal(other, ts), Market(100));
    else
      ex.OnDecision(Quiet(ts, t == Then::kExitSignal ? other : Direction::kWait), Market(100));
  }
  ex.EndOfData();
  return Out{ex.TakeTrades()};
}

// The first trade of both sides: its exit reason, exit price (a long's; the short's is mirrored)
// and the bar (1-based) whose open time is its exit_ts.
void ExpectExit(const Case& c, const std::string& reason, double long_px, int64_t bar) {
  for (int side : {+1, -1}) {
    const Out o = RunCase(side, c);
    ASSERT_GE(o.trades.size(), 1u) << side;
    const Trade& t = o.trades[0];
    EXPECT_EQ(t.entry_ts_ms, kMin) << side;
    EXPECT_DOUBLE_EQ(t.entry_price, 100.0) << side;
    EXPECT_EQ(t.exit_reason, reason) << side;
    EXPECT_NEAR(t.exit_price, side > 0 ? long_px : 200.0 - long_px, 1e-9) << side;
    EXPECT_EQ(t.exit_ts_ms, bar * kMin) << side;
  }
}

const Ohlc kQuiet{100, 100.5, 99.5, 100};

TEST(ExitRules, StopCrossedByTheRangeFillsAtTheStop) {
  ExpectExit({{kQuiet, {99.8, 99.9, 98.5, 98.7}}}, "stop", 99.0, 2);
}

TEST(ExitRules, StopGappedThroughFillsAtTheOpen) { ExpectExit({{kQuiet, {98.5, 98.8, 98.0, 98.2}}}, "stop", 98.5, 2); }

TEST(ExitRules, StopInTheEntryBarCounts) { ExpectExit({{{100, 100.2, 98.9, 99.5}}}, "stop", 99.0, 1); }

TEST(ExitRules, TakeProfitCrossedByTheRangeFillsAtTheLevel) {
  ExpectExit({{kQuiet, {100.5, 102.5, 100.2, 102}}}, "take_profit", 102.0, 2);
}

TEST(ExitRules, TakeProfitGappedThroughFillsAtTheOpen) {
  ExpectExit({{kQuiet, {103, 103.5, 102.8, 103}}}, "take_profit", 103.0, 2);
}

TEST(ExitRules, BothInOneBarTheStopWins) { ExpectExit({{kQuiet, {100, 102.5, 98.5, 100}}}, "stop", 99.0, 2); }

TEST(ExitRules, BothInOneBarTheTakeProfitWinsWhenTheOpenCrossedIt) {
  ExpectExit({{kQuiet, {102.5, 102.6, 98.5, 99}}}, "take_profit", 102.5, 2);
}

TEST(ExitRules, ExitSignalAtACloseExitsAtTheNextOpen) {
  ExpectExit({{kQuiet, {100.2, 100.6, 99.9, 100.4}, {100.3, 100.4, 100, 100.1}}, {Then::kNothing, Then::kExitSignal}},
             "signal", 100.3, 3);
}

TEST(ExitRules, OppositeEntryClosesAtTheNextOpenThenOpens) {
  const Case c{{kQuiet, {100.2, 100.6, 99.9, 100.4}, {100.3, 100.4, 100, 100.1}, kQuiet},
               {Then::kNothing, Then::kOppositeEntry}};
  ExpectExit(c, "opposite", 100.3, 3);
  for (int side : {+1, -1}) {
    const Out o = RunCase(side, c);
    ASSERT_EQ(o.trades.size(), 2u);
    EXPECT_EQ(static_cast<int>(o.trades[1].direction), -side);
    EXPECT_EQ(o.trades[1].entry_ts_ms, 3 * kMin);
    EXPECT_NEAR(o.trades[1].entry_price, side > 0 ? 100.3 : 99.7, 1e-9);
    EXPECT_EQ(o.trades[1].exit_reason, "end");
  }
}

TEST(ExitRules, HoldingLimitExitsAtTheOpenNBarsAfterTheEntry) {
  ExpectExit({{kQuiet, kQuiet, {100.1, 100.5, 99.8, 100}}, {}, 2}, "horizon", 100.1, 3);
}

TEST(ExitRules, EndOfDataExitsAtTheLastClose) { ExpectExit({{kQuiet, {100.2, 100.6, 99.9, 100.4}}}, "end", 100.4, 2); }

TEST(ExitRules, WithoutStopsNothingButSignalsEnds) {
  for (int side : {+1, -1}) {
    ExecutorConfig cfg = PerpConfig();
    cfg.fixed = FixedExits{.on = true};
    Executor ex(cfg);
    ex.OnBar(Bar{0, 100, 100, 100, 100, 1});
    ex.OnDecision(Signal(side > 0 ? Direction::kBuy : Direction::kSell, 0, /*horizon=*/1), Market(100));
    ex.OnBar(Bar{kMin, 100, 150, 50, 100, 1});  // any stop or take-profit would have fired
    ex.OnDecision(Quiet(kMin), Market(100));
    ex.OnBar(Bar{2 * kMin, 100, 150, 50, 101, 1});  // the decision's horizon of 1 minute is ignored
    const double ret = ex.EndOfData();
    EXPECT_NE(ret, 0.0);
    const auto trades = ex.TakeTrades();
    ASSERT_EQ(trades.size(), 1u);
    EXPECT_EQ(trades[0].exit_reason, "end");
    EXPECT_EQ(trades[0].exit_ts_ms, 2 * kMin);
  }
}

TEST(ExitRules, ExitOnSignalOffIgnoresExitSignalsButNotOppositeEntries) {
  ExecutorConfig cfg = PerpConfig();
  cfg.fixed = FixedExits{.on = true, .exit_on_signal = false};
  Executor ex(cfg);
  ex.OnBar(Bar{0, 100, 100, 100, 100, 1});
  ex.OnDecision(Signal(Direction::kBuy, 0), Market(100));
  ex.OnBar(Bar{kMin, 100, 100, 100, 100, 1});
  ex.OnDecision(Quiet(kMin, Direction::kSell), Market(100));  // an exit signal: ignored
  ex.OnBar(Bar{2 * kMin, 100, 100, 100, 100, 1});
  EXPECT_EQ(ex.position(), 1);
  ex.OnDecision(Signal(Direction::kSell, 2 * kMin), Market(100));
  ex.OnBar(Bar{3 * kMin, 100, 100, 100, 100, 1});
  EXPECT_EQ(ex.position(), -1);
  ex.EndOfData();
  const auto trades = ex.TakeTrades();
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].exit_reason, "opposite");
  EXPECT_EQ(trades[0].exit_ts_ms, 3 * kMin);
}

}  // namespace
}  // namespace huracan::execution
