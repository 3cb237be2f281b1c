// The maker fill rule (execution/executor.h) on synthetic bars.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "execution/executor.h"
#include "execution/executor_fakes.h"

namespace huracan::execution {
namespace {

using namespace testing_support;  // NOLINT

ExecutorConfig MakerConfig(int fill_bars = 3, double through_bps = 1.0) {
  ExecutorConfig c = PerpConfig();
  c.costs.maker_entry = true;
  c.costs.maker_fill_bars = fill_bars;
  c.costs.maker_trade_through_bps = through_bps;
  return c;
}

// Bar i (open time i minutes) with the given open, high, low and close.
Bar B(int64_t i, double o, double h, double l, double c) { return Bar{i * kMin, o, h, l, c, 1000}; }

// Signal bar 0 closes at 100: a long limit at 100, then `next` bars with no further decisions.
Executor LongAfter(const std::vector<Bar>& next, const ExecutorConfig& cfg = MakerConfig()) {
  Executor ex(cfg);
  ex.OnBar(B(0, 100, 100.2, 99.9, 100));
  ex.OnDecision(Signal(Direction::kBuy, 0), Market(100));
  for (const Bar& b : next) {
    ex.OnBar(b);
    ex.OnDecision(Quiet(b.ts_ms), Market(b.close));
  }
  return ex;
}

TEST(MakerFill, TouchingTheLimitDoesNotFillAndIsCancelledAfterKBars) {
  // Lows at the limit (100) and 0.5 bps through it: neither trades through by 1 bps.
  Executor ex = LongAfter(
      {B(1, 100.1, 100.2, 100.0, 100.1), B(2, 100.1, 100.2, 99.995, 100.1), B(3, 100.1, 100.2, 100.0, 100.1)});
  EXPECT_EQ(ex.position(), 0);
  EXPECT_EQ(ex.maker_unfilled(), 1);
  // Cancelled: a later trade-through does not fill it.
  ex.OnBar(B(4, 100.1, 100.2, 99.0, 99.5));
  EXPECT_EQ(ex.position(), 0);
  EXPECT_TRUE(ex.TakeTrades().empty());
}

TEST(MakerFill, TradingThroughByTheMarginFillsAtTheLimit) {
  Executor ex = LongAfter({B(1, 100.1, 100.2, 100.0, 100.1), B(2, 100.05, 100.1, 99.98, 99.99)});
  EXPECT_EQ(ex.position(), 1);
  EXPECT_EQ(ex.maker_unfilled(), 0);
  ex.EndOfData();
  const auto trades = ex.TakeTrades();
  ASSERT_EQ(trades.size(), 1u);
  const Trade& t = trades[0];
  EXPECT_EQ(t.entry_ts_ms, 2 * kMin);  // the fill bar
  EXPECT_EQ(t.entry_price, 100.0);     // the limit, not the open or the low
  // The exit pays taker costs; the entry pays only the maker fee (no half spread, no slippage).
  const costs::CostModel cm(MakerConfig().costs);
  const costs::CostBreakdown out = cm.Side(Market(99.99), false);
  EXPECT_DOUBLE_EQ(t.fees_bps, 2.0 + out.fees_bps + t.funding_bps);
  EXPECT_DOUBLE_EQ(t.spread_bps, out.spread_bps);
  EXPECT_DOUBLE_EQ(t.slippage_bps, out.slippage_bps);
}

TEST(MakerFill, TheMarginIsConfigurableAndShortsFillOnTheHigh) {
  // 5 bps margin: a low 3 bps through does not fill, 6 bps does.
  EXPECT_EQ(LongAfter({B(1, 100, 100.1, 99.97, 100)}, MakerConfig(3, 5.0)).position(), 0);
  EXPECT_EQ(LongAfter({B(1, 100, 100.1, 99.94, 100)}, MakerConfig(3, 5.0)).position(), 1);
  Executor ex(MakerConfig());
  ex.OnBar(B(0, 100, 100.2, 99.9, 100));
  ex.OnDecision(Signal(Direction::kSell, 0), Market(100));
  ex.OnBar(B(1, 99.9, 100.0, 99.8, 99.9));  // touches 100 from below: no fill
  ex.OnDecision(Quiet(kMin), Market(99.9));
  EXPECT_EQ(ex.position(), 0);
  ex.OnBar(B(2, 99.9, 100.02, 99.8, 99.9));  // 2 bps through
  EXPECT_EQ(ex.position(), -1);
}

TEST(MakerFill, AnOpenThatGapsThroughStillFillsAtTheLimit) {
  // A resting order executes at its own price: the first sell below 100 met our bid at 100.
  Executor ex = LongAfter({B(1, 99.5, 99.6, 99.4, 99.5)});
  EXPECT_EQ(ex.position(), 1);
  ex.EndOfData();
  const auto trades = ex.TakeTrades();
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].entry_price, 100.0);
  EXPECT_EQ(trades[0].entry_ts_ms, kMin);
}

TEST(MakerFill, HorizonRunsFromTheFillBarAndTheFillBarSkipsTheTakeProfit) {
  // Horizon 3 minutes; fill in bar 2, exit at the open of bar 5. Bar 2's high is far above the
  // take-profit but may have come before the fill, so it does not count.
  Executor ex(MakerConfig());
  ex.OnBar(B(0, 100, 100.2, 99.9, 100));
  ex.OnDecision(Signal(Direction::kBuy, 0, 3), Market(100));
  const std::vector<Bar> next = {B(1, 100.1, 100.2, 100.05, 100.1), B(2, 100.1, 103.0, 99.9, 100.0),
                                 B(3, 100.0, 100.1, 99.95, 100.0), B(4, 100.0, 100.1, 99.95, 100.0),
                                 B(5, 100.02, 100.1, 99.95, 100.0)};
  for (const Bar& b : next) {
    ex.OnBar(b);
    ex.OnDecision(Quiet(b.ts_ms), Market(b.close));
  }
  const auto trades = ex.TakeTrades();
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].entry_ts_ms, 2 * kMin);
  EXPECT_EQ(trades[0].exit_reason, "horizon");
  EXPECT_EQ(trades[0].exit_ts_ms, 5 * kMin);
  EXPECT_EQ(trades[0].exit_price, 100.02);
}

TEST(MakerFill, AnOppositeSignalCancelsTheRestingOrder) {
  Executor ex(MakerConfig());
  ex.OnBar(B(0, 100, 100.2, 99.9, 100));
  ex.OnDecision(Signal(Direction::kBuy, 0), Market(100));
  ex.OnBar(B(1, 100.1, 100.2, 100.05, 100.1));
  ex.OnDecision(Quiet(kMin, Direction::kSell), Market(100.1));  // a sell signal, not traded
  ex.OnBar(B(2, 100.0, 100.1, 99.0, 99.2));                     // would have filled
  ex.OnDecision(Quiet(2 * kMin), Market(99.2));
  EXPECT_EQ(ex.position(), 0);
  EXPECT_EQ(ex.maker_unfilled(), 0);  // cancelled, not expired
  EXPECT_EQ(ex.maker_cancelled(), 1);
}

TEST(MakerFill, PendingOrderSurvivesSaveAndRestore) {
  Executor ex = LongAfter({B(1, 100.1, 100.2, 100.0, 100.1)});
  const std::string s = ex.SaveState();
  Executor back(MakerConfig());
  ASSERT_TRUE(back.RestoreState(s).ok()) << s;
  EXPECT_EQ(back.SaveState(), s);
  back.OnBar(B(2, 100.05, 100.1, 99.98, 99.99));
  EXPECT_EQ(back.position(), 1);
}

// Bars built from a path of sub-steps whose increments are positively autocorrelated (short-term
// momentum, as in order flow): a move through a resting bid tends to continue.
std::vector<Bar> MomentumBars(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> eps(0.0, 1e-4);
  std::vector<Bar> bars;
  double px = 100.0, r = 0.0;
  for (size_t i = 0; i < n; ++i) {
    Bar b{static_cast<int64_t>(i) * kMin, px, px, px, px, 1000};
    for (int s = 0; s < 10; ++s) {
      r = 0.8 * r + eps(rng);
      px *= 1.0 + r;
      b.high = std::max(b.high, px);
      b.low = std::min(b.low, px);
    }
    b.close = px;
    bars.push_back(b);
  }
  return bars;
}

// Mean gross bps of the trades when every 40th bar signals a random direction.
struct Outcome {
  double mean_gross_bps = 0;
  size_t trades = 0;
  int64_t unfilled = 0;
};
Outcome RunSignals(const std::vector<Bar>& bars, bool maker) {
  ExecutorConfig cfg = MakerConfig();
  cfg.costs.maker_entry = maker;
  cfg.min_stop_bps = 1e4;  // no stops or take-profits: horizon exits only
  Executor ex(cfg);
  std::mt19937 rng(99);
  for (size_t i = 0; i < bars.size(); ++i) {
    ex.OnBar(bars[i]);
    const bool sig = i % 40 == 0;
    const Direction d = rng() % 2 ? Direction::kBuy : Direction::kSell;
    ex.OnDecision(sig ? Signal(d, bars[i].ts_ms, 10) : Quiet(bars[i].ts_ms), Market(bars[i].close));
  }
  ex.EndOfData();
  Outcome o;
  const auto trades = ex.TakeTrades();
  for (const auto& t : trades) o.mean_gross_bps += t.gross_bps;
  o.trades = trades.size();
  o.mean_gross_bps /= static_cast<double>(std::max<size_t>(1, o.trades));
  o.unfilled = ex.maker_unfilled();
  return o;
}

TEST(MakerFill, FillsAreAdverselySelected) {
  const std::vector<Bar> bars = MomentumBars(200'000, 3);
  const Outcome taker = RunSignals(bars, false), maker = RunSignals(bars, true);
  ASSERT_EQ(taker.trades, 5000u);
  // Most orders fill, but only the ones where the price came to them.
  EXPECT_GT(maker.trades, 1500u);  // seed 3: 3702 fills, 1298 unfilled; taker +0.42, maker -8.60 gross bps
  EXPECT_GT(maker.unfilled, 800);
  EXPECT_EQ(static_cast<int64_t>(maker.trades) + maker.unfilled, 5000);
  // The random signal earns nothing gross as a market order; the filled maker orders lose: the
  // price traded through them because it was moving against them, and it kept moving.
  EXPECT_NEAR(taker.mean_gross_bps, 0.0, 3.0);
  EXPECT_LT(maker.mean_gross_bps, taker.mean_gross_bps - 5.0);
  EXPECT_LT(maker.mean_gross_bps, -4.0);
  std::printf("taker: %zu trades, %.2f gross bps/trade; maker: %zu fills, %lld unfilled, %.2f gross bps/fill\n",
              taker.trades, taker.mean_gross_bps, maker.trades, static_cast<long long>(maker.unfilled),
              maker.mean_gross_bps);
}

}  // namespace
}  // namespace huracan::execution
