#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "backtest/backtester.h"
#include "backtest/bias_checks.h"
#include "backtest/metrics.h"
#include "backtest/signals.h"
#include "backtest/walk_forward.h"
#include "data/parquet.h"
#include "decision/fakes.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "support/test_support.h"

namespace huracan::backtest {
namespace {

using testfakes::MakeMarket;
using testfakes::SigEngine;

BacktestOptions Options(const std::string& symbol) {
  BacktestOptions o;
  o.pipeline.symbol = symbol;
  o.pipeline.regime = testfakes::AlwaysRange(symbol);
  o.pipeline.costs = costs::CostConfig::ForSymbol(symbol);
  o.pipeline.adv_min_bars = 1;
  o.guardrails.cooldown_ms = 0;
  o.guardrails.dedup_ms = 0;
  o.record_decisions = true;
  return o;
}

TEST(Metrics, PsrAgainstHandComputedValue) {
  // mean 0.314286, population sd 0.494046, SR 0.636146, skew 0.113439, kurtosis 1.847191:
  // z = SR*sqrt(6)/sqrt(1 - skew*SR + (kurt-1)/4*SR^2) = 1.547785, PSR = Phi(z) = 0.939163.
  const std::vector<double> r = {0.5, -0.2, 1.1, 0.3, -0.4, 0.8, 0.1};
  EXPECT_NEAR(ProbabilisticSharpe(r), 0.9391630052621687, 1e-12);
  EXPECT_EQ(ProbabilisticSharpe(std::vector<double>{1.0, 2.0}), 0.0);
  EXPECT_LT(ProbabilisticSharpe(std::vector<double>{-0.5, 0.2, -1.1, -0.3, 0.4, -0.8, -0.1}), 0.5);
}

TEST(Metrics, NormalQuantileInvertsTheCdf) {
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.99), 2.326347874040841, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306167814, 1e-12);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-9);
  EXPECT_EQ(NormalQuantile(1.0), INFINITY);
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
}

TEST(Metrics, ExpectedMaxSharpeAndDsrReproduceThePaperExample) {
  // Bailey & López de Prado (2014), section 4: N = 100 trials with V[SR] = 1/2 (annualised), T = 1250
  // daily returns, SR 2.5 annualised, skewness -3, kurtosis 10. E[max SR] = 0.1132 per day and
  // DSR = 0.9004 (by hand here: z = (0.158114 - 0.113200)·sqrt(1249)/sqrt(1.530611) = 1.28299).
  const double sr0 = ExpectedMaxSharpe(0.5 / 250, 100);
  EXPECT_NEAR(sr0, 0.1132, 5e-5);
  EXPECT_NEAR(ProbabilisticSharpe(2.5 / std::sqrt(250.0), -3, 10, 1250, sr0), 0.9004, 5e-4);
  EXPECT_EQ(ExpectedMaxSharpe(0.5, 1), 0.0);
  EXPECT_EQ(ExpectedMaxSharpe(0.0, 100), 0.0);
  // N = 2: sqrt(V)·((1-γ)·Φ⁻¹(0.5) + γ·Φ⁻¹(1 - 1/(2e))) = 0.5772157·0.3393 for V = 1.
  EXPECT_NEAR(ExpectedMaxSharpe(1.0, 2), 0.5772156649015329 * NormalQuantile(1 - 1 / (2 * M_E)), 1e-12);
}

TEST(Metrics, DsrIsPsrShiftedByTheExpectedMaximum) {
  const std::vector<double> r = {0.5, -0.2, 1.1, 0.3, -0.4, 0.8, 0.1};
  const double psr = ProbabilisticSharpe(r);
  EXPECT_DOUBLE_EQ(DeflatedSharpe(r, 1), psr);
  EXPECT_DOUBLE_EQ(DeflatedSharpe(r, 0), psr);
  // With V[SR] the estimator's own variance, the DSR is Φ(Φ⁻¹(PSR) − E[max of N standard normals]).
  // 0.4227843·Φ⁻¹(0.99) + 0.5772157·Φ⁻¹(1 − 1/(100e)) = 0.4227843·2.326348 + 0.5772157·2.680210.
  const double e100 = ExpectedMaxSharpe(1.0, 100);
  EXPECT_NEAR(e100, 2.53061, 1e-4);
  EXPECT_NEAR(DeflatedSharpe(r, 100), 0.5 * std::erfc(-(NormalQuantile(psr) - e100) / std::sqrt(2.0)), 1e-9);
  EXPECT_LT(DeflatedSharpe(r, 100), DeflatedSharpe(r, 10));
  EXPECT_LT(DeflatedSharpe(r, 10), psr);
  // Edge cases: fewer than 3 returns, zero variance.
  EXPECT_EQ(DeflatedSharpe(std::vector<double>{1.0, 2.0}, 50), 0.0);
  EXPECT_EQ(DeflatedSharpe(std::vector<double>{0.3, 0.3, 0.3, 0.3}, 50), 1.0);
  EXPECT_EQ(DeflatedSharpe(std::vector<double>{-0.3, -0.3, -0.3}, 50), 0.0);
}

TEST(Metrics, DsrFollowsTheTrialCountAndIsSerialisedAfterPsr) {
  std::vector<Trade> trades(5);
  const double nets[] = {12, -4, 9, 3, -1};
  for (size_t i = 0; i < trades.size(); ++i) trades[i].gross_bps = trades[i].net_bps = nets[i];
  Metrics one = ComputeMetrics(trades, std::vector<double>(10, 0.0), 525600, 1, 0);
  EXPECT_DOUBLE_EQ(one.dsr, one.psr);
  Metrics many = ComputeMetrics(trades, std::vector<double>(10, 0.0), 525600, 1, 0, 40);
  EXPECT_DOUBLE_EQ(many.psr, one.psr);
  EXPECT_LT(many.dsr, many.psr);
  const nlohmann::ordered_json j = MetricsToJson(many);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  auto psr = std::find(keys.begin(), keys.end(), "psr");
  ASSERT_NE(psr, keys.end());
  EXPECT_EQ(*(psr + 1), "dsr");
}

TEST(Metrics, BootstrapBandIsDeterministicAndCoversTheMean) {
  // A known distribution: 400 draws of N(5, 20²) from a fixed generator. The 90% band of the
  // mean is about ±1.645·20/sqrt(400) = ±1.645 around the sample mean.
  std::mt19937_64 g(7);
  std::normal_distribution<double> nd(5.0, 20.0);
  std::vector<double> x(400);
  for (double& v : x) v = nd(g);
  double mean = 0;
  for (double v : x) mean += v / 400;
  MeanBand b = BootstrapMeanBand(x);
  EXPECT_EQ(b.resamples, 2000);
  EXPECT_DOUBLE_EQ(b.level, 0.9);
  EXPECT_LT(b.lo, mean);
  EXPECT_GT(b.hi, mean);
  EXPECT_NEAR(b.hi - b.lo, 2 * 1.645 * 20 / std::sqrt(400.0), 0.5);
  MeanBand again = BootstrapMeanBand(x);
  EXPECT_EQ(again.lo, b.lo);
  EXPECT_EQ(again.hi, b.hi);
  // Coverage sanity: over 200 samples of 50 draws, the 90% band holds the true mean 5 most times.
  int covered = 0;
  for (int k = 0; k < 200; ++k) {
    std::vector<double> s(50);
    for (double& v : s) v = nd(g);
    MeanBand sb = BootstrapMeanBand(s, 0.9, 500);
    covered += sb.lo <= 5.0 && 5.0 <= sb.hi;
  }
  EXPECT_GE(covered, 160);  // nominal 180; the percentile bootstrap runs a little narrow at n = 50
  EXPECT_LE(covered, 196);
}

TEST(Metrics, BootstrapBandOnTinySamples) {
  MeanBand none = BootstrapMeanBand(std::vector<double>{});
  EXPECT_TRUE(std::isnan(none.lo) && std::isnan(none.hi));
  MeanBand one = BootstrapMeanBand(std::vector<double>{3.0});
  EXPECT_TRUE(std::isnan(one.lo) && std::isnan(one.hi));
  auto j = MeanBandToJson(one);
  EXPECT_TRUE(j["lo"].is_null());
  EXPECT_TRUE(j["hi"].is_null());
  EXPECT_EQ(j["level"], 0.9);
  EXPECT_EQ(j["resamples"], 2000);
  MeanBand two = BootstrapMeanBand(std::vector<double>{1.0, 3.0});
  EXPECT_GE(two.lo, 1.0);
  EXPECT_LE(two.hi, 3.0);
  EXPECT_LE(two.lo, two.hi);
  MeanBand same = BootstrapMeanBand(std::vector<double>{2.0, 2.0, 2.0});
  EXPECT_EQ(same.lo, 2.0);
  EXPECT_EQ(same.hi, 2.0);
}

TEST(Backtest, FillsAtNextOpenAndExitsAtHorizon) {
  auto m = MakeMarket("ETH-USDT-PERP", 60, 0.00001);
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  m.frame.columns[sig][10] = 1;
  SigEngine e("fake_a", 80.0, 5);
  auto r =
      RunBacktestOnFrame(m.bars, m.frame, {&e}, decision::PipelineMode::kSingleEngine, Options("ETH-USDT-PERP"), 0, 60);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->trades.size(), 1u);
  const Trade& t = r->trades[0];
  EXPECT_EQ(t.signal_ts_ms, m.bars.ts_ms[10]);
  EXPECT_EQ(t.entry_ts_ms, m.bars.ts_ms[11]);
  EXPECT_DOUBLE_EQ(t.entry_price, m.bars.open[11]);
  EXPECT_EQ(t.exit_reason, "horizon");
  EXPECT_EQ(t.exit_ts_ms, m.bars.ts_ms[16]);
  EXPECT_DOUBLE_EQ(t.exit_price, m.bars.open[16]);
  EXPECT_NEAR(t.gross_bps, (m.bars.open[16] / m.bars.open[11] - 1) * 1e4, 1e-9);
  // Per-bar returns of the trade add up to its net result.
  double sum = 0;
  for (double x : r->bar_returns) sum += x;
  EXPECT_NEAR(sum * 1e4, t.net_bps, 1e-6);
  // Every bar that did not trade is counted with its reason (here: the engine had nothing to say).
  int64_t counted = 0, trade_decisions = 0;
  for (const auto& [why, n] : r->rejections) counted += n;
  for (const auto& d : r->decisions) trade_decisions += d.reason == decision::outcome::kTrade;
  EXPECT_EQ(trade_decisions, 1);
  EXPECT_EQ(counted + trade_decisions, 60);
  EXPECT_EQ(r->rejections.at(decision::outcome::kNoSignal), 59);
}

TEST(Backtest, FitUsesThePipelinesNetEdgeFloor) {
  // Engines sit below the cost layer, so they carry their own copy of the default floor.
  EXPECT_EQ(engines::kNetEdgeFloorBps, costs::CostConfig{}.net_edge_floor_bps);
  EXPECT_EQ(engines::TrainWindow{}.net_edge_floor_bps, costs::CostConfig{}.net_edge_floor_bps);
  for (const char* sym : {"SOL-USDT", "BTC-USDT-PERP"})
    EXPECT_EQ(engines::kNetEdgeFloorBps, costs::CostConfig::ForSymbol(sym).net_edge_floor_bps) << sym;
}

TEST(Backtest, ShortOnlyOnPerpsAndCostAttributionAddsUp) {
  for (const std::string sym : {"SOL-USDT", "SOL-USDT-PERP"}) {
    auto m = MakeMarket(sym, 300, -0.0002);
    const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
    for (size_t i = 5; i < 300; i += 20) m.frame.columns[sig][i] = -1;
    SigEngine e("fake_a", 80.0, 10);
    auto r = RunBacktestOnFrame(m.bars, m.frame, {&e}, decision::PipelineMode::kSingleEngine, Options(sym), 0, 300);
    ASSERT_TRUE(r.ok()) << r.error().message;
    if (sym == "SOL-USDT") {
      EXPECT_EQ(r->trades.size(), 0u);
      EXPECT_EQ(r->rejections.at("short_not_allowed"), 15);
      continue;
    }
    ASSERT_EQ(r->trades.size(), 15u);
    double net = 0;
    for (const Trade& t : r->trades) {
      EXPECT_EQ(t.direction, Direction::kSell);
      EXPECT_GT(t.gross_bps, 0);  // price falls: shorts earn
      EXPECT_NEAR(t.gross_bps - t.fees_bps - t.spread_bps - t.slippage_bps, t.net_bps, 1e-9);
      EXPECT_GT(t.funding_bps, 0);
      net += t.net_bps;
    }
    const Metrics& mt = r->metrics;
    EXPECT_EQ(mt.gross_bps - mt.fees_bps - mt.spread_bps - mt.slippage_bps, mt.net_bps);
    EXPECT_NEAR(mt.net_bps, net, 1e-6);
    EXPECT_NEAR(mt.fees_bps, 15 * 10.0 + mt.funding_bps, 1e-9);  // perps taker 5 bps per side
    EXPECT_GT(mt.exposure, 0);
  }
}

TEST(Backtest, StopAndOppositeSignalExits) {
  auto m = MakeMarket("ETH-USDT-PERP", 60);
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  m.frame.columns[sig][5] = 1;
  m.frame.columns[sig][8] = -1;  // opposite signal: exit at open of bar 9 and reverse
  // A spike up in bar 20 stops the short.
  m.bars.high[20] = m.bars.open[20] * 1.05;
  SigEngine e("fake_a", 80.0, 60);
  auto r =
      RunBacktestOnFrame(m.bars, m.frame, {&e}, decision::PipelineMode::kSingleEngine, Options("ETH-USDT-PERP"), 0, 60);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->trades.size(), 2u);
  EXPECT_EQ(r->trades[0].exit_reason, "opposite");
  EXPECT_EQ(r->trades[0].exit_ts_ms, m.bars.ts_ms[9]);
  EXPECT_EQ(r->trades[1].direction, Direction::kSell);
  EXPECT_EQ(r->trades[1].entry_ts_ms, m.bars.ts_ms[9]);
  EXPECT_EQ(r->trades[1].exit_reason, "stop");
  EXPECT_EQ(r->trades[1].exit_ts_ms, m.bars.ts_ms[20]);
  EXPECT_NEAR(r->trades[1].gross_bps, -3.0 * 2.0 * std::sqrt(60.0), 1e-6);  // stop = 3 sigma * sqrt(60 bars)
}

TEST(WalkForward, FoldsHavePurgeEmbargoAndAtLeastFour) {
  WalkForwardConfig cfg;
  cfg.train_bars = 10'000;
  cfg.test_bars = 10'000;
  auto folds = MakeFolds(40'000, cfg, 60);
  ASSERT_TRUE(folds.ok()) << folds.error().message;
  ASSERT_GE(folds->size(), 4u);
  for (size_t k = 0; k < folds->size(); ++k) {
    const Fold& f = (*folds)[k];
    EXPECT_GE(f.test_begin, f.train_end + 120);
    EXPECT_LE(f.test_end, 40'000u);
    if (k) {
      EXPECT_GE(f.test_begin, (*folds)[k - 1].test_end);
    }
  }
  EXPECT_FALSE(MakeFolds(5'000, cfg, 60).ok());
}

// A deliberately leaky engine: it reads the next bar's close from the series it was built with.
class PeekEngine : public SigEngine {
 public:
  explicit PeekEngine(const data::BarSeries* bars) : SigEngine("peek", 80.0, 5), bars_(bars) {}
  std::vector<Regime> regimes() const override {
    return {Regime::kTrend, Regime::kRange, Regime::kPanic, Regime::kIlliquid};
  }
  Status Bind(const std::vector<std::string>&) override { return Status::Ok(); }
  engines::EngineOutput Infer(const engines::FeatureRow& row) const override {
    engines::EngineOutput o;
    o.horizon_minutes = 5;
    auto it = std::lower_bound(bars_->ts_ms.begin(), bars_->ts_ms.end(), row.ts_ms);
    const size_t i = static_cast<size_t>(it - bars_->ts_ms.begin());
    if (i + 1 < bars_->size() && bars_->close[i + 1] > bars_->close[i]) {
      o.direction = Direction::kBuy;
      o.edge_bps_before_costs = 80;
      o.confidence_0_1 = 0.9;
    }
    return o;
  }

 private:
  const data::BarSeries* bars_;
};

struct RealFixture {
  data::BarSeries bars;
  features::FeatureRecipe recipe;
  FittedEngines fitted;
  regime::RegimeThresholds regime;
};

const RealFixture& Real() {
  static RealFixture* fx = [] {
    auto* f = new RealFixture;
    auto bars = data::ReadParquetBars(huracan::testing::SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet");
    EXPECT_TRUE(bars.ok());
    // A week keeps the test fast (and under sanitizers).
    f->bars = bars->slice(0, 7 * 1440);
    f->recipe = *features::BuiltinRecipe("default");
    auto frame = features::BuildFeatures(f->recipe, f->bars, nullptr);
    EXPECT_TRUE(frame.ok());
    const size_t train = f->bars.size() / 2;
    std::vector<double> qv;
    for (size_t i = 0; i < f->bars.size(); ++i) qv.push_back(f->bars.close[i] * f->bars.volume[i]);
    f->regime = *regime::CalibrateRegime(*frame, qv, 0, train, f->bars.symbol);
    std::vector<std::string> rules;
    for (const auto& id : engines::AllEngineIds())
      if (id != "gbdt" && id != "meta_label") rules.push_back(id);  // model engines: slow under ASan
    f->fitted = std::move(FitEngines(rules, f->bars, *frame, 0, train, 5.0)).value();
    return f;
  }();
  return *fx;
}

TEST(BiasChecks, LookaheadPassesOnTheRealPipeline) {
  const RealFixture& fx = Real();
  ASSERT_GT(fx.fitted.engines.size(), 10u);
  RunnerConfig rc{&fx.recipe, fx.fitted.ptrs(), fx.regime, false, true};
  auto batch = MakePipelineRunner(rc);
  rc.streaming = true;
  auto stream = MakePipelineRunner(rc);
  auto rep = CheckLookahead(fx.bars, nullptr, batch, stream, {0.7, 0.9});
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_TRUE(rep->passed) << rep->ToString("lookahead");
  EXPECT_GT(rep->compared, 10'000);
}

TEST(BiasChecks, LookaheadFailsOnALeakyEngine) {
  const RealFixture& fx = Real();
  // The engine is rebuilt from whatever series the run gets, so a truncated run cannot see past its cut.
  auto runner = [&](const data::BarSeries& bars,
                    const data::BarSeries* ref) -> Result<std::vector<decision::Decision>> {
    PeekEngine peek(&bars);
    // Every bar RANGE, so the leak reaches the decisions at the cuts: with the calibrated regime a
    // cut may fall on an ILLIQUID bar (entered at once), where the pipeline stops before engines.
    RunnerConfig rc{&fx.recipe, {&peek}, testfakes::AlwaysRange(fx.bars.symbol), false, true};
    return MakePipelineRunner(rc)(bars, ref);
  };
  auto rep = CheckLookahead(fx.bars, nullptr, runner, runner, {0.7, 0.9});
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_FALSE(rep->passed);
  EXPECT_GE(rep->mismatches, 1);
  EXPECT_FALSE(rep->examples.empty());
}

TEST(BiasChecks, WarmupConvergesOnTheRealPipeline) {
  const RealFixture& fx = Real();
  RunnerConfig rc{&fx.recipe, fx.fitted.ptrs(), fx.regime, true, false};
  auto rep = CheckWarmup(fx.bars, nullptr, MakePipelineRunner(rc), {0, 500, 1000}, 3000);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_TRUE(rep->passed) << rep->ToString("warmup");
  EXPECT_GT(rep->compared, 5000);
}

TEST(BiasChecks, RealPipelineIsByteDeterministic) {
  const RealFixture& fx = Real();
  RunnerConfig rc{&fx.recipe, fx.fitted.ptrs(), fx.regime, true, true};
  auto a = MakePipelineRunner(rc)(fx.bars, nullptr);
  auto b = MakePipelineRunner(rc)(fx.bars, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) ASSERT_EQ((*a)[i].Serialize(), (*b)[i].Serialize()) << i;
}

// Signal diagnostics on the real sample: the same signals and forward returns at every fee level,
// finite figures wherever a side produced signals, none for a non-rule engine.
TEST(Signals, CostIndependentAndFiniteOnSample) {
  auto bars = data::ReadParquetBars(huracan::testing::SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet");
  ASSERT_TRUE(bars.ok());
  const data::BarSeries week = bars->slice(0, 7 * 1440);
  auto frame = features::BuildFeatures(*features::BuiltinRecipe("default"), week, nullptr);
  ASSERT_TRUE(frame.ok());
  std::vector<std::string> ids;
  for (const auto& id : engines::AllEngineIds())
    if (id != "gbdt" && id != "ridge" && id != "meta_label") ids.push_back(id);  // model engines: slow
  const size_t train = week.size() / 2;
  const Fold fold{0, train, train + 60, week.size()};
  auto run = [&](double taker_fee) {
    FoldOptions o;
    o.per_engine = false;
    o.backtest.pipeline.symbol = week.symbol;
    o.backtest.pipeline.costs = costs::CostConfig::ForSymbol(week.symbol);
    o.backtest.pipeline.costs.taker_fee_bps = taker_fee;
    o.backtest.pipeline.costs.maker_fee_bps = taker_fee;
    auto r = RunFold(week, *frame, ids, fold, o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value().signals;
  };
  const auto paid = run(7.5), free = run(0.0);
  ASSERT_EQ(paid.size(), ids.size());
  ASSERT_EQ(free.size(), ids.size());
  int with_signals = 0;
  for (const auto& id : ids) {
    for (bool is_long : {true, false}) {
      const SideSignals& a = is_long ? paid.at(id).long_side : paid.at(id).short_side;
      const SideSignals& b = is_long ? free.at(id).long_side : free.at(id).short_side;
      const std::string who = id + (is_long ? " long" : " short");
      EXPECT_EQ(a.signals, b.signals) << who;
      if (a.signals == 0) {
        EXPECT_TRUE(std::isnan(a.mean_fwd_bps) && std::isnan(a.round_trip_cost_bps)) << who;
        continue;
      }
      ++with_signals;
      EXPECT_EQ(a.mean_fwd_bps, b.mean_fwd_bps) << who;
      EXPECT_EQ(a.hit_rate, b.hit_rate) << who;
      EXPECT_EQ(a.shrunk_edge_bps, b.shrunk_edge_bps) << who;
      EXPECT_TRUE(a.t_stat == b.t_stat || (std::isnan(a.t_stat) && std::isnan(b.t_stat))) << who;
      for (double v : {a.mean_fwd_bps, a.hit_rate, a.shrunk_edge_bps, a.round_trip_cost_bps})
        EXPECT_TRUE(std::isfinite(v)) << who;
      if (a.signals >= 2) {
        EXPECT_TRUE(std::isfinite(a.t_stat)) << who;
      }
      EXPECT_GE(a.hit_rate, 0.0);
      EXPECT_LE(a.hit_rate, 1.0);
      // Only the cost figures move with the fee: 2 x 7.5 bps of fees less.
      EXPECT_NEAR(a.round_trip_cost_bps - b.round_trip_cost_bps, 15.0, 1e-9) << who;
      // The break-even fee is the same whatever the fee (the non-fee part does not change).
      EXPECT_EQ(std::isnan(a.break_even_fee_bps), std::isnan(b.break_even_fee_bps)) << who;
      if (std::isfinite(a.break_even_fee_bps)) {
        EXPECT_NEAR(a.break_even_fee_bps, b.break_even_fee_bps, 1e-9) << who;
      }
      if (std::isfinite(a.break_even_fee_bps)) {
        EXPECT_GE(a.break_even_fee_bps, 0.0) << who;
        EXPECT_NEAR(a.shrunk_edge_bps - (a.round_trip_cost_bps - 15.0 + 2 * a.break_even_fee_bps), 0.0, 1e-9) << who;
      }
    }
  }
  EXPECT_GT(with_signals, 10);
  EXPECT_EQ(paid.at("seasonality").long_side.signals, 0);  // not a rule engine: no diagnostics
}

TEST(Signals, JsonShapeHasNullSides) {
  EngineSignals s;
  s.on = false;
  engines::SideStats st;
  for (double v : {10.0, -4.0, 6.0}) st.Add(v, +1, 0.0);
  s.long_side = SideSignalsFrom(st, +1, FitCosts{20.0, 2.0, 15.0});
  const auto j = EngineSignalsToJson(s);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"on", "long", "short"}));
  std::vector<std::string> side_keys;
  for (auto& [k, v] : j["short"].items()) side_keys.push_back(k);
  EXPECT_EQ(side_keys, (std::vector<std::string>{"signals", "mean_fwd_bps", "hit_rate", "t_stat", "shrunk_edge_bps",
                                                 "round_trip_cost_bps", "break_even_fee_bps"}));
  EXPECT_EQ(j["short"]["signals"], 0);
  for (auto& [k, v] : j["short"].items())
    if (k != "signals") {
      EXPECT_TRUE(v.is_null()) << k;
    }
  EXPECT_EQ(j["long"]["signals"], 3);
  EXPECT_NEAR(j["long"]["mean_fwd_bps"].get<double>(), 4.0, 1e-12);
  EXPECT_NEAR(j["long"]["hit_rate"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(j["long"]["shrunk_edge_bps"].get<double>(), 4.0 * 3 / 53, 1e-12);
  EXPECT_EQ(j["long"]["round_trip_cost_bps"].get<double>(), 22.0);
  EXPECT_TRUE(j["long"]["break_even_fee_bps"].is_null());  // 3 signals < kMinTrades
  // A short side that made money is signed positive; enough signals and edge give a break-even fee.
  engines::SideStats sh;
  for (int i = 0; i < 100; ++i) sh.Add(i % 2 ? -30.0 : -20.0, -1, 0.0);
  const SideSignals ss = SideSignalsFrom(sh, -1, FitCosts{20.0, 2.0, 15.0});
  EXPECT_NEAR(ss.mean_fwd_bps, 25.0, 1e-12);
  EXPECT_EQ(ss.hit_rate, 1.0);
  EXPECT_NEAR(ss.break_even_fee_bps, (25.0 * 100 / 150 - 5.0 - 2.0) / 2, 1e-12);
}

TEST(Signals, SortedClosestToBreakEvenFirst) {
  auto side = [](int64_t n, double edge, double cost) {
    SideSignals s;
    s.signals = n;
    s.shrunk_edge_bps = edge;
    s.round_trip_cost_bps = cost;
    return s;
  };
  std::map<std::string, EngineSignals> m;
  m["a_none"] = EngineSignals{};
  m["b_far"].long_side = side(30, -5.0, 20.0);     // gap 25
  m["c_near"].short_side = side(40, 15.0, 20.0);   // gap 5
  m["d_mixed"].long_side = side(40, 0.0, 20.0);    // gap 20
  m["d_mixed"].short_side = side(40, 10.0, 20.0);  // gap 10
  m["e_clears"].long_side = side(40, 30.0, 20.0);  // gap -10
  EXPECT_EQ(SortedByGap(m), (std::vector<std::string>{"e_clears", "c_near", "d_mixed", "b_far", "a_none"}));
}

TEST(BacktestCli, TextPrintsSignalsClosestFirst) {
  auto res = huracan::testing::RunHuracan(
      "backtest --data " +
      huracan::testing::ShellQuote(huracan::testing::SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet") +
      " --train-days 14 --engines trend_ma,rsi_reversal,zscore_reversion,seasonality --format text");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const size_t head = res.out.find("closest to break-even first");
  ASSERT_NE(head, std::string::npos) << res.out;
  // seasonality reports no signals, so it comes last.
  const size_t seas = res.out.find("seasonality", head);
  ASSERT_NE(seas, std::string::npos) << res.out;
  for (const char* id : {"trend_ma", "rsi_reversal", "zscore_reversion"}) {
    const size_t at = res.out.find(id, head);
    ASSERT_NE(at, std::string::npos) << id << "\n" << res.out;
    EXPECT_LT(at, seas) << id << "\n" << res.out;
  }
}

TEST(BacktestCli, JsonOnSampleData) {
  auto res = huracan::testing::RunHuracan(
      "backtest --data " +
      huracan::testing::ShellQuote(huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet") +
      " --train-days 14 --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_NE(res.err.find("BTC-USDT-PERP"), std::string::npos) << res.err;  // reference found beside the file
  auto j = nlohmann::json::parse(res.out);
  EXPECT_EQ(j["bars"].get<int>(), 40320);
  EXPECT_TRUE(j["symbol"].is_string());
  EXPECT_EQ(j["engines"].size(), engines::AllEngineIds().size());
  for (const char* k : {"trades", "hit_rate", "net_bps_per_trade", "net_sharpe", "sortino", "max_drawdown", "turnover",
                        "psr", "gross_bps", "fees_bps", "spread_bps", "slippage_bps", "net_bps"}) {
    EXPECT_TRUE(j["combined"].contains(k)) << k;
    EXPECT_TRUE(j["engines"]["trend_ma"].contains(k)) << k;
  }
  for (auto& [id, m] : j["engines"].items()) {
    const double sum = m["gross_bps"].get<double>() - m["fees_bps"].get<double>() - m["spread_bps"].get<double>() -
                       m["slippage_bps"].get<double>();
    EXPECT_NEAR(sum, m["net_bps"].get<double>(), 1e-9) << id;
  }
  EXPECT_TRUE(j["rejections"].is_object());
  // The rejections explain every test bar that did not trade (at most one trade decision is left
  // unfilled at the end), for the combination and for each engine alone.
  auto explained = [&](const nlohmann::json& rej, int64_t trades, const std::string& who) {
    int64_t sum = 0;
    for (auto& [why, n] : rej.items()) sum += n.get<int64_t>();
    const int64_t bars = j["test"]["bars"].get<int64_t>();
    EXPECT_LE(sum, bars - trades) << who;
    EXPECT_GE(sum, bars - 2 * trades - 1) << who;
  };
  explained(j["rejections"], j["combined"]["trades"].get<int64_t>(), "combined");
  for (auto& [id, m] : j["engines"].items()) explained(m["rejections"], m["trades"].get<int64_t>(), id);
  EXPECT_TRUE(j["rejections"].contains("no_signal") || j["rejections"].contains("engines_off"));
  EXPECT_TRUE(j["trades"].is_array());
  EXPECT_EQ(j["combined"]["trades"].get<size_t>(), j["trades"].size());
  // Signal diagnostics: one entry per engine, after every other key.
  ASSERT_TRUE(j["signals"].is_object());
  EXPECT_EQ(j["signals"].size(), engines::AllEngineIds().size());
  const auto ordered = nlohmann::ordered_json::parse(res.out);
  std::string last;
  for (auto& [k, v] : ordered.items()) last = k;
  EXPECT_EQ(last, "signals");
  int finite = 0;
  for (auto& [id, e] : j["signals"].items()) {
    EXPECT_TRUE(e["on"].is_boolean()) << id;
    for (const char* side : {"long", "short"}) {
      const auto& s = e[side];
      ASSERT_TRUE(s.contains("break_even_fee_bps")) << id;
      if (s["signals"].get<int64_t>() > 0 && s["mean_fwd_bps"].is_number() && s["hit_rate"].is_number() &&
          s["shrunk_edge_bps"].is_number() && s["round_trip_cost_bps"].is_number())
        ++finite;
      if (s["signals"].get<int64_t>() > 0) {
        EXPECT_TRUE(s["mean_fwd_bps"].is_number()) << id << " " << side;
      }
    }
  }
  EXPECT_GT(finite, 10);
  auto bad = huracan::testing::RunHuracan("backtest --data /nonexistent.parquet");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nonexistent"), std::string::npos);
  const std::string doge =
      huracan::testing::ShellQuote(huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet");
  auto negative = huracan::testing::RunHuracan("backtest --data " + doge + " --train-days -3");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("--train-days"), std::string::npos) << negative.err;
  auto too_long = huracan::testing::RunHuracan("backtest --data " + doge + " --train-days 28");
  EXPECT_EQ(too_long.exit_code, 2);
  EXPECT_NE(too_long.err.find("test window"), std::string::npos) << too_long.err;
}

// The cost gate works both ways: engines that find no edge net of the default costs trade when
// costs are zero (and the default run is unchanged by the flag's existence).
TEST(BacktestCli, ZeroCostsSwitchOnEnginesThatAreOffUnderDefaultCosts) {
  HURACAN_REQUIRE_SHARED(dir, "1m");
  const std::string sol = dir + "/SOL-USDT_1m_20250611_20251108.parquet";
  if (!std::filesystem::exists(sol)) GTEST_SKIP() << sol << " not present";
  auto trading = [&](const std::string& costs) {
    auto res = huracan::testing::RunHuracan("backtest --data " + huracan::testing::ShellQuote(sol) +
                                            " --engines trend_ma,zscore_reversion,seasonality" + costs);
    EXPECT_EQ(res.exit_code, 0) << res.err;
    const nlohmann::json j = nlohmann::json::parse(res.out);
    int on = 0;
    for (auto& [id, m] : j["engines"].items()) on += m["trades"].get<int64_t>() > 0 ? 1 : 0;
    return on;
  };
  const int by_default = trading("");
  EXPECT_EQ(trading(" --costs default"), by_default);
  EXPECT_GT(trading(" --costs zero"), by_default);
  auto bad = huracan::testing::RunHuracan("backtest --data " + huracan::testing::ShellQuote(sol) + " --costs nope");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nope"), std::string::npos) << bad.err;
}

// EvaluateFold with `same_fit` copies only what no cost setting changes: the result at a second fee
// level equals a full evaluation of the same fit at that level.
TEST(WalkForward, EvaluateFoldReuseOfTheSameFitIsExact) {
  auto bars = data::ReadParquetBars(huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet");
  ASSERT_TRUE(bars.ok());
  const data::BarSeries span = bars->slice(0, 10 * 1440);
  auto frame = features::BuildFeatures(*features::BuiltinRecipe("default"), span, nullptr);
  ASSERT_TRUE(frame.ok());
  const std::vector<std::string> ids = {"trend_ma", "zscore_reversion", "rsi_reversal", "vwap_reversion",
                                        "seasonality"};
  const size_t train = span.size() / 2;
  const Fold fold{0, train, train + 60, span.size()};
  FoldOptions o;
  o.backtest.pipeline.symbol = span.symbol;
  o.backtest.pipeline.costs = costs::CostConfig::ForSymbol(span.symbol);
  o.backtest.pipeline.costs.taker_fee_bps = o.backtest.pipeline.costs.maker_fee_bps = 0.0;
  o.backtest.pipeline.costs.net_edge_floor_bps = 6.0;  // a high bar: some engines off, some trading
  auto fit = FitFold(span, *frame, ids, fold, o);
  ASSERT_TRUE(fit.ok()) << fit.error().message;
  auto first = EvaluateFold(span, *frame, *fit, o);
  ASSERT_TRUE(first.ok());
  int silent = 0, traded = 0;
  for (const auto& [id, r] : first->engines) {
    traded += r.metrics.trades > 0 ? 1 : 0;
    silent += r.metrics.trades == 0 && r.rejections.count("no_signal") + r.rejections.count("engines_off") > 0 ? 1 : 0;
  }
  EXPECT_EQ(fit->fitted.engines.size(), ids.size());
  EXPECT_GT(silent, 0) << "some engine must be silent for the reuse to be exercised";
  EXPECT_GT(traded, 0) << "some engine must trade for the comparison to mean something";
  o.backtest.pipeline.costs.taker_fee_bps = o.backtest.pipeline.costs.maker_fee_bps = 1.0;
  auto full = EvaluateFold(span, *frame, *fit, o);
  auto reused = EvaluateFold(span, *frame, *fit, o, &*first);
  ASSERT_TRUE(full.ok() && reused.ok());
  ASSERT_EQ(full->engines.size(), reused->engines.size());
  for (const auto& [id, r] : full->engines) {
    const BacktestResult& q = reused->engines.at(id);
    EXPECT_EQ(MetricsToJson(r.metrics).dump(), MetricsToJson(q.metrics).dump()) << id;
    EXPECT_EQ(r.rejections, q.rejections) << id;
    EXPECT_EQ(r.trades.size(), q.trades.size()) << id;
  }
  EXPECT_EQ(MetricsToJson(full->combined.metrics).dump(), MetricsToJson(reused->combined.metrics).dump());
  for (const auto& [id, sg] : full->signals)
    EXPECT_EQ(EngineSignalsToJson(sg).dump(), EngineSignalsToJson(reused->signals.at(id)).dump()) << id;
}

// --fee-sweep: one fit, evaluated at each per-side fee. Level 0 reproduces a plain backtest with
// zero fees (same fit cost), a higher fee never trades more, and a bad list is refused by name.
TEST(BacktestCli, FeeSweepFitsOnceAndReportsEveryLevel) {
  const std::string doge =
      huracan::testing::ShellQuote(huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet");
  // Zero spread and slippage as well (the zero preset), so that the sample trades at fee 0.
  const std::string base =
      "backtest --data " + doge + " --train-days 14 --engines trend_ma,zscore_reversion,rsi_reversal --costs zero";
  auto res = huracan::testing::RunHuracan(base + " --fee-sweep 0,2.5,7.5 --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto j = nlohmann::ordered_json::parse(res.out);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"symbol", "levels", "fit_fee_bps", "engines", "combined"}));
  EXPECT_EQ(j["levels"], nlohmann::ordered_json::parse("[0.0,2.5,7.5]"));
  ASSERT_EQ(j["engines"].size(), 3u);
  ASSERT_EQ(j["combined"].size(), 3u);
  for (auto& [id, levels] : j["engines"].items()) {
    ASSERT_EQ(levels.size(), 3u) << id;
    EXPECT_TRUE(levels[0].contains("dsr")) << id;
    EXPECT_GE(levels[0]["trades"].get<int64_t>(), levels[2]["trades"].get<int64_t>()) << id;
  }
  EXPECT_GT(j["combined"][0]["trades"].get<int64_t>(), 0) << "the sample trades at zero fees";
  EXPECT_GE(j["combined"][0]["trades"].get<int64_t>(), j["combined"][2]["trades"].get<int64_t>());
  // Level 0 is the plain backtest at zero fees (the sweep fits at its lowest level).
  auto plain = huracan::testing::RunHuracan(base + " --format json");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const auto p = nlohmann::ordered_json::parse(plain.out);
  auto level0 = j["combined"][0];
  EXPECT_EQ(level0["rejections"].dump(), p["rejections"].dump());
  level0.erase("rejections");
  EXPECT_EQ(level0.dump(), p["combined"].dump()) << "level 0 = the plain run";
  for (auto& [id, levels] : j["engines"].items()) {
    auto e0 = levels[0];
    e0.erase("rejections");
    auto pe = p["engines"][id];
    pe.erase("rejections");
    EXPECT_EQ(e0.dump(), pe.dump()) << id;
  }
  auto text = huracan::testing::RunHuracan(base + " --fee-sweep 0,2.5,7.5 --format text");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("fee sweep, one fit at 0.00 bps/side"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("combined"), std::string::npos) << text.out;
  auto bad = huracan::testing::RunHuracan(base + " --fee-sweep 0,x");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'x'"), std::string::npos) << bad.err;
  auto negative = huracan::testing::RunHuracan(base + " --fee-sweep -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("--fee-sweep"), std::string::npos) << negative.err;
}

}  // namespace
}  // namespace huracan::backtest
