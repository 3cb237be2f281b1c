#include "training/out_of_time.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/json.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "decision/pipeline.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"

namespace huracan::training {
namespace fs = std::filesystem;

Result<RowSpan> SpanOfTimes(const std::vector<int64_t>& ts, std::optional<int64_t> from_ms,
                            std::optional<int64_t> to_ms) {
  RowSpan s{0, ts.size()};
  if (from_ms) s.begin = data::FirstAtOrAfter(ts, *from_ms);
  if (to_ms) s.end = data::FirstAtOrAfter(ts, *to_ms);
  if (s.begin >= s.end)
    return InvalidArgument(
        fmt::format("no bar in [{}, {}) (the data spans {} to {})", from_ms ? data::FormatIsoUtc(*from_ms) : "start",
                    to_ms ? data::FormatIsoUtc(*to_ms) : "end", ts.empty() ? "-" : data::FormatIsoUtc(ts.front()),
                    ts.empty() ? "-" : data::FormatIsoUtc(ts.back())));
  return s;
}

Result<backtest::BacktestResult> RunFrozenBacktest(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                                   const registry::LoadedModel& model, const costs::CostConfig& costs,
                                                   RowSpan span, bool record_decisions) {
  backtest::BacktestOptions bo;
  bo.record_decisions = record_decisions;
  bo.pipeline.symbol = bars.symbol;
  bo.pipeline.timeframe = bars.timeframe.empty() ? "1m" : bars.timeframe;
  bo.pipeline.costs = costs;
  bo.pipeline.regime = model.regime;
  bo.pipeline.meta_state = model.meta_state;
  return backtest::RunBacktestOnFrame(bars, frame, model.ptrs(), decision::PipelineMode::kCombined, bo, span.begin,
                                      span.end);
}

namespace {

std::optional<double> NumberOrNull(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// A fresh folder under the system temp folder; removed by the caller.
Result<fs::path> MakeWorkDir() {
  std::string tmpl = (fs::temp_directory_path() / "huracan-oot-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return Internal("cannot create a temporary folder from " + tmpl);
  return fs::path(tmpl);
}

struct WorkDir {
  fs::path path;
  ~WorkDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Trains `in` before the split, then backtests the challenger frozen on the bars from the split.
Status CheckCoin(const CoinInputs& in, const CoinPipelineConfig& cfg, const PublishContext& ctx, int64_t split_ms,
                 OutOfTimeCoin* out) {
  HURACAN_ASSIGN_OR_RETURN(CoinOutcome trained, RunCoinPipeline(in, cfg, ctx));
  out->model_id = trained.model_id;
  std::vector<std::string> repairs;
  HURACAN_ASSIGN_OR_RETURN(CheckedCoinBars loaded, LoadCheckedCoin(in, cfg.timeframe, cfg.quality, &repairs));
  const data::BarSeries& bars = loaded.bars;
  const std::optional<data::BarSeries>& ref = loaded.ref;
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(cfg.recipe));
  features::BatchOptions batch;
  batch.threads = std::max(1, cfg.nthread);
  HURACAN_ASSIGN_OR_RETURN(features::FeatureFrame frame,
                           features::BuildFeatures(recipe, bars, ref ? &*ref : nullptr, batch));
  HURACAN_ASSIGN_OR_RETURN(registry::LoadedModel model, registry::LoadModel(*ctx.store, trained.challenger_path,
                                                                            trained.model_id, recipe, frame.names));
  HURACAN_ASSIGN_OR_RETURN_CTX(RowSpan span, SpanOfTimes(bars.ts_ms, split_ms, std::nullopt), "after the split");
  // The bundle's costs are the costs it was trained under (the check's --costs).
  HURACAN_ASSIGN_OR_RETURN(backtest::BacktestResult r, RunFrozenBacktest(bars, frame, model, model.costs, span));

  const nlohmann::json& combined = model.bundle.metrics.at("combined");
  out->trades_before = combined.value("trades", int64_t{0});
  if (out->trades_before > 0) out->promised_bps = NumberOrNull(combined, "net_bps_per_trade");
  if (auto band = combined.find("net_bps_per_trade_band"); band != combined.end() && band->is_object()) {
    out->band_lo_bps = NumberOrNull(*band, "lo");
    out->band_hi_bps = NumberOrNull(*band, "hi");
  }
  out->trades_after = r.metrics.trades;
  if (r.metrics.trades > 0) out->realised_bps = r.metrics.net_bps_per_trade;
  if (out->realised_bps && out->band_lo_bps && out->band_hi_bps)
    out->inside = *out->band_lo_bps <= *out->realised_bps && *out->realised_bps <= *out->band_hi_bps;
  return Status::Ok();
}

}  // namespace

int OutOfTimeReport::failed() const {
  return static_cast<int>(std::count_if(coins.begin(), coins.end(), [](const auto& c) { return !c.error.empty(); }));
}

nlohmann::ordered_json OutOfTimeReport::ToJson() const {
  using nlohmann::ordered_json;
  auto opt = [](const std::optional<double>& v) { return v ? JsonNumber<ordered_json>(*v) : ordered_json(nullptr); };
  ordered_json out;
  out["split"] = split;
  ordered_json symbols = ordered_json::object();
  int64_t with_after = 0, judged = 0, inside = 0;
  for (const auto& c : coins) {
    ordered_json j;
    j["promised_bps"] = opt(c.promised_bps);
    j["band_lo_bps"] = opt(c.band_lo_bps);
    j["band_hi_bps"] = opt(c.band_hi_bps);
    j["realised_bps"] = opt(c.realised_bps);
    j["inside"] = c.inside ? ordered_json(*c.inside) : ordered_json(nullptr);
    j["trades_before"] = c.trades_before;
    j["trades_after"] = c.trades_after;
    j["model_id"] = c.model_id.empty() ? ordered_json(nullptr) : ordered_json(c.model_id);
    if (!c.error.empty()) j["error"] = c.error;
    symbols[c.symbol] = std::move(j);
    if (c.trades_after > 0) ++with_after;
    if (c.inside) {
      ++judged;
      if (*c.inside) ++inside;
    }
  }
  out["symbols"] = std::move(symbols);
  out["total"] = {{"coins", coins.size()},
                  {"coins_with_trades_after", with_after},
                  {"inside_share", judged > 0 ? ordered_json(static_cast<double>(inside) / static_cast<double>(judged))
                                              : ordered_json(nullptr)},
                  {"coins_judged", judged},
                  {"coins_inside", inside},
                  {"coins_failed", failed()}};
  return out;
}

std::string OutOfTimeReport::FormatText() const {
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : std::string("-"); };
  std::string out = fmt::format("out-of-time, split {}: trained before, frozen after (net bps per trade)\n", split);
  out += fmt::format("{:<14} {:>9} {:>20} {:>9} {:>7} {:>7} {:>7}\n", "symbol", "promised", "band 90%", "realised",
                     "inside", "before", "after");
  for (const auto& c : coins) {
    if (!c.error.empty()) {
      out += fmt::format("{:<14} failed: {}\n", c.symbol, c.error);
      continue;
    }
    std::string band = c.band_lo_bps && c.band_hi_bps ? fmt::format("[{:.2f}, {:.2f}]", *c.band_lo_bps, *c.band_hi_bps)
                                                      : std::string("-");
    out +=
        fmt::format("{:<14} {:>9} {:>20} {:>9} {:>7} {:>7} {:>7}\n", c.symbol, num(c.promised_bps), band,
                    num(c.realised_bps), c.inside ? (*c.inside ? "yes" : "no") : "-", c.trades_before, c.trades_after);
  }
  nlohmann::ordered_json t = ToJson()["total"];
  out += fmt::format(
      "total: {} coins, {} with trades after the split, inside their band: {} of {} judged{}\n",
      t["coins"].get<int64_t>(), t["coins_with_trades_after"].get<int64_t>(), t["coins_inside"].get<int64_t>(),
      t["coins_judged"].get<int64_t>(),
      t["inside_share"].is_null() ? std::string() : fmt::format(" ({:.2f})", t["inside_share"].get<double>()));
  return out;
}

Result<OutOfTimeReport> RunOutOfTime(const OutOfTimeOptions& opts, const Clock& clock) {
  std::optional<int64_t> split_ms = data::ParseIsoUtc(opts.split);
  if (opts.split.size() != 10 || !split_ms)
    return InvalidArgument("--split '" + opts.split + "': expected a date YYYY-MM-DD");
  const std::string& tf = opts.pipeline.timeframe;
  HURACAN_ASSIGN_OR_RETURN(std::vector<data::CatalogEntry> entries, data::ScanDataDir(opts.data_dir, tf));
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> symbols, data::SelectSymbols(entries, "all", tf));
  if (symbols.empty()) return NotFound(opts.data_dir + ": no " + tf + " candle files");

  // As for `huracan train`'s workers: XGBoost's OpenMP threads must not spin while waiting on
  // shared cores (unless the caller chose otherwise).
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  // Nothing of the user's is touched: a temporary archive and database, removed at the end.
  WorkDir work;
  HURACAN_ASSIGN_OR_RETURN(work.path, MakeWorkDir());
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db,
                           storage::OpenDatabase((work.path / "huracan.db").string()));
  HURACAN_RETURN_IF_ERROR(storage::Migrate(*db));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store,
                           storage::OpenObjectStore((work.path / "archive").string()));
  PublishContext ctx;
  ctx.store = store.get();
  ctx.db = db.get();
  ctx.clock = &clock;
  ctx.run_id = "oot-" + opts.split;
  ctx.rules = opts.pipeline.rules;
  CoinPipelineConfig cfg = opts.pipeline;
  cfg.cutoff_ms = *split_ms;

  OutOfTimeReport report;
  report.split = opts.split;
  for (const std::string& symbol : symbols) {
    OutOfTimeCoin c;
    c.symbol = symbol;
    Status st = [&]() -> Status {
      HURACAN_ASSIGN_OR_RETURN(CoinInputs in, ResolveCoinInputs(entries, symbol, tf, cfg.reference_symbol));
      return CheckCoin(in, cfg, ctx, *split_ms, &c);
    }();
    if (!st.ok()) c.error = st.error().message;
    std::fprintf(stderr, "out-of-time: %s %s\n", symbol.c_str(),
                 c.error.empty() ? fmt::format("{} trades before, {} after", c.trades_before, c.trades_after).c_str()
                                 : ("failed: " + c.error).c_str());
    report.coins.push_back(std::move(c));
  }
  return report;
}

}  // namespace huracan::training
