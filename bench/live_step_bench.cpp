// The live shadow loop's per-minute cost (docs/BENCHMARKS.md, "Live: 400 symbols"): N
// execution::SymbolDriver (default 400) built as `huracan live` builds them (each symbol's
// champion loaded and verified, its feature stream warmed on the bars before the replayed day),
// then stepped one minute at a time: every symbol's bar of that minute, on one thread. One
// benchmark iteration is one N-symbol minute; the day's 1440 minutes run once.
//
// Data: the universe of bench/make_live_universe.sh, named by HURACAN_LIVE_UNIVERSE (its
// universe.tsv, replay/ and archive/); HURACAN_LIVE_SYMBOLS picks the first N symbols,
// HURACAN_LIVE_DAY the replayed day (default 2025-11-07). Without the universe the benchmark is
// skipped with a message. Counters: minute p50 / p99 / max (ms), per-bar `Step` latency p50 / p99
// (µs), the bars stepped, the bars on which engines proposed a trade (`signals`, > 0: engines are
// active) and the trades closed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/time_units.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "decision/feature_source.h"
#include "execution/symbol_driver.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "registry/loader.h"
#include "storage/object_store.h"

namespace {
using namespace huracan;

struct Slot {
  registry::LoadedModel model;
  data::BarSeries bars;
  size_t next = 0;  // the next bar to step
  bool use_ref = false;
  size_t ref_i = 0;
  std::unique_ptr<execution::SymbolDriver> driver;
};

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// The first `n` symbols of universe.tsv, their champions and drivers, warmed up to `from_ms`.
Result<std::vector<Slot>> BuildSlots(const std::string& dir, size_t n, int64_t from_ms, data::BarSeries* ref) {
  std::ifstream tsv(dir + "/universe.tsv");
  if (!tsv) return NotFound(dir + "/universe.tsv: not found");
  std::vector<std::string> symbols;
  std::string line;
  std::getline(tsv, line);
  while (symbols.size() < n && std::getline(tsv, line)) symbols.push_back(line.substr(0, line.find('\t')));
  HURACAN_ASSIGN_OR_RETURN(std::vector<data::CatalogEntry> entries, data::ScanDataDir(dir + "/replay", "1m"));
  std::map<std::string, std::string> path_of;
  for (const auto& e : entries) path_of[e.symbol()] = e.path;
  if (!path_of.count("BTCUSDT-PERP")) return NotFound(dir + "/replay: no BTCUSDT-PERP reference");
  HURACAN_ASSIGN_OR_RETURN(*ref, data::LoadBars(path_of["BTCUSDT-PERP"]));
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe("default"));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(dir + "/archive"));
  std::vector<Slot> slots(symbols.size());
  for (size_t k = 0; k < symbols.size(); ++k) {
    Slot& s = slots[k];
    const std::string& symbol = symbols[k];
    HURACAN_ASSIGN_OR_RETURN_CTX(s.model, registry::LoadChampionModel(*store, symbol, recipe, recipe.names()), symbol);
    HURACAN_ASSIGN_OR_RETURN(s.bars, data::LoadBars(path_of[symbol]));
    HURACAN_ASSIGN_OR_RETURN(features::FeatureStream stream, features::FeatureStream::Create(recipe));
    s.use_ref = !symbol.starts_with("BTC");
    const size_t warm = data::FirstAtOrAfter(s.bars.ts_ms, from_ms);
    for (; s.next < warm; ++s.next) {
      Bar rb;
      const Bar bar = s.bars.bar(s.next);
      stream.Update(bar, data::AlignedBar(s.use_ref ? ref : nullptr, bar.ts_ms, &s.ref_i, &rb));
    }
    execution::SymbolDriverConfig dc;
    dc.pipeline.symbol = symbol;
    dc.pipeline.timeframe = "1m";
    dc.pipeline.costs = s.model.costs;  // the universe's champions are trained with zero costs
    dc.pipeline.regime = s.model.regime;
    dc.pipeline.meta_state = s.model.meta_state;
    HURACAN_ASSIGN_OR_RETURN_CTX(
        s.driver,
        execution::SymbolDriver::Create(dc, std::make_unique<decision::StreamFeatureSource>(std::move(stream)),
                                        s.model.ptrs(), nullptr),
        symbol);
  }
  return slots;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

void BM_LiveShadowMinute(benchmark::State& state) {
  const std::string dir = Env("HURACAN_LIVE_UNIVERSE", "");
  if (dir.empty() || !std::filesystem::exists(dir + "/universe.tsv")) {
    state.SkipWithError("set HURACAN_LIVE_UNIVERSE to a folder made by bench/make_live_universe.sh");
    return;
  }
  const size_t n = static_cast<size_t>(std::atoi(Env("HURACAN_LIVE_SYMBOLS", "400").c_str()));
  const auto from = data::ParseIsoUtc(Env("HURACAN_LIVE_DAY", "2025-11-07"));
  if (!from) {
    state.SkipWithError("HURACAN_LIVE_DAY is not an ISO date");
    return;
  }
  data::BarSeries ref;
  auto built = BuildSlots(dir, n, *from, &ref);
  if (!built.ok()) {
    state.SkipWithError(built.error().ToString().c_str());
    return;
  }
  std::vector<Slot>& slots = *built;
  std::vector<double> minute_ms, bar_us;
  bar_us.reserve(slots.size() * kMinutesPerDay);
  int64_t bars = 0, signals = 0, trades = 0;
  int64_t t = *from;
  for (auto _ : state) {
    const auto m0 = std::chrono::steady_clock::now();
    for (Slot& s : slots) {
      if (s.next >= s.bars.size() || s.bars.ts_ms[s.next] != t) continue;  // no bar this minute
      Bar rb;
      const Bar bar = s.bars.bar(s.next++);
      const Bar* rp = data::AlignedBar(s.use_ref ? &ref : nullptr, t, &s.ref_i, &rb);
      const auto b0 = std::chrono::steady_clock::now();
      auto r = s.driver->Step(bar, rp);
      bar_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - b0).count());
      if (!r.ok()) {
        state.SkipWithError(r.error().ToString().c_str());
        return;
      }
      ++bars;
      signals += s.driver->last_decision().signal != Direction::kWait;
    }
    minute_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m0).count());
    t += kMsPerMinute;
  }
  for (Slot& s : slots) trades += static_cast<int64_t>(s.driver->executor().TakeTrades().size());
  state.counters["symbols"] = static_cast<double>(slots.size());
  state.counters["bars"] = static_cast<double>(bars);
  state.counters["signals"] = static_cast<double>(signals);
  state.counters["trades"] = static_cast<double>(trades);
  state.counters["minute_p50_ms"] = Quantile(minute_ms, 0.5);
  state.counters["minute_p99_ms"] = Quantile(minute_ms, 0.99);
  state.counters["minute_max_ms"] = Quantile(minute_ms, 1.0);
  state.counters["bar_p50_us"] = Quantile(bar_us, 0.5);
  state.counters["bar_p99_us"] = Quantile(bar_us, 0.99);
}
// One pass over the day: the drivers' state moves forward, so the minutes cannot be repeated.
BENCHMARK(BM_LiveShadowMinute)->Iterations(kMinutesPerDay)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
