// Feature builder benchmarks (docs/BENCHMARKS.md, "Features"):
//   - the default recipe in batch mode over a 216,000-bar 1m file (target < 100 ms);
//   - the default recipe in streaming mode, per bar (target < 2 us);
//   - the talib-reference recipe in batch mode (compare with tests/js/talib_bench.mjs on the
//     same file: TA-Lib's C code through npm `talib`).
// The data file is ../shared/data/candles/1m/SOL-USDT_1m_*.parquet, or $HURACAN_BENCH_FILE.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "data/parquet.h"
#include "features/builder.h"
#include "features/recipe.h"

namespace {

namespace fs = std::filesystem;
using namespace huracan;

std::string FindFile(const std::string& prefix) {
  const std::string dir = std::string(HURACAN_SOURCE_DIR) + "/../shared/data/candles/1m";
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().rfind(prefix, 0) == 0) return e.path().string();
  // Fallback: the embedded sample (28 days).
  const std::string sample = std::string(HURACAN_SOURCE_DIR) + "/data/sample";
  for (const auto& e : fs::directory_iterator(sample, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) return e.path().string();
  return "";
}

struct Data {
  data::BarSeries bars, btc;
  Data() {
    const char* env = std::getenv("HURACAN_BENCH_FILE");
    const std::string coin = env ? env : FindFile("SOL-USDT_1m");
    auto b = data::ReadParquetBars(coin);
    auto r = data::ReadParquetBars(FindFile("BTC-USDT-PERP_1m"));
    if (!b.ok() || !r.ok()) {
      std::fprintf(stderr, "features bench: cannot read candles\n");
      std::exit(2);
    }
    bars = std::move(b).value();
    btc = std::move(r).value();
    std::fprintf(stderr, "features bench: %s, %zu bars\n", coin.c_str(), bars.size());
  }
};

const Data& D() {
  static const Data d;
  return d;
}

// Argument: threads of the batch build (its features are split over them). The batch cases run
// 15 repetitions of >= 0.5 s each: on a VM whose speed drifts, the median of many short runs is
// steadier than the mean of a few long ones.
void BatchCases(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(0.5)->Repetitions(15)->UseRealTime();
}

void CountPerBar(benchmark::State& state, size_t bars) {
  state.counters["bars"] = static_cast<double>(bars);
  state.counters["ns_per_bar"] = benchmark::Counter(
      static_cast<double>(bars), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_DefaultBatch(benchmark::State& state) {
  const auto recipe = *features::BuiltinRecipe("default");
  const Data& d = D();
  const features::BatchOptions options{static_cast<int>(state.range(0))};
  for (auto _ : state) {
    auto frame = features::BuildFeatures(recipe, d.bars, &d.btc, options);
    benchmark::DoNotOptimize(frame.ok());
  }
  CountPerBar(state, d.bars.size());
}
BENCHMARK(BM_DefaultBatch)->Apply(BatchCases);

// The same with one BatchBuilder and one output frame kept across iterations (a process
// building one series after another): no fresh 123 MB frame to fault in on every call.
void BM_DefaultBatchReuse(benchmark::State& state) {
  const auto recipe = *features::BuiltinRecipe("default");
  const Data& d = D();
  features::BatchBuilder builder(features::BatchOptions{static_cast<int>(state.range(0))});
  features::FeatureFrame frame;
  for (auto _ : state) {
    const Status st = builder.BuildInto(recipe, d.bars, &d.btc, &frame);
    benchmark::DoNotOptimize(st.ok());
  }
  CountPerBar(state, d.bars.size());
}
BENCHMARK(BM_DefaultBatchReuse)->Apply(BatchCases);

// Only what a fresh frame costs before any feature is computed: 71 columns of 216k doubles
// allocated and zero-filled (page faults), on `threads` threads as the batch build does.
void BM_FreshFrameOnly(benchmark::State& state) {
  const Data& d = D();
  const size_t threads = static_cast<size_t>(state.range(0)), cols = 71, n = d.bars.size();
  for (auto _ : state) {
    std::vector<std::vector<double>> columns(cols);
    std::vector<std::jthread> workers;
    for (size_t t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (size_t c = t; c < cols; c += threads) columns[c].resize(n);
      });
    workers.clear();  // join
    benchmark::DoNotOptimize(columns.data());
  }
}
BENCHMARK(BM_FreshFrameOnly)->Apply(BatchCases);

void BM_DefaultStreamingPerBar(benchmark::State& state) {
  const auto recipe = *features::BuiltinRecipe("default");
  const Data& d = D();
  auto stream = features::FeatureStream::Create(recipe);
  size_t i = 0, j = 0;
  double sink = 0;
  for (auto _ : state) {
    if (i == d.bars.size()) {
      state.PauseTiming();
      stream = features::FeatureStream::Create(recipe);
      i = j = 0;
      state.ResumeTiming();
    }
    const Bar bar = d.bars.bar(i);
    while (j < d.btc.size() && d.btc.ts_ms[j] < bar.ts_ms) ++j;
    Bar rb;
    const Bar* rp = nullptr;
    if (j < d.btc.size() && d.btc.ts_ms[j] == bar.ts_ms) {
      rb = d.btc.bar(j);
      rp = &rb;
    }
    sink += stream->Update(bar, rp)[0];
    ++i;
  }
  benchmark::DoNotOptimize(sink);
}
BENCHMARK(BM_DefaultStreamingPerBar)->Unit(benchmark::kNanosecond)->MinTime(2.0);

void BM_TalibReferenceBatch(benchmark::State& state) {
  const auto recipe = *features::BuiltinRecipe("talib-reference");
  const Data& d = D();
  const features::BatchOptions options{static_cast<int>(state.range(0))};
  for (auto _ : state) {
    auto frame = features::BuildFeatures(recipe, d.bars, nullptr, options);
    benchmark::DoNotOptimize(frame.ok());
  }
  state.counters["bars"] = static_cast<double>(d.bars.size());
}
BENCHMARK(BM_TalibReferenceBatch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
