#include "training/coin_pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <tuple>

#include "backtest/backtester.h"
#include "core/sha256.h"
#include "core/time_units.h"
#include "costs/cost_presets.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "meta/combiner.h"
#include "regime/classifier.h"
#include "registry/loader.h"
#include "storage/database.h"
#include "training/test_hooks.h"

namespace huracan::training {
namespace {

// Bundle metrics are a nlohmann::json (keys sorted in metrics.json), built from the one
// serialisation of the metrics.
nlohmann::json MetricsJson(const backtest::Metrics& m) { return backtest::MetricsToJson(m); }

template <typename T>
void HashVector(std::string& acc, const std::vector<T>& v) {
  acc.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace

registry::ModelMetricsSummary ToSummary(const backtest::Metrics& m, double days, const std::string& window) {
  registry::ModelMetricsSummary s;
  s.trades = m.trades;
  s.days = days;
  s.net_sharpe = m.net_sharpe;
  s.psr = m.psr;
  s.dsr = m.dsr;
  s.max_drawdown = m.max_drawdown;
  s.hit_rate = m.hit_rate;
  s.net_bps = m.net_bps_per_trade;
  // Totals in the metrics; fees include funding.
  s.cost_bps = m.trades > 0 ? (m.fees_bps + m.spread_bps + m.slippage_bps) / static_cast<double>(m.trades) : 0.0;
  s.window = window;
  return s;
}

std::string SeriesHash(const data::BarSeries& b) {
  std::string bytes = b.symbol + "|" + b.timeframe + "|";
  HashVector(bytes, b.ts_ms);
  HashVector(bytes, b.open);
  HashVector(bytes, b.high);
  HashVector(bytes, b.low);
  HashVector(bytes, b.close);
  HashVector(bytes, b.volume);
  return Sha256Hex(bytes);
}

size_t FirstAtOrAfter(const std::vector<int64_t>& ts, int64_t t) {
  return static_cast<size_t>(std::lower_bound(ts.begin(), ts.end(), t) - ts.begin());
}

backtest::WalkForwardConfig CoinPipelineConfig::DefaultWalkForward() {
  backtest::WalkForwardConfig c;
  c.train_bars = 14 * kMinutesPerDay;
  c.test_bars = 5 * kMinutesPerDay;
  c.step_bars = 0;
  c.min_folds = 4;
  c.min_test_bars = 720;
  return c;
}

std::string CoinPipelineConfig::Describe() const {
  std::string eng;
  for (const auto& e : engines) eng += e + ",";
  const auto& w = walk_forward;
  std::string out = fmt::format(
      "recipe={};engines={};tf={};history_days={};warmup={};wf=train:{},test:{},step:{},purge:{},embargo:{},"
      "min_folds:{},anchored:{},min_test:{};seed={};rules={}",
      recipe, eng, timeframe, history_days, warmup_bars, w.train_bars, w.test_bars, w.step_bars, w.purge_bars,
      w.embargo_bars, w.min_folds, w.anchored, w.min_test_bars, seed, rules.ToJson().dump());
  // Only settings that differ from the defaults of old runs, so their training keys stay the same.
  if (!costs.empty()) out += ";costs=" + costs.Describe();
  if (!reference_symbol.empty()) out += ";ref=" + reference_symbol;
  if (cutoff_ms > 0) out += ";cutoff=" + std::to_string(cutoff_ms);
  return out;
}

Result<data::BarSeries> LoadCheckedBars(const std::string& path, const std::string& symbol,
                                        const std::string& timeframe, const data::QualityPolicy& policy,
                                        std::vector<std::string>* repairs) {
  HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::LoadBars(path));
  if (bars.symbol.empty()) bars.symbol = symbol;
  if (bars.timeframe.empty()) bars.timeframe = timeframe;
  data::QualityReport report;
  auto repaired = data::CheckAndRepair(std::move(bars), policy, &report);
  if (!repaired.ok()) {
    std::string why;
    for (const auto& r : report.refusals) why += (why.empty() ? "" : "; ") + r;
    if (const data::BadBar* first = report.FirstRefusedBar(); first && !why.empty())
      why += "; first bad bar: " + first->Describe();
    // Always FailedPrecondition, whatever the check's own code: the data is refused, not broken.
    return WithContext(FailedPrecondition(why.empty() ? repaired.error().message : why),
                       symbol + ": data refused (" + path + ")");
  }
  for (const auto& r : report.repairs) repairs->push_back(symbol + ": " + r);
  return std::move(repaired).value();
}

std::vector<EngineContribution> EngineContributions(const meta::MetaCombiner& combiner,
                                                    const std::vector<std::string>& engine_ids,
                                                    const std::map<std::string, backtest::Metrics>& alone) {
  std::vector<EngineContribution> out;
  for (const auto& id : engine_ids) {
    EngineContribution c;
    c.engine = id;
    c.weight = combiner.weight_of(id);
    for (const auto& s : combiner.stats())
      if (s.id == id) c.samples = s.samples;
    if (auto it = alone.find(id); it != alone.end()) {
      c.trades = it->second.trades;
      c.net_bps = it->second.net_bps_per_trade;
      c.hit_rate = it->second.hit_rate;
      c.contribution_bps = c.weight * it->second.net_bps;
    }
    out.push_back(c);
  }
  std::stable_sort(out.begin(), out.end(), [](const EngineContribution& a, const EngineContribution& b) {
    return a.contribution_bps > b.contribution_bps;
  });
  return out;
}

Result<CheckedCoinBars> LoadCheckedCoin(const CoinInputs& in, const std::string& timeframe,
                                        const data::QualityPolicy& policy, std::vector<std::string>* repairs) {
  CheckedCoinBars out;
  HURACAN_ASSIGN_OR_RETURN(out.bars, LoadCheckedBars(in.path, in.symbol, timeframe, policy, repairs));
  if (!in.ref_path.empty()) {
    HURACAN_ASSIGN_OR_RETURN(out.ref,
                             LoadCheckedBars(in.ref_path, "reference of " + in.symbol, timeframe, policy, repairs));
  }
  return out;
}

Result<CoinInputs> ResolveCoinInputs(const std::vector<data::CatalogEntry>& entries, const std::string& symbol,
                                     const std::string& timeframe, const std::string& reference) {
  CoinInputs in;
  in.symbol = symbol;
  auto find = [&](const std::string& id) -> const data::CatalogEntry* {
    const data::CatalogEntry* hit = nullptr;
    for (const auto& e : entries)
      if (e.symbol() == id && e.name.timeframe == timeframe) hit = &e;  // sorted: the last file wins
    return hit;
  };
  const data::CatalogEntry* coin = find(symbol);
  if (!coin) return NotFound(symbol + ": no " + timeframe + " candle file in the data folder");
  in.path = coin->path;
  if (!reference.empty()) {
    if (reference == symbol) return in;
    const data::CatalogEntry* r = find(reference);
    if (!r)
      return NotFound(symbol + ": reference " + reference + ": no " + timeframe + " candle file in the data folder");
    in.ref_path = r->path;
  } else if (coin->name.market.base != "BTC") {
    for (const char* ref : {"BTCUSDT-PERP", "BTCUSDT"}) {
      if (const data::CatalogEntry* r = find(ref)) {
        in.ref_path = r->path;
        break;
      }
    }
  }
  return in;
}

Result<CoinOutcome> RunCoinPipeline(const CoinInputs& inputs, const CoinPipelineConfig& config,
                                    const PublishContext& ctx) {
  const std::string& symbol = inputs.symbol;
  StageTimes times;
  std::vector<std::string> repairs;

  // 1. Load and check.
  times.Begin("load_quality");
  HURACAN_ASSIGN_OR_RETURN(CheckedCoinBars loaded, LoadCheckedCoin(inputs, config.timeframe, config.quality, &repairs));
  data::BarSeries bars = std::move(loaded.bars);
  std::optional<data::BarSeries> ref = std::move(loaded.ref);
  MaybeCrashAt("after_load", symbol);
  const int64_t tf = std::max<int64_t>(1, data::TimeframeMs(bars.timeframe));
  const size_t per_day = static_cast<size_t>(kMsPerDay / tf);
  if (config.cutoff_ms > 0) {
    bars = bars.slice(0, FirstAtOrAfter(bars.ts_ms, config.cutoff_ms));
    if (bars.empty()) return FailedPrecondition(symbol + ": no bars before the cut-off (" + inputs.path + ")");
  }
  const size_t keep = static_cast<size_t>(config.history_days) * per_day + static_cast<size_t>(config.warmup_bars);
  if (bars.size() > keep) bars = bars.slice(bars.size() - keep, bars.size());
  if (ref && !ref->empty()) {
    size_t a = FirstAtOrAfter(ref->ts_ms, bars.ts_ms.front());
    size_t b = FirstAtOrAfter(ref->ts_ms, bars.ts_ms.back() + 1);
    ref = ref->slice(a, b);
  }

  std::vector<std::string> ids = config.engines.empty() ? engines::AllEngineIds() : config.engines;
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(config.recipe));
  std::string key_text = "huracan-train/v1\n" + ctx.run_id + "\n" + symbol + "\n" + SeriesHash(bars) + "\n" +
                         (ref ? SeriesHash(*ref) : "-") + "\n" + recipe.hash() + "\n" + config.Describe() + "\n" +
                         HURACAN_VERSION;
  const std::string training_key = Sha256Hex(key_text);

  // 2. Features (the engines derive their labels, forward returns, from the bars in Fit).
  times.Begin("features");
  features::BatchOptions batch;
  batch.threads = std::max(1, config.nthread);  // the worker's thread budget
  HURACAN_ASSIGN_OR_RETURN(features::FeatureFrame frame,
                           features::BuildFeatures(recipe, bars, ref ? &*ref : nullptr, batch));

  // 3-4. Walk-forward, OOS metrics per engine and combined.
  times.Begin("walk_forward");
  backtest::FoldOptions fo;
  fo.backtest.pipeline.symbol = symbol;
  fo.backtest.pipeline.timeframe = bars.timeframe;
  fo.backtest.pipeline.costs = config.costs.ForSymbol(symbol);
  fo.seed = config.seed;
  fo.nthread = config.nthread;
  fo.per_engine = true;
  // Short histories (e.g. the 28-day sample) get a shorter train window, so the OOS span can still
  // reach the promotion rules' minimum days: at most 2/5 of the bars, at least 3 days.
  backtest::WalkForwardConfig wfc = config.walk_forward;
  wfc.train_bars = std::min(wfc.train_bars, std::max<size_t>(3 * per_day, bars.size() * 2 / 5));
  HURACAN_ASSIGN_OR_RETURN_CTX(backtest::WalkForwardResult wf, backtest::RunWalkForward(bars, frame, ids, wfc, fo),
                               symbol);
  const size_t oos_begin = wf.folds.front().fold.test_begin;
  const size_t oos_end = wf.folds.back().fold.test_end;
  const std::string window =
      storage::SqlTimestamp(bars.ts_ms[oos_begin]) + "/" + storage::SqlTimestamp(bars.ts_ms[oos_end - 1] + tf);
  double oos_days = 0;
  for (const auto& f : wf.folds)
    oos_days += static_cast<double>(f.fold.test_end - f.fold.test_begin) / static_cast<double>(per_day);

  // 5. Final fit on the latest training window.
  times.Begin("final_fit");
  const size_t n = bars.size();
  const size_t train_begin = n > wfc.train_bars ? n - wfc.train_bars : 0;
  std::vector<double> qv(n);
  for (size_t i = 0; i < n; ++i) qv[i] = bars.close[i] * bars.volume[i];
  HURACAN_ASSIGN_OR_RETURN(regime::RegimeThresholds thresholds,
                           regime::CalibrateRegime(frame, qv, train_begin, n, symbol, fo.regime));
  const double rt = backtest::TypicalRoundTripBps(bars, frame, train_begin, n, fo.backtest.pipeline.costs);
  HURACAN_ASSIGN_OR_RETURN(backtest::FittedEngines fitted,
                           backtest::FitEngines(ids, bars, frame, train_begin, n, rt, config.seed, config.nthread));
  if (fitted.engines.empty()) return FailedPrecondition(symbol + ": no engine could be fitted on the final window");
  std::vector<std::string> fitted_ids;
  for (const auto& e : fitted.engines) fitted_ids.emplace_back(e->id());
  // Meta weights: the engines' OOS outcomes, replayed in time order through the combiner.
  HURACAN_ASSIGN_OR_RETURN(meta::MetaCombiner combiner,
                           meta::MetaCombiner::Create(fo.backtest.pipeline.meta, fitted_ids));
  std::vector<std::tuple<int64_t, std::string, double>> outcomes;
  for (const auto& fold : wf.folds)
    for (const auto& [id, r] : fold.engines)
      for (const auto& t : r.trades) outcomes.emplace_back(t.exit_ts_ms, id, t.net_bps);
  std::sort(outcomes.begin(), outcomes.end());
  for (const auto& [ts, id, net] : outcomes) combiner.RecordOutcome(id, net);

  // 6. The bundle.
  times.Begin("bundle");
  TrainedCoin coin;
  coin.symbol = symbol;
  coin.training_key = training_key;
  coin.data_end_ms = bars.ts_ms.back() + tf;
  for (const auto& e : fitted.engines)
    HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(std::string(e->id()), e->SaveParams()));
  HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(registry::kMetaSection, combiner.Save()));
  HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(registry::kRegimeSection, thresholds.Save()));
  registry::BundleConfig& cfg = coin.bundle.config;
  cfg.symbol = symbol;
  cfg.recipe = nlohmann::json::parse(recipe.canonical(), nullptr, false);
  cfg.feature_hash = recipe.hash();
  cfg.data_start_ms = bars.ts_ms.front();
  cfg.data_end_ms = coin.data_end_ms;
  cfg.engines = fitted_ids;
  nlohmann::json folds = nlohmann::json::array();
  nlohmann::json fold_metrics = nlohmann::json::array();
  for (const auto& f : wf.folds) {
    nlohmann::json fj = {{"train", storage::SqlTimestamp(bars.ts_ms[f.fold.train_begin]) + "/" +
                                       storage::SqlTimestamp(bars.ts_ms[f.fold.train_end - 1] + tf)},
                         {"test", storage::SqlTimestamp(bars.ts_ms[f.fold.test_begin]) + "/" +
                                      storage::SqlTimestamp(bars.ts_ms[f.fold.test_end - 1] + tf)}};
    folds.push_back(fj);
    fj["combined"] = MetricsJson(f.combined.metrics);
    if (!f.fit_failures.empty()) fj["fit_failures"] = f.fit_failures;
    fold_metrics.push_back(fj);
  }
  const auto& w = wfc;
  cfg.extra = {{"run_id", ctx.run_id},
               {"recipe_name", recipe.name()},
               {"data_file", std::filesystem::path(inputs.path).filename().string()},
               {"reference_file", inputs.ref_path.empty()
                                      ? nlohmann::json(nullptr)
                                      : nlohmann::json(std::filesystem::path(inputs.ref_path).filename().string())},
               {"bars", n},
               {"final_train_window",
                storage::SqlTimestamp(bars.ts_ms[train_begin]) + "/" + storage::SqlTimestamp(coin.data_end_ms)},
               {"walk_forward",
                {{"train_bars", w.train_bars},
                 {"test_bars", w.test_bars},
                 {"min_folds", w.min_folds},
                 {"history_days", config.history_days},
                 {"folds", folds}}},
               {"round_trip_cost_bps", rt},
               {"costs", costs::CostConfigToJson(fo.backtest.pipeline.costs)},
               {"quality_repairs", repairs},
               {"fit_failures", fitted.failures},
               {"seed", config.seed}};
  nlohmann::json per_engine = nlohmann::json::object();
  for (const auto& [id, m] : wf.engines) per_engine[id] = MetricsJson(m);
  // The combined metrics plus a bootstrap band for their net bps per trade, over the OOS trades.
  nlohmann::json combined = MetricsJson(wf.combined);
  std::vector<double> oos_net;
  oos_net.reserve(wf.trades.size());
  for (const auto& t : wf.trades) oos_net.push_back(t.net_bps);
  combined["net_bps_per_trade_band"] = backtest::MeanBandToJson(backtest::BootstrapMeanBand(oos_net));
  coin.bundle.metrics = {{"window", window},
                         {"combined", combined},
                         {"engines", per_engine},
                         {"folds", fold_metrics},
                         {"rejections", wf.rejections},
                         {"closest_engine", backtest::ClosestSideJson(wf.folds.back().signals)}};
  coin.oos = ToSummary(wf.combined, oos_days, window);
  coin.contributors = EngineContributions(combiner, fitted_ids, wf.engines);
  coin.features_used = frame.names;

  // The champion, re-evaluated as a fixed model on the challenger's OOS span.
  ChampionEvaluator evaluate = [&](const registry::ModelBundle& b,
                                   const std::string& model_id) -> Result<registry::ModelMetricsSummary> {
    // The champion's own costs are not used: both models are judged under this run's costs.
    HURACAN_ASSIGN_OR_RETURN(registry::LoadedModel champ,
                             registry::BindModel(b, model_id, model_id + "/", recipe, frame.names));
    backtest::BacktestOptions bo = fo.backtest;
    bo.pipeline.regime = champ.regime;
    bo.pipeline.meta_state = champ.meta_state;
    HURACAN_ASSIGN_OR_RETURN(backtest::BacktestResult r,
                             backtest::RunBacktestOnFrame(bars, frame, champ.ptrs(), decision::PipelineMode::kCombined,
                                                          bo, oos_begin, oos_end));
    return ToSummary(r.metrics, static_cast<double>(oos_end - oos_begin) / static_cast<double>(per_day), window);
  };

  // 7-9. Archive, promotion, database.
  return WithContext(PublishCoin(std::move(coin), ctx, evaluate, &times), symbol);
}

}  // namespace huracan::training
