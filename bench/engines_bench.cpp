// Engine fit and infer times on real 1m candles: SOL with BTC as the reference, `default` features.
// Uses ../shared/data/candles/1m when present (last 60 days; the whole ~150 days for the fit-all
// benchmark), else the embedded 28-day sample. Feature building is excluded from the timings.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/parquet.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "features/recipe.h"

namespace {

using namespace huracan;

struct Input {
  data::BarSeries coin, btc;
  features::FeatureFrame frame;
  std::string source;
};

std::string Pick(const std::string& dir, const std::string& prefix) {
  if (!std::filesystem::is_directory(dir)) return {};
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0 && n.size() > 8 && n.substr(n.size() - 8) == ".parquet") return e.path().string();
  }
  return {};
}

const Input& Load() {
  static const Input in = [] {
    Input r;
    std::string dir = std::string(HURACAN_SOURCE_DIR) + "/../shared/data/candles/1m";
    std::string coin = Pick(dir, "SOL-USDT_1m"), btc = Pick(dir, "BTC-USDT-PERP_1m");
    if (coin.empty() || btc.empty()) {
      dir = std::string(HURACAN_SOURCE_DIR) + "/data/sample";
      coin = Pick(dir, "SOL-USDT_1m");
      btc = Pick(dir, "BTC-USDT-PERP_1m");
    }
    auto c = data::ReadParquetBars(coin);
    auto b = data::ReadParquetBars(btc);
    if (!c.ok() || !b.ok()) {
      std::fprintf(stderr, "cannot read candles: %s\n", (!c.ok() ? c.error() : b.error()).message.c_str());
      std::exit(1);
    }
    r.coin = std::move(c).value();
    r.btc = std::move(b).value();
    auto frame = features::BuildFeatures(*features::BuiltinRecipe("default"), r.coin, &r.btc);
    if (!frame.ok()) {
      std::fprintf(stderr, "features: %s\n", frame.error().message.c_str());
      std::exit(1);
    }
    r.frame = std::move(frame).value();
    r.source = coin;
    std::fprintf(stderr, "engines bench: %s, %zu bars, %zu features\n", coin.c_str(), r.coin.size(), r.frame.cols());
    return r;
  }();
  return in;
}

engines::TrainWindow Window(size_t days) {
  const Input& in = Load();
  size_t n = in.coin.size(), want = days * 1440;
  engines::TrainWindow w;
  w.bars = &in.coin;
  w.features = &in.frame;
  w.begin = n > want ? n - want : 0;
  w.end = n;
  w.round_trip_cost_bps = 10.0;
  w.seed = 42;
  w.nthread = 1;
  return w;
}

void BM_Fit60d(benchmark::State& state, std::string id) {
  const Input& in = Load();
  engines::TrainWindow w = Window(60);
  bool active = false;
  for (auto _ : state) {
    auto e = std::move(engines::CreateEngine(id)).value();
    if (!e->Bind(in.frame.names).ok() || !e->Fit(w).ok()) state.SkipWithError("fit failed");
    active = e->active();
  }
  state.counters["rows"] = static_cast<double>(w.end - w.begin);
  state.counters["active"] = active;
}

void BM_FitAll(benchmark::State& state) {
  const Input& in = Load();
  engines::TrainWindow w = Window(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    for (const auto& id : engines::AllEngineIds()) {
      auto e = std::move(engines::CreateEngine(id)).value();
      if (!e->Bind(in.frame.names).ok() || !e->Fit(w).ok()) state.SkipWithError("fit failed");
    }
  }
  state.counters["rows"] = static_cast<double>(w.end - w.begin);
}

// Infer of one engine over consecutive bars (rows gathered beforehand, as the pipeline does).
void BM_Infer(benchmark::State& state, std::string id) {
  const Input& in = Load();
  engines::TrainWindow w = Window(60);
  w.end = w.begin + (w.end - w.begin) * 2 / 3;
  w.round_trip_cost_bps = 0.0;  // zero cost: most engines turn on, so the timed path is the speaking one
  auto e = std::move(engines::CreateEngine(id)).value();
  if (!e->Bind(in.frame.names).ok() || !e->Fit(w).ok()) state.SkipWithError("fit failed");
  const size_t cols = in.frame.cols(), n = 4096, start = w.end;
  std::vector<double> rows(n * cols);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < cols; ++j) rows[i * cols + j] = in.frame.columns[j][std::min(start + i, in.coin.size() - 1)];
  size_t i = 0;
  for (auto _ : state) {
    engines::FeatureRow row{std::span<const double>(&rows[i * cols], cols), in.frame.ts_ms[start], in.coin.bar(start)};
    benchmark::DoNotOptimize(e->Infer(row));
    i = (i + 1) % n;
  }
  state.counters["active"] = e->active();
}

int Register() {
  for (const auto& id : engines::AllEngineIds())
    benchmark::RegisterBenchmark(("BM_Fit60d/" + id).c_str(), BM_Fit60d, id)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(3)
        ->ReportAggregatesOnly(true);
  benchmark::RegisterBenchmark("BM_FitAll/days", BM_FitAll)
      ->Arg(60)
      ->Arg(150)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  for (const auto& id : engines::AllEngineIds())
    benchmark::RegisterBenchmark(("BM_Infer/" + id).c_str(), BM_Infer, id)->Unit(benchmark::kNanosecond);
  return 0;
}
const int kRegistered = Register();

}  // namespace

BENCHMARK_MAIN();
