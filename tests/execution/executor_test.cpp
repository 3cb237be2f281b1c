#include "execution/executor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "execution/executor_fakes.h"

namespace huracan::execution {
namespace {

using namespace testing_support;  // NOLINT

// A random walk of 1m bars with a decision per bar: trades now and then, opposite signals.
struct Tape {
  std::vector<Bar> bars;
  std::vector<decision::Decision> decisions;
};

Tape RandomTape(size_t n, uint32_t seed) {
  Tape t;
  std::mt19937 rng(seed);
  std::normal_distribution<double> step(0.0, 0.0012);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double px = 100.0;
  for (size_t i = 0; i < n; ++i) {
    Bar b;
    b.ts_ms = static_cast<int64_t>(i) * kMin;
    b.open = px;
    const double c = px * (1.0 + step(rng));
    b.high = std::max(b.open, c) * (1.0 + 0.0006 * u(rng));
    b.low = std::min(b.open, c) * (1.0 - 0.0006 * u(rng));
    b.close = c;
    b.volume = 1000;
    px = c;
    t.bars.push_back(b);
    const double r = u(rng);
    if (r < 0.06)
      t.decisions.push_back(Signal(Direction::kBuy, b.ts_ms, 5 + static_cast<int>(u(rng) * 20)));
    else if (r < 0.12)
      t.decisions.push_back(Signal(Direction::kSell, b.ts_ms, 5 + static_cast<int>(u(rng) * 20)));
    else if (r < 0.15)
      t.decisions.push_back(Quiet(b.ts_ms, u(rng) < 0.5 ? Direction::kBuy : Direction::kSell));
    else
      t.decisions.push_back(Quiet(b.ts_ms));
  }
  return t;
}

struct RunOut {
  std::vector<double> returns;
  std::vector<Trade> trades;
  std::vector<std::string> states;
  int64_t bars_in_position = 0;
};

// Drives `tape` through an executor; with `restore`, every bar goes through a fresh executor
// restored from the state saved after the previous bar (what the live runner does on restart).
RunOut Drive(const ExecutorConfig& cfg, const Tape& tape, bool restore) {
  RunOut run;
  Executor ex(cfg);
  for (size_t i = 0; i < tape.bars.size(); ++i) {
    if (restore && i > 0) {
      Executor fresh(cfg);
      const Status st = fresh.RestoreState(run.states.back());
      EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
      for (auto& t : ex.TakeTrades()) run.trades.push_back(std::move(t));
      ex = std::move(fresh);
    }
    run.returns.push_back(ex.OnBar(tape.bars[i]));
    ex.OnDecision(tape.decisions[i], Market(tape.bars[i].close));
    run.states.push_back(ex.SaveState());
  }
  run.returns.back() += ex.EndOfData();
  for (auto& t : ex.TakeTrades()) run.trades.push_back(std::move(t));
  run.bars_in_position = ex.bars_in_position();
  return run;
}

TEST(Executor, StateRoundTripsExactly) {
  const Tape tape = RandomTape(3000, 7);
  const RunOut a = Drive(PerpConfig(), tape, /*restore=*/false);
  const RunOut b = Drive(PerpConfig(), tape, /*restore=*/true);
  ASSERT_GT(a.trades.size(), 50u);
  EXPECT_EQ(a.states, b.states);
  ASSERT_EQ(a.returns.size(), b.returns.size());
  for (size_t i = 0; i < a.returns.size(); ++i) ASSERT_EQ(a.returns[i], b.returns[i]) << i;
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t i = 0; i < a.trades.size(); ++i) {
    EXPECT_EQ(a.trades[i].entry_ts_ms, b.trades[i].entry_ts_ms) << i;
    EXPECT_EQ(a.trades[i].exit_reason, b.trades[i].exit_reason) << i;
    EXPECT_EQ(a.trades[i].net_bps, b.trades[i].net_bps) << i;
    EXPECT_EQ(a.trades[i].engines, b.trades[i].engines) << i;
  }
  EXPECT_EQ(a.bars_in_position, b.bars_in_position);
  // Per-bar returns add up to the trades' net results.
  double sum = 0, net = 0;
  for (double r : a.returns) sum += r;
  for (const auto& t : a.trades) net += t.net_bps;
  EXPECT_NEAR(sum * 1e4, net, 1e-6);
}

TEST(Executor, StateRoundTripsExactlyWithMakerEntries) {
  ExecutorConfig cfg = PerpConfig();
  cfg.costs.maker_entry = true;
  const Tape tape = RandomTape(3000, 11);
  const RunOut a = Drive(cfg, tape, /*restore=*/false);
  const RunOut b = Drive(cfg, tape, /*restore=*/true);
  ASSERT_GT(a.trades.size(), 20u);
  EXPECT_EQ(a.states, b.states);
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t i = 0; i < a.trades.size(); ++i) EXPECT_EQ(a.trades[i].net_bps, b.trades[i].net_bps) << i;
  for (size_t i = 0; i < a.returns.size(); ++i) ASSERT_EQ(a.returns[i], b.returns[i]) << i;
}

TEST(Executor, StateKeepsNanAndRejectsForeignState) {
  Executor ex(PerpConfig());
  ex.OnBar(Bar{0, 100, 101, 99, 100, 1});
  costs::MarketSnapshot m = Market(100);
  m.spread_bps = std::nan("");
  ex.OnDecision(Signal(Direction::kBuy, 0), m);
  const std::string s = ex.SaveState();
  EXPECT_NE(s.find("\"version\":1"), std::string::npos) << s;
  Executor back(PerpConfig());
  ASSERT_TRUE(back.RestoreState(s).ok());
  EXPECT_EQ(back.SaveState(), s);
  Executor other(PerpConfig("BTC-USDT-PERP"));
  EXPECT_FALSE(other.RestoreState(s).ok());
  EXPECT_FALSE(back.RestoreState("{\"version\":99}").ok());
  EXPECT_FALSE(back.RestoreState("not json").ok());
  EXPECT_EQ(back.SaveState(), s);  // a failed restore leaves the state alone
}

TEST(Executor, TakerFillsAtTheNextOpenAndExitsOnHorizon) {
  Executor ex(PerpConfig());
  ex.OnBar(Bar{0, 100, 100.1, 99.9, 100, 1});
  ex.OnDecision(Signal(Direction::kBuy, 0, 3), Market(100));
  EXPECT_EQ(ex.position(), 0);
  for (int64_t i = 1; i <= 4; ++i) {
    ex.OnBar(Bar{i * kMin, 100 + i * 0.01, 100.1 + i * 0.01, 99.95 + i * 0.01, 100 + i * 0.01, 1});
    ex.OnDecision(Quiet(i * kMin), Market(100));
    EXPECT_EQ(ex.position(), i < 4 ? 1 : 0) << i;
  }
  const auto trades = ex.TakeTrades();
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].entry_ts_ms, kMin);
  EXPECT_EQ(trades[0].entry_price, 100.01);
  EXPECT_EQ(trades[0].exit_reason, "horizon");
  EXPECT_EQ(trades[0].exit_ts_ms, 4 * kMin);
  EXPECT_EQ(ex.bars_in_position(), 3);
}

}  // namespace
}  // namespace huracan::execution
