#include "training/mechanic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "backtest/backtester.h"
#include "backtest/walk_forward.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/sha256.h"
#include "costs/cost_presets.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "engines/model_engine.h"
#include "engines/rule_engine.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "meta/combiner.h"
#include "regime/classifier.h"
#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/challenger_set.h"
#include "registry/live_evidence.h"
#include "registry/loader.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"
#include "training/sql_ledger.h"
#include "training/stage_timer.h"
#include "training/test_hooks.h"

namespace huracan::training {

std::string MechanicOptions::DbUrl() const { return db.empty() ? storage::DefaultDatabaseUrl() : db; }

std::string MechanicOptions::Describe() const {
  return fmt::format("calib_days={};eval_days={};pipeline={}", calib_days, eval_days, pipeline.Describe());
}

std::string MechanicRunId(int64_t now_ms) {
  const std::string ts = registry::FormatArchiveTimestamp(now_ms);  // 20251108T020000Z
  return "mech-" + ts.substr(0, 11);
}

int64_t NextBoundaryMs(int64_t now_ms, int64_t interval_ms) {
  return (FloorDiv(now_ms, interval_ms) + 1) * interval_ms;
}

std::vector<std::pair<std::string, std::string>> MechanicGates(const registry::ChampionPointer& pointer,
                                                               const std::string& to_model_id, int64_t now_ms,
                                                               int64_t cooloff_ms, int64_t flap_window_ms) {
  std::vector<std::pair<std::string, std::string>> failed;
  const int64_t since = ParseSqlTimestamp(pointer.current.promoted_at);
  if (cooloff_ms > 0 && since > 0 && now_ms - since < cooloff_ms) {
    failed.emplace_back("cooloff", fmt::format("champion {} was promoted at {}, less than {} h ago; next flip from {}",
                                               pointer.current.model_id, pointer.current.promoted_at,
                                               JsonNumber(static_cast<double>(cooloff_ms) / kMsPerHour).dump(),
                                               storage::SqlTimestamp(since + cooloff_ms)));
  }
  // The champions in the order they were promoted, then the challenger; those promoted inside
  // the window, after the one that was champion when the window opened.
  std::vector<std::pair<std::string, int64_t>> seq;
  for (auto it = pointer.previous.rbegin(); it != pointer.previous.rend(); ++it)
    seq.emplace_back(it->model_id, ParseSqlTimestamp(it->promoted_at));
  seq.emplace_back(pointer.current.model_id, since);
  // A rollback takes the model rolled back from out of the history (and a promotion of a model
  // already there drops its older entry), so A -> B -> A after a rollback is rebuilt from
  // `rolled_back`: B was champion from its promotion until the rollback, when the model promoted
  // before it came back.
  if (!pointer.rolled_back.empty()) {
    const auto history = seq;
    for (const auto& r : pointer.rolled_back) {
      const int64_t up = ParseSqlTimestamp(r.promoted_at);
      const std::pair<std::string, int64_t>* back = nullptr;
      for (const auto& h : history)
        if (h.second < up && (!back || h.second > back->second)) back = &h;
      seq.emplace_back(r.model_id, up);
      if (back) seq.emplace_back(back->first, ParseSqlTimestamp(r.rolled_back_at));
    }
    std::stable_sort(seq.begin(), seq.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  }
  seq.emplace_back(to_model_id, now_ms);
  size_t first = 0;
  for (size_t i = 0; i < seq.size(); ++i)
    if (seq[i].second < now_ms - flap_window_ms) first = i;
  std::vector<std::string> path;
  for (size_t i = first; i < seq.size(); ++i) {
    const std::string& id = seq[i].first;
    if (!path.empty() && path.back() == id) continue;
    const auto seen = static_cast<size_t>(std::find(path.begin(), path.end(), id) - path.begin());
    path.push_back(id);
    if (seen + 1 < path.size()) {
      std::string chain;
      for (size_t k = seen; k < path.size(); ++k) chain += (chain.empty() ? "" : " -> ") + path[k];
      failed.emplace_back("flapping", fmt::format("the champion went {} within {} h; promotions stopped", chain,
                                                  JsonNumber(static_cast<double>(flap_window_ms) / kMsPerHour).dump()));
      break;
    }
  }
  return failed;
}

nlohmann::json MechanicRun::ToJson() const {
  return {{"run_id", run_id},
          {"symbols", symbols},
          {"challengers", challengers},
          {"already_done", already_done},
          {"promoted", promoted},
          {"refused", refused},
          {"skipped", skipped},
          {"failed", failed},
          {"alerts", alerts},
          {"symbol_seconds", per_symbol_seconds},
          {"seconds", JsonNumber(seconds)}};
}

namespace {

// The champion a challenger is tuned from.
struct Parent {
  registry::ChampionEntry entry;
  registry::ModelBundle bundle;
  std::vector<std::string> warnings;
  bool resumed = false;  // the champion an interrupted pass of this run already replaced
  // The champion the interrupted pass promoted by offering a stored challenger again (its bundle
  // carries the run id of the pass that tuned it): offered again, not tuned anew.
  std::optional<registry::ChampionEntry> reoffered;
};

std::string ExtraString(const registry::ModelBundle& b, const char* key) {
  const auto& x = b.config.extra;
  return x.contains(key) && x.at(key).is_string() ? x.at(key).get<std::string>() : "";
}

// The current champion, except after an interrupted pass of this run that already promoted its
// challenger (the pointer moved, the rows not committed): then the champion that challenger
// replaced, so the rerun judges the same model against the same champion. That challenger is a
// fine-tune of this run (its bundle's run id) or, when an earlier attempt of this run was cut short
// (`interrupted`), a stored challenger offered again: a champion that replaced its own parent and has
// no committed `promotion` row.
Result<Parent> ResolveParent(const storage::ObjectStore& store, storage::Database& db, const std::string& symbol,
                             const std::string& run_id, bool interrupted) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChampionPointer> pointer,
                           registry::ReadChampionPointer(store, symbol));
  if (!pointer) return NotFound(symbol + ": no champion");
  auto current = registry::ReadBundle(store, pointer->current.path, pointer->current.sha256);
  if (current.ok()) {
    const std::string parent_id = ExtraString(*current, "parent_id");
    const bool ours = ExtraString(*current, "run_id") == run_id;
    bool reoffered = false;
    if (!ours && interrupted && !pointer->previous.empty() && pointer->previous.front().model_id == parent_id) {
      HURACAN_ASSIGN_OR_RETURN(storage::SqlRows rows,
                               db.Query("SELECT COUNT(*) FROM promotions WHERE symbol = ? AND to_model_id = ? AND "
                                        "decision = 'promotion'",
                                        {symbol, pointer->current.model_id}));
      HURACAN_ASSIGN_OR_RETURN(int64_t committed, rows.rows.at(0).Int(0));
      reoffered = committed == 0;
    }
    for (const auto& e : pointer->previous) {
      if (!(ours || reoffered) || e.model_id != parent_id) continue;
      HURACAN_ASSIGN_OR_RETURN(registry::ModelBundle b, registry::ReadBundle(store, e.path, e.sha256));
      return Parent{e, std::move(b), {}, true, reoffered ? std::optional(pointer->current) : std::nullopt};
    }
  }
  HURACAN_ASSIGN_OR_RETURN(registry::LoadedChampion champ, registry::LoadChampion(store, symbol));
  return Parent{champ.entry, std::move(champ.bundle), champ.warnings, false, std::nullopt};
}

// The newest challenger the mechanic stored for `symbol` from `parent_id` (its `models` row, the
// newest first, then its bundle's config.json): its model id and the end of its data.
struct PreviousTune {
  std::string model_id;
  int64_t data_end_ms = 0;
  // Promoted (then rolled back), or refused by a gate whose answer can change without new data (the
  // cool-off, flapping, the live evidence): tuned again (the same inputs give the same bundle and
  // model id) and judged again.
  bool gate_may_change = false;
};
Result<std::optional<PreviousTune>> NewestTuneFrom(storage::Database& db, const storage::ObjectStore& store,
                                                   const std::string& symbol, const std::string& parent_id) {
  HURACAN_ASSIGN_OR_RETURN(storage::SqlRows rows,
                           db.Query("SELECT model_id, params FROM models WHERE symbol = ? AND parent_id = ? "
                                    "ORDER BY created_at DESC, model_id DESC",
                                    {symbol, parent_id}));
  for (const auto& row : rows.rows) {
    auto model_id = row.String(0);
    auto params = row.String(1);
    if (!model_id.ok() || !params.ok()) continue;
    const nlohmann::json j = nlohmann::json::parse(*params, nullptr, false);
    if (!j.is_object() || !j.contains("challenger_path") || !j["challenger_path"].is_string()) continue;
    const std::string key = j["challenger_path"].get<std::string>() + registry::kConfigFile;
    auto text = store.Get(key);
    if (!text.ok()) continue;
    const nlohmann::json cj = nlohmann::json::parse(*text, nullptr, false);
    auto config = registry::BundleConfig::FromJson(cj, key);
    if (!config.ok() || !config->extra.contains("mechanic")) continue;  // a daily run's model
    // A promoted one that is no longer the champion was rolled back: the flapping gate answers.
    bool gate_may_change = j.value("promoted", false);
    if (j.contains("failed_rules") && j["failed_rules"].is_array())
      for (const auto& rule : j["failed_rules"])
        if (rule.is_string()) {
          const std::string r = rule.get<std::string>();
          gate_may_change = gate_may_change || r == "cooloff" || r == "flapping" || r.rfind("live_", 0) == 0;
        }
    return std::optional<PreviousTune>(PreviousTune{*model_id, config->data_end_ms, gate_may_change});
  }
  return std::optional<PreviousTune>();
}

struct Tuned {
  registry::LoadedModel model;             // engines re-calibrated, regime and meta state refitted
  std::vector<std::string> kept;           // engines left as the champion had them (no re-calibration, no trees)
  std::map<std::string, int> trees_added;  // warm-started engines: the trees each one got
  std::vector<EngineContribution> contributors;
};

// Binds a fresh copy of the champion and fine-tunes it on rows [begin, end): `extra_trees` more
// trees on each booster, the engines' edges and confidences, the regime thresholds, and the meta
// weights from the engines' trades.
Result<Tuned> FineTune(const Parent& parent, const features::FeatureRecipe& recipe, const data::BarSeries& bars,
                       const features::FeatureFrame& frame, const std::vector<double>& qv, size_t begin, size_t end,
                       const backtest::FoldOptions& fo, const CoinPipelineConfig& cfg, int extra_trees) {
  const std::string& id = parent.entry.model_id;
  Tuned t;
  HURACAN_ASSIGN_OR_RETURN(t.model, registry::BindModel(parent.bundle, id, id + "/", recipe, frame.names));
  HURACAN_ASSIGN_OR_RETURN(t.model.regime,
                           regime::CalibrateRegime(frame, qv, begin, end, fo.backtest.pipeline.symbol, fo.regime));
  engines::TrainWindow w;
  w.bars = &bars;
  w.features = &frame;
  w.begin = begin;
  w.end = end;
  w.round_trip_cost_bps = backtest::TypicalRoundTripBps(bars, frame, begin, end, fo.backtest.pipeline.costs);
  w.seed = cfg.seed;
  w.nthread = cfg.nthread;
  std::vector<std::string> ids;
  for (auto& e : t.model.engines) {
    ids.emplace_back(e->id());
    HURACAN_ASSIGN_OR_RETURN_CTX(const int trees, e->WarmStart(w, extra_trees), id);
    if (trees > 0) t.trees_added[std::string(e->id())] = trees;
    if (auto* rule = dynamic_cast<engines::RuleEngine*>(e.get())) {
      HURACAN_RETURN_IF_ERROR_CTX(rule->Recalibrate(w), id);
    } else if (auto* model = dynamic_cast<engines::ScoreModelEngine*>(e.get())) {
      HURACAN_RETURN_IF_ERROR_CTX(model->Recalibrate(w), id);
    } else if (trees == 0) {
      t.kept.emplace_back(e->id());  // no re-calibration for this kind: kept as the champion had it
    }
  }
  // Meta weights: each engine's trades on the window, alone, replayed in time order.
  HURACAN_ASSIGN_OR_RETURN(meta::MetaCombiner combiner, meta::MetaCombiner::Create(fo.backtest.pipeline.meta, ids));
  backtest::BacktestOptions bo = fo.backtest;
  bo.pipeline.regime = t.model.regime;
  std::vector<std::tuple<int64_t, std::string, double>> outcomes;
  std::map<std::string, backtest::Metrics> alone;
  for (auto& e : t.model.engines) {
    if (!e->active()) continue;
    HURACAN_ASSIGN_OR_RETURN(
        backtest::BacktestResult r,
        backtest::RunBacktestOnFrame(bars, frame, {e.get()}, decision::PipelineMode::kSingleEngine, bo, begin, end));
    for (const auto& tr : r.trades) outcomes.emplace_back(tr.exit_ts_ms, std::string(e->id()), tr.net_bps);
    alone[std::string(e->id())] = r.metrics;
  }
  std::sort(outcomes.begin(), outcomes.end());
  for (const auto& [ts, eid, net] : outcomes) combiner.RecordOutcome(eid, net);
  t.model.meta_state = combiner.Save();
  t.contributors = EngineContributions(combiner, ids, alone);
  return t;
}

// The newest challenger of `champion_id` in the coin's set whose shadow trades beside it pass the
// live-evidence gates; nullopt when the gates are off or none passes.
Result<std::optional<registry::ChallengerEntry>> ShadowTradedChallenger(const storage::ObjectStore& store,
                                                                        storage::Database& db,
                                                                        const std::string& symbol,
                                                                        const std::string& champion_id,
                                                                        const registry::PromotionRules& rules) {
  std::optional<registry::ChallengerEntry> none;
  if (rules.live_min_trades <= 0) return none;
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChallengerSet> set, registry::ReadChallengerSet(store, symbol));
  if (!set) return none;
  for (const auto& e : set->challengers) {
    if (e.parent_id != champion_id) continue;
    HURACAN_ASSIGN_OR_RETURN(registry::LiveEvidence ev, registry::ReadLiveEvidence(db, symbol, e.model_id, 0));
    if (registry::DecideLiveEvidence(ev, rules).pass) return std::optional<registry::ChallengerEntry>(e);
  }
  return none;
}

// Everything one symbol's pass needs that does not change between symbols.
struct PassContext {
  const MechanicOptions* opts = nullptr;
  const std::vector<data::CatalogEntry>* entries = nullptr;
  PublishContext publish;
  int64_t now_ms = 0;
};

// Tunes and publishes one symbol. When nothing changed since the newest challenger tuned from the
// same champion (the same last closed bar), nothing is tuned or written: `skipped` is set instead.
// `interrupted`: an earlier attempt of this run at this symbol was cut short (its ledger row).
Result<CoinOutcome> TuneSymbol(const std::string& symbol, const PassContext& pc, bool interrupted,
                               nlohmann::json& skipped) {
  const MechanicOptions& opts = *pc.opts;
  const CoinPipelineConfig& cfg = opts.pipeline;
  storage::ObjectStore& store = *pc.publish.store;
  StageTimes times;
  times.Begin("load_quality");
  HURACAN_ASSIGN_OR_RETURN(Parent parent, ResolveParent(store, *pc.publish.db, symbol, pc.publish.run_id, interrupted));
  HURACAN_ASSIGN_OR_RETURN(CoinInputs in, ResolveCoinInputs(*pc.entries, symbol, cfg.timeframe, cfg.reference_symbol));
  std::vector<std::string> repairs;
  HURACAN_ASSIGN_OR_RETURN(CheckedCoinBars loaded, LoadCheckedCoin(in, cfg.timeframe, cfg.quality, &repairs));
  data::BarSeries bars = std::move(loaded.bars);
  std::optional<data::BarSeries> ref = std::move(loaded.ref);
  MaybeCrashAt("after_load", symbol);
  // Only closed bars: those that end at or before now.
  const int64_t tf = std::max<int64_t>(1, data::TimeframeMs(bars.timeframe));
  bars = bars.slice(0, FirstAtOrAfter(bars.ts_ms, pc.now_ms - tf + 1));
  // With the live gates on, a challenger of this champion whose shadow trades pass them is offered
  // again, its stored bundle as it is, instead of a new fine-tune (a new model has no shadow trades
  // and could never pass them). The one an interrupted attempt already promoted is offered again
  // from its copy under models/ (it has left the set).
  std::optional<registry::ChallengerEntry> shadowed;
  if (parent.reoffered) {
    shadowed.emplace();
    shadowed->model_id = parent.reoffered->model_id;
    shadowed->path = parent.reoffered->path;
    shadowed->sha256 = parent.reoffered->sha256;
    shadowed->parent_id = parent.entry.model_id;
  } else {
    HURACAN_ASSIGN_OR_RETURN(
        shadowed, ShadowTradedChallenger(store, *pc.publish.db, symbol, parent.entry.model_id, pc.publish.rules));
  }
  // Nothing new (the same last closed bar as the newest challenger tuned from this champion, refused
  // by rules that only new data can change): no second fine-tune of the same data.
  if (!bars.empty() && !parent.resumed && !shadowed) {
    HURACAN_ASSIGN_OR_RETURN(std::optional<PreviousTune> previous,
                             NewestTuneFrom(*pc.publish.db, store, symbol, parent.entry.model_id));
    const int64_t data_end = bars.ts_ms.back() + tf;
    if (previous && previous->data_end_ms == data_end && !previous->gate_may_change) {
      skipped = {{"symbol", symbol},
                 {"reason", "unchanged"},
                 {"model_id", previous->model_id},
                 {"parent_id", parent.entry.model_id},
                 {"data_end", data::FormatIsoUtc(data_end)}};
      return CoinOutcome{};
    }
  }
  const size_t per_day = static_cast<size_t>(kMsPerDay / tf);
  const size_t calib = static_cast<size_t>(opts.calib_days) * per_day;
  const size_t eval = static_cast<size_t>(opts.eval_days) * per_day;
  const size_t warmup = static_cast<size_t>(cfg.warmup_bars);
  if (bars.size() < warmup + calib + eval)
    return FailedPrecondition(fmt::format("{}: {} closed bars, a fine-tune needs {} (warm-up + {} + {} days)", symbol,
                                          bars.size(), warmup + calib + eval, opts.calib_days, opts.eval_days));
  bars = bars.slice(bars.size() - (warmup + calib + eval), bars.size());
  if (ref && !ref->empty())
    ref = ref->slice(FirstAtOrAfter(ref->ts_ms, bars.ts_ms.front()), FirstAtOrAfter(ref->ts_ms, bars.ts_ms.back() + 1));
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(cfg.recipe));

  times.Begin("features");
  features::BatchOptions batch;
  batch.threads = std::max(1, cfg.nthread);
  HURACAN_ASSIGN_OR_RETURN(features::FeatureFrame frame,
                           features::BuildFeatures(recipe, bars, ref ? &*ref : nullptr, batch));
  const size_t n = bars.size();
  std::vector<double> qv(n);
  for (size_t i = 0; i < n; ++i) qv[i] = bars.close[i] * bars.volume[i];
  backtest::FoldOptions fo;
  fo.backtest.pipeline.symbol = symbol;
  fo.backtest.pipeline.timeframe = bars.timeframe;
  fo.backtest.pipeline.costs = cfg.costs.ForSymbol(symbol);

  const size_t eval_begin = n - eval;
  const std::string window =
      storage::SqlTimestamp(bars.ts_ms[eval_begin]) + "/" + storage::SqlTimestamp(bars.ts_ms[n - 1] + tf);
  const double eval_days = static_cast<double>(eval) / static_cast<double>(per_day);
  auto run_on_window = [&](const registry::LoadedModel& m) -> Result<backtest::BacktestResult> {
    backtest::BacktestOptions bo = fo.backtest;
    bo.pipeline.regime = m.regime;
    bo.pipeline.meta_state = m.meta_state;
    return backtest::RunBacktestOnFrame(bars, frame, m.ptrs(), decision::PipelineMode::kCombined, bo, eval_begin, n);
  };
  // The champion, as it is, on the scoring window.
  ChampionEvaluator evaluate = [&](const registry::ModelBundle& b,
                                   const std::string& model_id) -> Result<registry::ModelMetricsSummary> {
    HURACAN_ASSIGN_OR_RETURN(registry::LoadedModel champ,
                             registry::BindModel(b, model_id, model_id + "/", recipe, frame.names));
    HURACAN_ASSIGN_OR_RETURN(backtest::BacktestResult r, run_on_window(champ));
    return ToSummary(r.metrics, eval_days, window);
  };
  // A challenger offered again (above) is published even when no new bar has closed.
  if (shadowed) {
    HURACAN_ASSIGN_OR_RETURN(registry::ModelBundle b, registry::ReadBundle(store, shadowed->path, shadowed->sha256));
    TrainedCoin again;
    again.symbol = symbol;
    again.data_end_ms = b.config.data_end_ms;
    again.training_key = ExtraString(b, "training_key");
    again.features_used = frame.names;
    again.bundle = std::move(b);
    auto out = PublishCoin(std::move(again), pc.publish, evaluate, &times);
    if (out.ok()) out->warnings.insert(out->warnings.end(), parent.warnings.begin(), parent.warnings.end());
    return out;
  }

  // Scored: tuned on the days before the scoring window, run on the window.
  times.Begin("score");
  HURACAN_ASSIGN_OR_RETURN(Tuned scored, FineTune(parent, recipe, bars, frame, qv, eval_begin - calib, eval_begin, fo,
                                                  cfg, opts.extra_trees));
  HURACAN_ASSIGN_OR_RETURN(backtest::BacktestResult scored_run, run_on_window(scored.model));
  MaybeCrashAt("after_score", symbol);

  // Stored: tuned on the newest days.
  times.Begin("final_tune");
  HURACAN_ASSIGN_OR_RETURN(Tuned final_tune,
                           FineTune(parent, recipe, bars, frame, qv, n - calib, n, fo, cfg, opts.extra_trees));
  MaybeCrashAt("after_tune", symbol);
  // The warm start shapes the challenger only where a booster took trees: other champions keep the
  // key (and the bundle) they had without it.
  const std::string warm_start =
      final_tune.trees_added.empty() && scored.trees_added.empty()
          ? ""
          : "\nextra_trees=" + std::to_string(opts.extra_trees) + ":" + nlohmann::json(final_tune.trees_added).dump();
  TrainedCoin coin;
  coin.symbol = symbol;
  coin.data_end_ms = bars.ts_ms.back() + tf;
  coin.training_key =
      Sha256Hex("huracan-mechanic/v1\n" + pc.publish.run_id + "\n" + symbol + "\n" + parent.entry.model_id + "\n" +
                parent.entry.sha256 + "\n" + SeriesHash(bars) + "\n" + (ref ? SeriesHash(*ref) : "-") + "\n" +
                recipe.hash() + "\n" + opts.Describe() + warm_start + "\n" + HURACAN_VERSION);
  coin.oos = ToSummary(scored_run.metrics, eval_days, window);
  coin.contributors = final_tune.contributors;
  coin.features_used = frame.names;
  for (const auto& e : final_tune.model.engines)
    HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(std::string(e->id()), e->SaveParams()));
  HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(registry::kMetaSection, final_tune.model.meta_state));
  HURACAN_RETURN_IF_ERROR(coin.bundle.model.Add(registry::kRegimeSection, final_tune.model.regime.Save()));
  registry::BundleConfig& bc = coin.bundle.config;
  bc = parent.bundle.config;
  bc.data_start_ms = bars.ts_ms.front();
  bc.data_end_ms = coin.data_end_ms;
  bc.code_version = HURACAN_VERSION;
  bc.extra.erase("training_key");
  bc.extra.erase("model_id");
  bc.extra["run_id"] = pc.publish.run_id;
  bc.extra["parent_id"] = parent.entry.model_id;
  bc.extra["data_file"] = std::filesystem::path(in.path).filename().string();
  bc.extra["bars"] = n;
  bc.extra["costs"] = costs::CostConfigToJson(fo.backtest.pipeline.costs);
  bc.extra["quality_repairs"] = repairs;
  bc.extra["mechanic"] = {{"calibration_window", storage::SqlTimestamp(bars.ts_ms[n - calib]) + "/" +
                                                     storage::SqlTimestamp(coin.data_end_ms)},
                          {"scoring_calibration_window", storage::SqlTimestamp(bars.ts_ms[eval_begin - calib]) + "/" +
                                                             storage::SqlTimestamp(bars.ts_ms[eval_begin])},
                          {"scoring_window", window},
                          {"kept_engines", final_tune.kept},
                          {"warnings", parent.warnings}};
  if (!final_tune.trees_added.empty()) bc.extra["mechanic"]["extra_trees"] = final_tune.trees_added;
  coin.bundle.metrics = {{"window", window},
                         {"combined", backtest::MetricsToJson(scored_run.metrics)},
                         {"rejections", scored_run.rejections}};

  auto out = PublishCoin(std::move(coin), pc.publish, evaluate, &times);
  if (out.ok()) out->warnings.insert(out->warnings.end(), parent.warnings.begin(), parent.warnings.end());
  return out;
}

}  // namespace

Result<MechanicRun> RunMechanicOnce(const MechanicOptions& given, const Clock& clock) {
  const int64_t start = clock.MonotonicMs();
  MechanicOptions opts = given;
  if (opts.calib_days <= 0 || opts.eval_days <= 0)
    return InvalidArgument("mechanic: calib_days and eval_days must be > 0");
  if (!opts.promotion_rules.empty()) {
    HURACAN_ASSIGN_OR_RETURN(std::string text, ReadFile(opts.promotion_rules));
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return InvalidArgument(opts.promotion_rules + ": not valid JSON");
    HURACAN_ASSIGN_OR_RETURN_CTX(opts.pipeline.rules, registry::PromotionRules::FromJson(j), opts.promotion_rules);
  }
  const int64_t now = clock.NowMs();
  MechanicRun run;
  run.run_id = opts.run_id.empty() ? MechanicRunId(now) : opts.run_id;

  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(opts.DbUrl()));
  HURACAN_RETURN_IF_ERROR(storage::Migrate(*db));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(opts.archive));
  HURACAN_ASSIGN_OR_RETURN(std::vector<data::CatalogEntry> entries,
                           data::ScanDataDir(opts.data_dir, opts.pipeline.timeframe));
  registry::Archive archive(*store);
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> champions, archive.ListChampionSymbols());
  const std::set<std::string> with_champion(champions.begin(), champions.end());
  std::vector<data::CatalogEntry> candidates;
  for (const auto& e : entries)
    if (with_champion.count(e.symbol())) candidates.push_back(e);
  if (!candidates.empty()) {
    HURACAN_ASSIGN_OR_RETURN(run.symbols, data::SelectSymbols(candidates, opts.symbols, opts.pipeline.timeframe));
  }

  PassContext pc;
  pc.opts = &opts;
  pc.entries = &entries;
  pc.now_ms = now;
  pc.publish.store = store.get();
  pc.publish.db = db.get();
  pc.publish.clock = &clock;
  pc.publish.run_id = run.run_id;
  pc.publish.rules = opts.pipeline.rules;
  pc.publish.challenger_source = "mechanic";
  pc.publish.max_challengers = opts.max_challengers;
  pc.publish.gate = [&opts](const registry::ChampionPointer& p, const std::string& to, int64_t at) {
    return MechanicGates(p, to, at, opts.cooloff_ms, opts.flap_window_ms);
  };

  SqlRunLedger ledger(db.get());
  HURACAN_RETURN_IF_ERROR(ledger.Enroll(run.run_id, run.symbols));
  HURACAN_ASSIGN_OR_RETURN(std::vector<LedgerEntry> rows, ledger.Entries(run.run_id));
  for (const std::string& symbol : run.symbols) {
    const LedgerEntry* row = FindEntry(rows, symbol);
    if (row && row->status == LedgerStatus::kDone) {
      ++run.already_done;
      continue;
    }
    const bool interrupted = row && row->status != LedgerStatus::kPending;
    const int64_t t0 = clock.MonotonicMs();
    HURACAN_RETURN_IF_ERROR(ledger.MarkRunning(run.run_id, symbol, clock.NowMs()));
    nlohmann::json skipped;
    Result<CoinOutcome> outcome = [&]() -> Result<CoinOutcome> {
      try {
        return TuneSymbol(symbol, pc, interrupted, skipped);
      } catch (const std::exception& e) {
        return Internal(symbol + ": unexpected exception: " + e.what());
      }
    }();
    run.per_symbol_seconds[symbol] = JsonNumber(static_cast<double>(clock.MonotonicMs() - t0) / 1000.0);
    if (!outcome.ok()) {
      std::fprintf(stderr, "mechanic: %s\n", outcome.error().message.c_str());
      run.failed.push_back({{"symbol", symbol}, {"error", outcome.error().message}});
      HURACAN_RETURN_IF_ERROR(
          ledger.MarkFinished(run.run_id, symbol, LedgerStatus::kFailed, clock.NowMs(), outcome.error().message));
      continue;
    }
    if (!skipped.is_null()) {
      const std::string why = fmt::format(
          "challenger {} from champion {} already covers the bars up to {}", skipped["model_id"].get<std::string>(),
          skipped["parent_id"].get<std::string>(), skipped["data_end"].get<std::string>());
      std::fprintf(stderr, "mechanic: %s: skipped (unchanged): %s\n", symbol.c_str(), why.c_str());
      HURACAN_RETURN_IF_ERROR(ledger.MarkFinished(run.run_id, symbol, LedgerStatus::kDone, clock.NowMs(), ""));
      run.skipped.push_back(std::move(skipped));
      continue;
    }
    ++run.challengers;
    if (outcome->promoted) {
      run.promoted.push_back(symbol + ": " + outcome->model_id);
      continue;
    }
    run.refused.push_back({{"symbol", symbol},
                           {"model_id", outcome->model_id},
                           {"failed_rules", outcome->failed_rules},
                           {"reason", outcome->reason}});
    if (std::find(outcome->failed_rules.begin(), outcome->failed_rules.end(), "flapping") !=
        outcome->failed_rules.end()) {
      std::string alert = symbol + ": flapping: " + outcome->reason;
      std::fprintf(stderr, "mechanic: ALERT %s\n", alert.c_str());
      run.alerts.push_back(alert);
    }
  }
  run.seconds = static_cast<double>(clock.MonotonicMs() - start) / 1000.0;
  return run;
}

}  // namespace huracan::training
