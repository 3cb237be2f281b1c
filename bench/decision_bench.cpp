// DecisionPipeline and backtest benchmarks on a real 150-day 1m file (216,000 bars) from
// ../shared/data/candles/1m, falling back to the embedded sample. Engine fitting is excluded.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "backtest/backtester.h"
#include "backtest/walk_forward.h"
#include "core/clock.h"
#include "data/parquet.h"
#include "decision/pipeline.h"
#include "engines/registry.h"
#include "features/builder.h"

namespace {
using namespace huracan;

struct Fixture {
  data::BarSeries bars, ref;
  features::FeatureRecipe recipe;
  features::FeatureFrame frame;
  backtest::FittedEngines fitted;
  regime::RegimeThresholds regime;
  std::string source;
};

const Fixture& Get() {
  static Fixture* fx = [] {
    auto* f = new Fixture;
    const std::string shared = std::string(HURACAN_SOURCE_DIR) + "/../shared/data/candles/1m/";
    std::string path = shared + "SOL-USDT_1m_20250611_20251108.parquet";
    std::string ref = shared + "BTC-USDT-PERP_1m_20250611_20251108.parquet";
    if (!std::filesystem::exists(path)) {
      path = std::string(HURACAN_SOURCE_DIR) + "/data/sample/SOL-USDT_1m_20251011_20251108.parquet";
      ref = std::string(HURACAN_SOURCE_DIR) + "/data/sample/BTC-USDT-PERP_1m_20251011_20251108.parquet";
    }
    f->source = path;
    f->bars = std::move(data::ReadParquetBars(path)).value();
    f->ref = std::move(data::ReadParquetBars(ref)).value();
    f->recipe = std::move(features::BuiltinRecipe("default")).value();
    f->frame = std::move(features::BuildFeatures(f->recipe, f->bars, &f->ref)).value();
    const size_t train = std::min<size_t>(f->bars.size() / 2, 30 * 1440);
    std::vector<double> qv;
    for (size_t i = 0; i < f->bars.size(); ++i) qv.push_back(f->bars.close[i] * f->bars.volume[i]);
    f->regime = std::move(regime::CalibrateRegime(f->frame, qv, 0, train, f->bars.symbol)).value();
    f->fitted = std::move(backtest::FitEngines(engines::AllEngineIds(), f->bars, f->frame, 0, train, 10.0)).value();
    return f;
  }();
  return *fx;
}

class NullSink final : public decision::DecisionSink {
 public:
  void OnDecision(const decision::Decision& d) override { trades += d.direction != Direction::kWait; }
  int64_t trades = 0;
};

// Streaming: one OnBar (streaming features + regime + every engine + meta + costs + guardrails) per bar.
void BM_PipelineStreamingPerBar(benchmark::State& state) {
  const Fixture& fx = Get();
  std::vector<double> ns;
  for (auto _ : state) {
    decision::PipelineConfig pc;
    pc.symbol = fx.bars.symbol;
    pc.regime = fx.regime;
    pc.costs = costs::CostConfig::ForSymbol(pc.symbol);
    SimulatedClock clock;
    NullSink sink;
    auto src = std::move(decision::StreamFeatureSource::Create(fx.recipe)).value();
    auto pipe =
        std::move(decision::DecisionPipeline::Create(pc, std::move(src), fx.fitted.ptrs(), &clock, &sink)).value();
    const size_t n = std::min<size_t>(fx.bars.size(), 100'000);
    ns.clear();
    ns.reserve(n);
    size_t ri = 0;
    for (size_t i = 0; i < n; ++i) {
      const Bar bar = fx.bars.bar(i);
      while (ri < fx.ref.size() && fx.ref.ts_ms[ri] < bar.ts_ms) ++ri;
      Bar rb;
      const Bar* rp = nullptr;
      if (ri < fx.ref.size() && fx.ref.ts_ms[ri] == bar.ts_ms) rb = fx.ref.bar(ri), rp = &rb;
      clock.Set(bar.ts_ms + 60'000);
      const auto t0 = std::chrono::steady_clock::now();
      (void)pipe->OnBar(bar, rp);
      const auto t1 = std::chrono::steady_clock::now();
      ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    benchmark::DoNotOptimize(sink.trades);
  }
  std::sort(ns.begin(), ns.end());
  state.counters["bars"] = static_cast<double>(ns.size());
  state.counters["p50_us"] = ns[ns.size() / 2] / 1e3;
  state.counters["p99_us"] = ns[ns.size() * 99 / 100] / 1e3;
  state.counters["max_us"] = ns.back() / 1e3;
  state.counters["engines"] = static_cast<double>(fx.fitted.engines.size());
}
BENCHMARK(BM_PipelineStreamingPerBar)->Unit(benchmark::kMillisecond)->Iterations(1);

// Backtest of every bar of the file, all engines combined, features precomputed (batch).
void BM_BacktestCombinedAllBars(benchmark::State& state) {
  const Fixture& fx = Get();
  backtest::BacktestOptions o;
  o.pipeline.symbol = fx.bars.symbol;
  o.pipeline.regime = fx.regime;
  o.pipeline.costs = costs::CostConfig::ForSymbol(o.pipeline.symbol);
  int64_t trades = 0;
  for (auto _ : state) {
    auto r = backtest::RunBacktestOnFrame(fx.bars, fx.frame, fx.fitted.ptrs(), decision::PipelineMode::kCombined, o, 0,
                                          fx.bars.size());
    trades = r.ok() ? r->metrics.trades : -1;
  }
  state.counters["bars"] = static_cast<double>(fx.bars.size());
  state.counters["trades"] = static_cast<double>(trades);
  state.counters["bars_per_s"] =
      benchmark::Counter(static_cast<double>(fx.bars.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BacktestCombinedAllBars)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same with the batch feature build included.
void BM_BacktestWithFeatureBuild(benchmark::State& state) {
  const Fixture& fx = Get();
  backtest::BacktestOptions o;
  o.pipeline.symbol = fx.bars.symbol;
  o.pipeline.regime = fx.regime;
  o.pipeline.costs = costs::CostConfig::ForSymbol(o.pipeline.symbol);
  for (auto _ : state) {
    auto frame = features::BuildFeatures(fx.recipe, fx.bars, &fx.ref);
    auto r = backtest::RunBacktestOnFrame(fx.bars, *frame, fx.fitted.ptrs(), decision::PipelineMode::kCombined, o, 0,
                                          fx.bars.size());
    benchmark::DoNotOptimize(r.ok());
  }
  state.counters["bars"] = static_cast<double>(fx.bars.size());
}
BENCHMARK(BM_BacktestWithFeatureBuild)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
