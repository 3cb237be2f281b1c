#include "decision/pipeline.h"

#include <gtest/gtest.h>

#include "decision/fakes.h"

namespace huracan::decision {
namespace {

using testfakes::MakeMarket;
using testfakes::SigEngine;

PipelineConfig Config(const std::string& symbol) {
  PipelineConfig pc;
  pc.symbol = symbol;
  pc.regime = testfakes::AlwaysRange(symbol);
  pc.costs = costs::CostConfig::ForSymbol(symbol);
  pc.meta.min_samples = 1000;  // keep the prior weights in these tests
  pc.adv_min_bars = 1;         // ADV known from the first bar (else slippage is at its cap)
  return pc;
}

struct Run {
  std::vector<Decision> decisions;
  std::map<std::string, int64_t> rejections;
  std::map<std::string, int64_t> waits;  // pipeline outcomes before the guardrails
};

Result<Run> RunAll(const testfakes::Market& m, std::vector<engines::Engine*> engines, PipelineConfig pc,
                   size_t first = 0) {
  SimulatedClock clock;
  VectorSink sink;
  costs::Guardrails guard;
  auto src = std::make_unique<FrameFeatureSource>(&m.frame, first);
  HURACAN_ASSIGN_OR_RETURN(auto pipe, DecisionPipeline::Create(pc, std::move(src), engines, &clock, &sink, &guard));
  for (size_t i = first; i < m.bars.size(); ++i) {
    clock.Set(m.bars.ts_ms[i] + 60'000);
    HURACAN_RETURN_IF_ERROR(pipe->OnBar(m.bars.bar(i)));
  }
  return Run{sink.decisions, guard.rejections(), pipe->wait_counts()};
}

TEST(Pipeline, OneDecisionPerBarWithReasons) {
  auto m = MakeMarket("ETH-USDT-PERP", 50);
  const int sig = testfakes::Col(m.frame, "sig");
  m.frame.columns[static_cast<size_t>(sig)][10] = 1;
  m.frame.columns[static_cast<size_t>(sig)][20] = -1;
  m.frame.columns[0][0] = std::nan("");  // first bar: regime input missing -> warm-up
  SigEngine e("fake_a", 60.0, 30);
  auto run = RunAll(m, {&e}, Config("ETH-USDT-PERP"));
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->decisions.size(), 50u);
  EXPECT_EQ(run->decisions[0].reason, outcome::kWarmup);
  EXPECT_EQ(run->decisions[1].reason, outcome::kNoSignal);
  const Decision& d = run->decisions[10];
  EXPECT_EQ(d.reason, outcome::kTrade);
  EXPECT_EQ(d.direction, Direction::kBuy);
  EXPECT_EQ(d.engines, std::vector<std::string>{"fake_a"});
  EXPECT_EQ(d.regime, Regime::kRange);
  EXPECT_DOUBLE_EQ(d.edge_bps, 60.0);
  EXPECT_NEAR(d.net_edge_bps, 60.0 - d.cost.total(), 1e-12);
  EXPECT_EQ(run->decisions[20].direction, Direction::kSell);  // perps may short
}

TEST(Pipeline, EveryBarThatDoesNotTradeHasACountedReason) {
  auto m = MakeMarket("ETH-USDT-PERP", 40);
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  const size_t sig2 = static_cast<size_t>(testfakes::Col(m.frame, "sig2"));
  m.frame.columns[0][0] = m.frame.columns[0][1] = std::nan("");  // two warm-up bars
  m.frame.columns[4][3] = 50.0;                                  // one ILLIQUID bar (spread)
  m.frame.columns[sig][10] = 1;                                  // a trade
  m.frame.columns[sig][12] = 1;                                  // disagreement: below threshold
  m.frame.columns[sig2][12] = -1;
  m.frame.columns[sig][20] = -1;  // a sell: opposite signal, passes the guardrails
  PipelineConfig pc = Config("ETH-USDT-PERP");
  pc.regime.spread_illiquid = 10.0;
  SigEngine a("fake_a", 60.0, 30), b("fake_b", 60.0, 30, "sig2");
  auto run = RunAll(m, {&a, &b}, pc);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->decisions[3].reason, outcome::kRegimeIlliquid);
  EXPECT_EQ(run->decisions[12].reason, outcome::kBelowThreshold);
  const std::map<std::string, int64_t> want = {{outcome::kWarmup, 2},
                                               {outcome::kRegimeIlliquid, 1},
                                               {outcome::kNoSignal, 40 - 2 - 1 - 1 - 2},
                                               {outcome::kBelowThreshold, 1}};
  EXPECT_EQ(run->waits, want);
  int64_t trades = 0, counted = 0;
  for (const auto& d : run->decisions) trades += d.reason == outcome::kTrade;
  for (const auto& [why, n] : run->waits) counted += n;
  for (const auto& [why, n] : run->rejections) counted += n;
  EXPECT_EQ(trades, 2);
  EXPECT_EQ(counted + trades, 40);  // one reason per bar

  // Engines that are off, or that do not trade in the bar's regime, say so instead of no_signal.
  a.set_active(false);
  b.set_active(false);
  run = RunAll(m, {&a, &b}, pc);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->decisions[10].reason, outcome::kEnginesOff);
  EXPECT_EQ(run->waits.at(outcome::kEnginesOff), 40 - 2 - 1);
  a.set_active(true);
  a.set_regimes({Regime::kTrend});  // every bar here is RANGE
  run = RunAll(m, {&a, &b}, pc);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->decisions[10].reason, outcome::kRegimeNoEngine);
  EXPECT_EQ(run->waits.at(outcome::kRegimeNoEngine), 40 - 2 - 1);
  EXPECT_EQ(run->waits.count(outcome::kNoSignal), 0u);
}

TEST(Pipeline, ShortRefusedOnSpotAndNetEdgeFloor) {
  auto m = MakeMarket("SOL-USDT", 40);
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  m.frame.columns[sig][5] = -1;
  SigEngine big("fake_a", 80.0, 30);
  auto run = RunAll(m, {&big}, Config("SOL-USDT"));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->decisions[5].signal, Direction::kSell);
  EXPECT_EQ(run->decisions[5].direction, Direction::kWait);
  EXPECT_EQ(run->decisions[5].reason, "short_not_allowed");
  EXPECT_EQ(run->rejections.at("short_not_allowed"), 1);
  // A buy whose edge does not cover the round trip (spot fees alone are 15 bps).
  m.frame.columns[sig][5] = 1;
  SigEngine small("fake_a", 12.0, 30);
  run = RunAll(m, {&small}, Config("SOL-USDT"));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->decisions[5].reason, "net_edge_below_floor");
  EXPECT_LT(run->decisions[5].net_edge_bps, 0);
  EXPECT_EQ(run->rejections.at("net_edge_below_floor"), 1);
}

TEST(Pipeline, IlliquidRegimeGatesEverything) {
  auto m = MakeMarket("ETH-USDT-PERP", 30);
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  for (size_t i = 0; i < 30; ++i) m.frame.columns[sig][i] = 1;
  PipelineConfig pc = Config("ETH-USDT-PERP");
  pc.regime.spread_illiquid = 1.0;  // every bar's spread (2 bps) is "too wide": ILLIQUID
  SigEngine e("fake_a", 60.0, 30);
  auto run = RunAll(m, {&e}, pc);
  ASSERT_TRUE(run.ok());
  for (const auto& d : run->decisions) {
    EXPECT_EQ(d.regime, Regime::kIlliquid);
    EXPECT_EQ(d.reason, outcome::kRegimeIlliquid);
    EXPECT_EQ(d.direction, Direction::kWait);
  }
}

TEST(Pipeline, MetaCombinesAndSingleModeNeedsOneEngine) {
  auto m = MakeMarket("ETH-USDT-PERP", 30);
  const size_t s1 = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  const size_t s2 = static_cast<size_t>(testfakes::Col(m.frame, "sig2"));
  m.frame.columns[s1][5] = 1;
  m.frame.columns[s2][5] = -1;  // disagreement: confidence 0 -> below threshold
  m.frame.columns[s1][8] = 1;
  m.frame.columns[s2][8] = 1;
  SigEngine a("fake_a", 60.0, 30), b("fake_b", 40.0, 60, "sig2");
  auto run = RunAll(m, {&b, &a}, Config("ETH-USDT-PERP"));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->decisions[5].reason, outcome::kBelowThreshold);
  EXPECT_EQ(run->decisions[8].reason, outcome::kTrade);
  EXPECT_DOUBLE_EQ(run->decisions[8].edge_bps, 50.0);
  EXPECT_EQ(run->decisions[8].horizon_minutes, 45);
  EXPECT_EQ(run->decisions[8].engines, (std::vector<std::string>{"fake_a", "fake_b"}));  // id order
  PipelineConfig single = Config("ETH-USDT-PERP");
  single.mode = PipelineMode::kSingleEngine;
  EXPECT_FALSE(RunAll(m, {&a, &b}, single).ok());
  auto one = RunAll(m, {&b}, single);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->decisions[5].signal, Direction::kSell);
}

TEST(Pipeline, DeterministicByteIdentical) {
  auto m = MakeMarket("ETH-USDT-PERP", 400, 0.0002);
  const size_t s1 = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  const size_t s2 = static_cast<size_t>(testfakes::Col(m.frame, "sig2"));
  for (size_t i = 0; i < 400; ++i) {
    m.frame.columns[s1][i] = (i * 7919 % 13) < 3 ? 1 : (i * 7919 % 13) > 10 ? -1 : 0;
    m.frame.columns[s2][i] = (i * 104729 % 11) < 2 ? 1 : 0;
  }
  PipelineConfig pc = Config("ETH-USDT-PERP");
  pc.meta.min_samples = 3;  // let meta learning move the weights
  SigEngine a("fake_a", 60.0, 5), b("fake_b", 40.0, 10, "sig2");
  std::string first, second;
  for (std::string* out : {&first, &second}) {
    auto run = RunAll(m, {&a, &b}, pc);
    ASSERT_TRUE(run.ok());
    for (const auto& d : run->decisions) *out += d.Serialize() + "\n";
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(first.find("|trade|"), std::string::npos);
}

TEST(Pipeline, RefusesOutOfOrderBarsAndMissingCostFeatures) {
  auto m = MakeMarket("ETH-USDT-PERP", 5);
  SimulatedClock clock;
  VectorSink sink;
  SigEngine e("fake_a", 60.0, 30);
  auto pipe = DecisionPipeline::Create(Config("ETH-USDT-PERP"), std::make_unique<FrameFeatureSource>(&m.frame, 0), {&e},
                                       &clock, &sink);
  ASSERT_TRUE(pipe.ok());
  ASSERT_TRUE((*pipe)->OnBar(m.bars.bar(0)).ok());
  EXPECT_FALSE((*pipe)->OnBar(m.bars.bar(0)).ok());
  auto m2 = MakeMarket("ETH-USDT-PERP", 5);
  m2.frame.names[4] = "not_spread";
  auto bad = DecisionPipeline::Create(Config("ETH-USDT-PERP"), std::make_unique<FrameFeatureSource>(&m2.frame, 0), {&e},
                                      &clock, &sink);
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace huracan::decision
