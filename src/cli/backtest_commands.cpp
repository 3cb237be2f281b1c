// huracan backtest: fit the engines on the first N days, evaluate each alone and combined on the rest;
// with --fee-sweep, one fit evaluated at several fees; with --model, a stored bundle frozen on
// [--from, --to) instead; with --signals, a signal file's rows instead of engines.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "backtest/inputs.h"
#include "backtest/signal_file.h"
#include "backtest/signals.h"
#include "backtest/walk_forward.h"
#include "cli/command.h"
#include "core/json.h"
#include "core/strings.h"
#include "core/time_units.h"
#include "costs/cost_presets.h"
#include "data/timestamps.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "registry/loader.h"
#include "storage/object_store.h"
#include "training/out_of_time.h"

namespace huracan::cli {
namespace {

using nlohmann::ordered_json;

// `notional` (quote currency per trade) turns the bps into the quote-currency fields: fees = every
// cost of the round trip (exchange fees with funding, spread, slippage), net_pnl = gross - fees.
// `with_tag`: signal-file backtests add the row's tag.
ordered_json TradeJson(const backtest::Trade& t, double notional, bool with_tag = false) {
  ordered_json j;
  j["symbol"] = t.symbol;
  j["direction"] = DirectionName(t.direction);
  j["signal_ts"] = t.signal_ts_ms;
  j["entry_ts"] = t.entry_ts_ms;
  j["exit_ts"] = t.exit_ts_ms;
  j["entry_price"] = JsonNumber<ordered_json>(t.entry_price);
  j["exit_price"] = JsonNumber<ordered_json>(t.exit_price);
  j["horizon_minutes"] = t.horizon_minutes;
  j["exit_reason"] = t.exit_reason;
  j["engines"] = t.engines;
  j["gross_bps"] = JsonNumber<ordered_json>(t.gross_bps);
  j["fees_bps"] = JsonNumber<ordered_json>(t.fees_bps);
  j["spread_bps"] = JsonNumber<ordered_json>(t.spread_bps);
  j["slippage_bps"] = JsonNumber<ordered_json>(t.slippage_bps);
  j["funding_bps"] = JsonNumber<ordered_json>(t.funding_bps);
  j["net_bps"] = JsonNumber<ordered_json>(t.net_bps);
  j["side"] = t.direction == Direction::kBuy ? "long" : "short";
  j["entry"] = JsonNumber<ordered_json>(t.entry_price);
  j["exit"] = JsonNumber<ordered_json>(t.exit_price);
  j["fees"] = JsonNumber<ordered_json>(execution::TradeFeesQuote(t, notional));
  j["net_pnl"] = JsonNumber<ordered_json>(execution::TradeNetPnlQuote(t, notional));
  if (with_tag) j["tag"] = t.tag;
  return j;
}

// One line per engine, its side closest to break-even, closest engines first (docs/ENGINES.md).
void PrintSignalsText(const std::map<std::string, backtest::EngineSignals>& signals) {
  std::printf("signals on the test window before costs (closest to break-even first)\n");
  std::printf("%-22s %-3s %-5s %7s %9s %6s %7s %9s %9s %9s\n", "engine", "on", "side", "signals", "mean_fwd", "hit",
              "t", "shrunk", "cost", "be_fee");
  for (const std::string& id : backtest::SortedByGap(signals)) {
    const backtest::EngineSignals& e = signals.at(id);
    const bool long_closer = e.long_side.gap_bps() <= e.short_side.gap_bps();
    const backtest::SideSignals& s = long_closer ? e.long_side : e.short_side;
    if (s.signals == 0) {
      std::printf("%-22s %-3s %-5s %7d\n", id.c_str(), e.on ? "yes" : "no", "-", 0);
      continue;
    }
    // A side that no fee >= 0 would switch on has no break-even fee: "-", as null in the JSON.
    char be_fee[32] = "-";
    if (std::isfinite(s.break_even_fee_bps)) std::snprintf(be_fee, sizeof be_fee, "%.2f", s.break_even_fee_bps);
    std::printf("%-22s %-3s %-5s %7lld %9.2f %6.3f %7.2f %9.2f %9.2f %9s\n", id.c_str(), e.on ? "yes" : "no",
                long_closer ? "long" : "short", static_cast<long long>(s.signals), s.mean_fwd_bps, s.hit_rate, s.t_stat,
                s.shrunk_edge_bps, s.round_trip_cost_bps, be_fee);
  }
}

struct BacktestArgs {
  std::string data, ref, engines = "all", format = "json";
  std::string model;         // --model champion|BUNDLE_DIR: a frozen backtest
  std::string archive;       // archive.url, for --model champion
  std::string from, to;      // --from/--to (ISO-8601 UTC), frozen backtests
  bool costs_given = false;  // a costs setting was given (else a frozen backtest uses the bundle's)
  double train_days = 0;
  std::string recipe = "default";  // features.recipe
  costs::CostOverrides costs;      // the costs section
  std::string costs_name;          // --costs, read through the settings (costs.preset)
  std::string fee_sweep;           // --fee-sweep: per-side fees (bps), comma-separated
  std::string decisions_out;       // --decisions-out FILE: every bar's serialised Decision (--model)
  std::string signals;             // --signals FILE.csv: a signal file instead of engines
  // Exits of a --signals backtest (0: none) and whether exit signals act.
  double stop_bps = 0, take_profit_bps = 0;
  int64_t max_hold_bars = 0;
  bool exit_on_signal = true;
  std::optional<double> notional;  // --notional: quote currency per trade (default: costs.notional)
};

// --fee-sweep LIST: per-side fees in bps, each finite and >= 0, in the order given.
Result<std::vector<double>> ParseFeeLevels(const std::string& spec) {
  std::vector<double> levels;
  for (const std::string& item : SplitCommaList(spec)) {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !std::isfinite(v) || v < 0)
      return InvalidArgument("--fee-sweep: '" + item + "' is not a per-side fee in bps (a number >= 0)");
    levels.push_back(v);
  }
  if (levels.empty()) return InvalidArgument("--fee-sweep: no fee levels given (e.g. 0,1,2.5,5,7.5,10)");
  return levels;
}

// The costs of one sweep level: both fees set to the level, everything else as configured.
costs::CostConfig AtFee(costs::CostConfig c, double fee_bps) {
  c.taker_fee_bps = c.maker_fee_bps = fee_bps;
  return c;
}

// backtest --fee-sweep: one fit, at the lowest level (the most permissive gate), evaluated at every
// level. The engines stay as fitted; the pipeline's cost gate and the fills use each level's fees.
Result<int> RunFeeSweep(const data::BarSeries& bars, const features::FeatureFrame& frame,
                        const std::vector<std::string>& ids, const backtest::Fold& fold, backtest::FoldOptions opts,
                        const std::vector<double>& levels, const std::string& format) {
  const costs::CostConfig base = opts.backtest.pipeline.costs;
  const double fit_fee = *std::min_element(levels.begin(), levels.end());
  opts.backtest.pipeline.costs = AtFee(base, fit_fee);
  HURACAN_ASSIGN_OR_RETURN(backtest::FittedFold fit, backtest::FitFold(bars, frame, ids, fold, opts));
  for (const auto& [id, msg] : fit.fitted.failures)
    std::fprintf(stderr, "engine %s not fitted: %s\n", id.c_str(), msg.c_str());
  std::vector<backtest::FoldResult> runs;
  for (double fee : levels) {
    opts.backtest.pipeline.costs = AtFee(base, fee);
    HURACAN_ASSIGN_OR_RETURN(backtest::FoldResult fr,
                             backtest::EvaluateFold(bars, frame, fit, opts, runs.empty() ? nullptr : &runs.front()));
    runs.push_back(std::move(fr));
  }
  auto level_json = [](const backtest::BacktestResult& r) {
    ordered_json m = backtest::MetricsToJson(r.metrics);
    m["rejections"] = r.rejections;
    return m;
  };
  ordered_json out;
  out["symbol"] = bars.symbol;
  out["levels"] = levels;
  out["fit_fee_bps"] = fit_fee;
  ordered_json eng = ordered_json::object();
  for (const auto& id : ids) {
    if (runs.front().engines.count(id) == 0) continue;
    ordered_json per_level = ordered_json::array();
    for (const auto& fr : runs) per_level.push_back(level_json(fr.engines.at(id)));
    eng[id] = std::move(per_level);
  }
  out["engines"] = std::move(eng);
  ordered_json comb = ordered_json::array();
  for (const auto& fr : runs) comb.push_back(level_json(fr.combined));
  out["combined"] = std::move(comb);
  if (format == "json") {
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  std::printf("%s: fee sweep, one fit at %.2f bps/side, net bps per trade (trades) at each per-side fee\n",
              bars.symbol.c_str(), fit_fee);
  std::printf("%-22s", "engine");
  for (double fee : levels) std::printf(" %14.2f", fee);
  std::printf("\n");
  auto row = [&](const std::string& name, auto metrics_at) {
    std::printf("%-22s", name.c_str());
    for (size_t k = 0; k < runs.size(); ++k) {
      const backtest::Metrics& m = metrics_at(runs[k]);
      char cell[32] = "-";
      if (m.trades > 0)
        std::snprintf(cell, sizeof cell, "%.2f (%lld)", m.net_bps_per_trade, static_cast<long long>(m.trades));
      std::printf(" %14s", cell);
    }
    std::printf("\n");
  };
  for (const auto& id : ids)
    if (runs.front().engines.count(id))
      row(id, [&](const backtest::FoldResult& fr) -> const backtest::Metrics& { return fr.engines.at(id).metrics; });
  row("combined", [](const backtest::FoldResult& fr) -> const backtest::Metrics& { return fr.combined.metrics; });
  return kExitOk;
}

// The candle file and its reference (the choice printed on stderr), the recipe, and the features
// on the whole file. `check` (optional) vets the inputs first: its error is then the only line on
// stderr, and no features are built.
struct Prepared {
  backtest::BacktestInputs in;
  features::FeatureRecipe recipe;
  features::FeatureFrame frame;
};

Result<Prepared> Prepare(const BacktestArgs& a,
                         const std::function<Status(const backtest::BacktestInputs&)>& check = nullptr) {
  Prepared p;
  HURACAN_ASSIGN_OR_RETURN(p.in, backtest::LoadInputs(a.data, a.ref));
  if (check) HURACAN_RETURN_IF_ERROR(check(p.in));
  std::fprintf(stderr, "%s\n", p.in.note.c_str());
  for (const std::string& line : p.in.repairs) std::fprintf(stderr, "%s\n", line.c_str());
  HURACAN_ASSIGN_OR_RETURN(p.recipe, features::LoadRecipe(a.recipe));
  HURACAN_ASSIGN_OR_RETURN(p.frame, features::BuildFeatures(p.recipe, p.in.bars, p.in.ref ? &*p.in.ref : nullptr));
  return p;
}

Result<int> RunBacktestCommand(const BacktestArgs& a) {
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseEngineIds(a.engines));
  std::vector<double> levels;
  if (!a.fee_sweep.empty()) {
    HURACAN_ASSIGN_OR_RETURN(levels, ParseFeeLevels(a.fee_sweep));
  }
  HURACAN_ASSIGN_OR_RETURN(Prepared p, Prepare(a));
  const backtest::BacktestInputs& in = p.in;
  const data::BarSeries& bars = in.bars;
  const features::FeatureFrame& frame = p.frame;
  // Train on the first N days (default: the first half); the test starts after a purge gap equal to
  // the longest engine horizon, so no training label overlaps the test window.
  if (!(a.train_days >= 0)) return InvalidArgument("--train-days must be >= 0 (0 = the first half)");
  size_t train_end = bars.size() / 2;
  if (a.train_days > 0) {
    const int64_t cut = bars.ts_ms[0] + static_cast<int64_t>(a.train_days * static_cast<double>(kMsPerDay));
    train_end = 0;
    while (train_end < bars.size() && bars.ts_ms[train_end] < cut) ++train_end;
  }
  int horizon = 0;
  for (const auto& id : ids) horizon = std::max(horizon, engines::GetEngineInfo(id)->horizon_minutes);
  const int64_t tf = std::max<int64_t>(1, data::TimeframeMs(bars.timeframe.empty() ? "1m" : bars.timeframe));
  const size_t gap = static_cast<size_t>((int64_t{horizon} * kMsPerMinute + tf - 1) / tf);
  if (train_end < 1000 || train_end + gap + 100 > bars.size())
    return InvalidArgument(a.data + ": " + std::to_string(bars.size()) +
                           " bars leave no room for a training window of " + std::to_string(train_end) +
                           " bars (at least 1000) and a test window of at least " + std::to_string(gap + 100) +
                           " bars");
  backtest::Fold fold{0, train_end, train_end + gap, bars.size()};
  backtest::FoldOptions opts;
  opts.backtest.pipeline.symbol = bars.symbol;
  opts.backtest.pipeline.timeframe = bars.timeframe.empty() ? "1m" : bars.timeframe;
  opts.backtest.pipeline.costs = a.costs.ForSymbol(bars.symbol);
  if (!levels.empty()) return RunFeeSweep(bars, frame, ids, fold, opts, levels, a.format);
  HURACAN_ASSIGN_OR_RETURN(backtest::FoldResult fr, backtest::RunFold(bars, frame, ids, fold, opts));
  for (const auto& [id, msg] : fr.fit_failures)
    std::fprintf(stderr, "engine %s not fitted: %s\n", id.c_str(), msg.c_str());

  ordered_json out;
  out["symbol"] = bars.symbol;
  out["bars"] = bars.size();
  out["train"] = {{"begin_ts", bars.ts_ms[fold.train_begin]},
                  {"end_ts", bars.ts_ms[fold.train_end - 1]},
                  {"bars", fold.train_end - fold.train_begin}};
  out["test"] = {{"begin_ts", bars.ts_ms[fold.test_begin]},
                 {"end_ts", bars.ts_ms[fold.test_end - 1]},
                 {"bars", fold.test_end - fold.test_begin}};
  out["reference"] = in.ref_path;
  ordered_json eng = ordered_json::object();
  for (const auto& id : ids) {
    auto it = fr.engines.find(id);
    if (it == fr.engines.end()) continue;
    ordered_json m = backtest::MetricsToJson(it->second.metrics);
    m["rejections"] = it->second.rejections;
    eng[id] = std::move(m);
  }
  out["engines"] = std::move(eng);
  out["combined"] = backtest::MetricsToJson(fr.combined.metrics);
  out["rejections"] = fr.combined.rejections;
  ordered_json trades = ordered_json::array();
  for (const auto& t : fr.combined.trades) trades.push_back(TradeJson(t, opts.backtest.pipeline.costs.notional));
  out["trades"] = std::move(trades);
  out["regime"] = ordered_json::parse(fr.regime.Save());
  ordered_json sig = ordered_json::object();
  for (const auto& id : ids) {
    auto it = fr.signals.find(id);
    if (it != fr.signals.end()) sig[id] = backtest::EngineSignalsToJson(it->second);
  }
  out["signals"] = std::move(sig);
  if (a.format == "json") {
    std::cout << out.dump() << "\n";
  } else {
    std::printf("%s: %zu bars, test %zu bars\n", bars.symbol.c_str(), bars.size(), fold.test_end - fold.test_begin);
    std::printf("%-22s %7s %8s %10s %9s %9s\n", "engine", "trades", "hit", "net/trade", "sharpe", "psr");
    auto row = [](const std::string& id, const backtest::Metrics& m) {
      std::printf("%-22s %7lld %8.3f %10.2f %9.2f %9.3f\n", id.c_str(), static_cast<long long>(m.trades), m.hit_rate,
                  m.net_bps_per_trade, m.net_sharpe, m.psr);
    };
    for (const auto& [id, r] : fr.engines) row(id, r.metrics);
    row("combined", fr.combined.metrics);
    PrintSignalsText(fr.signals);
  }
  return kExitOk;
}

Result<std::optional<int64_t>> ParseTimeFlag(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::optional<int64_t>();
  std::optional<int64_t> ms = data::ParseIsoUtc(text);
  if (!ms) return InvalidArgument(flag + " '" + text + "': expected an ISO-8601 UTC time (YYYY-MM-DD[THH:MM[:SS]][Z])");
  return ms;
}

// --model: the bundle, frozen, on [--from, --to) of the file; features on the whole file.
Result<int> RunFrozenCommand(const BacktestArgs& a) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<int64_t> from, ParseTimeFlag("--from", a.from));
  HURACAN_ASSIGN_OR_RETURN(std::optional<int64_t> to, ParseTimeFlag("--to", a.to));
  HURACAN_ASSIGN_OR_RETURN(Prepared p, Prepare(a));
  const backtest::BacktestInputs& in = p.in;
  const data::BarSeries& bars = in.bars;
  const features::FeatureRecipe& recipe = p.recipe;
  const features::FeatureFrame& frame = p.frame;
  registry::LoadedModel model;
  if (a.model == "champion") {
    HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(a.archive));
    HURACAN_ASSIGN_OR_RETURN(model, registry::LoadChampionModel(*store, bars.symbol, recipe, frame.names));
  } else {
    HURACAN_ASSIGN_OR_RETURN(model, registry::LoadModelDir(a.model, recipe, frame.names));
  }
  for (const auto& w : model.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (model.bundle.config.symbol != bars.symbol)
    std::fprintf(stderr, "warning: model %s was trained on %s, the data is %s\n", model.model_id.c_str(),
                 model.bundle.config.symbol.c_str(), bars.symbol.c_str());
  const costs::CostConfig cc = a.costs_given ? a.costs.ForSymbol(bars.symbol) : model.costs;
  HURACAN_ASSIGN_OR_RETURN_CTX(training::RowSpan span, training::SpanOfTimes(bars.ts_ms, from, to), a.data);
  HURACAN_ASSIGN_OR_RETURN(backtest::BacktestResult r,
                           training::RunFrozenBacktest(bars, frame, model, cc, span, !a.decisions_out.empty()));
  if (!a.decisions_out.empty()) {
    std::ofstream dout(a.decisions_out, std::ios::binary | std::ios::trunc);
    for (const auto& d : r.decisions) dout << d.Serialize() << '\n';
    if (!dout.flush()) return Internal("--decisions-out: cannot write " + a.decisions_out);
  }

  ordered_json out;
  out["symbol"] = bars.symbol;
  out["model_id"] = model.model_id;
  out["bundle"] = model.where;
  out["bars"] = bars.size();
  out["test"] = {
      {"begin_ts", bars.ts_ms[span.begin]}, {"end_ts", bars.ts_ms[span.end - 1]}, {"bars", span.end - span.begin}};
  out["reference"] = in.ref_path;
  out["engines"] = model.bundle.config.engines;
  out["costs_source"] = a.costs_given ? "settings" : "bundle";
  out["costs"] = costs::CostConfigToJson(cc);
  out["combined"] = backtest::MetricsToJson(r.metrics);
  out["rejections"] = r.rejections;
  ordered_json trades = ordered_json::array();
  for (const auto& t : r.trades) trades.push_back(TradeJson(t, cc.notional));
  out["trades"] = std::move(trades);
  out["regime"] = ordered_json::parse(model.regime.Save());
  if (a.format == "json") {
    std::cout << out.dump() << "\n";
  } else {
    const backtest::Metrics& m = r.metrics;
    std::printf("%s: model %s (frozen, costs from the %s), test %zu bars\n", bars.symbol.c_str(),
                model.model_id.c_str(), a.costs_given ? "settings" : "bundle", span.end - span.begin);
    std::printf("%-22s %7s %8s %10s %9s %9s\n", "run", "trades", "hit", "net/trade", "sharpe", "psr");
    std::printf("%-22s %7lld %8.3f %10.2f %9.2f %9.3f\n", "combined", static_cast<long long>(m.trades), m.hit_rate,
                m.net_bps_per_trade, m.net_sharpe, m.psr);
  }
  return kExitOk;
}

// --signals: the file's rows through the pipeline's signals mode and the one executor, on every
// bar of --data (no fitting, no warm-up, no regime gate); features only for the cost inputs.
Result<int> RunSignalsCommand(const BacktestArgs& a) {
  if (!(a.stop_bps >= 0) || !(a.take_profit_bps >= 0) || a.max_hold_bars < 0)
    return InvalidArgument("--stop-bps, --take-profit-bps and --max-hold-bars must be >= 0 (0: none)");
  if (a.notional && !(*a.notional > 0)) return InvalidArgument("--notional must be > 0");
  // The signal file is read against the bars before anything else is printed or built.
  decision::SignalTable table;
  HURACAN_ASSIGN_OR_RETURN(Prepared p, Prepare(a, [&](const backtest::BacktestInputs& in) -> Status {
                             HURACAN_ASSIGN_OR_RETURN(table, backtest::ReadSignalFile(a.signals, in.bars.ts_ms));
                             return Status::Ok();
                           }));
  const data::BarSeries& bars = p.in.bars;
  backtest::BacktestOptions opts;
  opts.pipeline.symbol = bars.symbol;
  opts.pipeline.timeframe = bars.timeframe.empty() ? "1m" : bars.timeframe;
  opts.pipeline.costs = a.costs.ForSymbol(bars.symbol);
  if (a.notional) opts.pipeline.costs.notional = *a.notional;
  opts.pipeline.signals = std::make_shared<const decision::SignalTable>(std::move(table));
  opts.fixed_exits = execution::FixedExits{.on = true,
                                           .stop_bps = a.stop_bps,
                                           .take_profit_bps = a.take_profit_bps,
                                           .max_hold_bars = a.max_hold_bars,
                                           .exit_on_signal = a.exit_on_signal};
  HURACAN_ASSIGN_OR_RETURN(
      backtest::BacktestResult r,
      backtest::RunBacktestOnFrame(bars, p.frame, {}, decision::PipelineMode::kSignals, opts, 0, bars.size()));
  const costs::CostConfig& cc = opts.pipeline.costs;
  ordered_json out;
  out["symbol"] = bars.symbol;
  out["signals"] = a.signals;
  out["bars"] = bars.size();
  out["test"] = {{"begin_ts", bars.ts_ms.front()}, {"end_ts", bars.ts_ms.back()}, {"bars", bars.size()}};
  out["reference"] = p.in.ref_path;
  out["exits"] = {{"stop_bps", a.stop_bps},
                  {"take_profit_bps", a.take_profit_bps},
                  {"max_hold_bars", a.max_hold_bars},
                  {"exit_on_signal", a.exit_on_signal}};
  out["costs"] = costs::CostConfigToJson(cc);
  out["combined"] = backtest::MetricsToJson(r.metrics);
  out["rejections"] = r.rejections;
  ordered_json trades = ordered_json::array();
  for (const auto& t : r.trades) trades.push_back(TradeJson(t, cc.notional, /*with_tag=*/true));
  out["trades"] = std::move(trades);
  if (a.format == "json") {
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  const backtest::Metrics& m = r.metrics;
  std::printf("%s: signals %s, %zu bars\n", bars.symbol.c_str(), a.signals.c_str(), bars.size());
  std::printf("%-22s %7s %8s %10s %9s %9s\n", "run", "trades", "hit", "net/trade", "sharpe", "psr");
  std::printf("%-22s %7lld %8.3f %10.2f %9.2f %9.3f\n", "signals", static_cast<long long>(m.trades), m.hit_rate,
              m.net_bps_per_trade, m.net_sharpe, m.psr);
  return kExitOk;
}

}  // namespace

bool AnyCostsGiven(const config::Settings& s) {
  for (const auto& d : config::Declarations())
    if (d.key.starts_with("costs.") && s.Given(d.key)) return true;
  return false;
}

Result<std::vector<std::string>> ParseEngineIds(const std::string& spec) {
  if (spec.empty() || spec == "all") return engines::AllEngineIds();
  std::vector<std::string> ids = SplitCommaList(spec);
  for (const std::string& id : ids) HURACAN_RETURN_IF_ERROR(engines::GetEngineInfo(id));
  if (ids.empty()) return InvalidArgument("--engines: no engine ids given");
  return ids;
}

void RegisterBacktestCommands(CLI::App& app, Action* out) {
  auto args = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "backtest", "Fit engines on the first N days and evaluate them on the rest (--model: a stored bundle, frozen)");
  cmd->add_option("--data", args->data, "Candle file (Parquet)")->required();
  cmd->add_option("--ref", args->ref, "Reference (BTC) candle file; default: a BTC file beside --data");
  cmd->add_option("--engines", args->engines, "all, or a comma-separated list of engine ids");
  cmd->add_option("--costs", args->costs_name,
                  "Costs: a preset (huracan costs list) or a JSON file (default: default)");
  cmd->add_option("--fee-sweep", args->fee_sweep,
                  "Per-side fees in bps (e.g. 0,1,2.5,5,7.5,10): fit once, report the net at each fee");
  cmd->add_option("--train-days", args->train_days, "Days used for fitting (default: the first half)");
  cmd->add_option("--model", args->model,
                  "champion (the symbol's champion in --archive) or a bundle folder: backtest it frozen, no fitting");
  cmd->add_option("--archive", args->archive, "Archive folder for --model champion (default ./archive)");
  cmd->add_option("--from", args->from, "With --model: first bar evaluated (ISO-8601 UTC; default: the first)");
  cmd->add_option("--to", args->to, "With --model: end of the evaluation, exclusive (ISO-8601 UTC; default: the end)");
  cmd->add_option("--decisions-out", args->decisions_out,
                  "With --model: write every bar's serialised Decision to this file, one per line");
  cmd->add_option("--signals", args->signals,
                  "A signal file (CSV: timestamp_ms,enter_long,exit_long,enter_short,exit_short[,tag]) instead of "
                  "engines");
  cmd->add_option("--stop-bps", args->stop_bps, "With --signals: stop this many bps from the entry (default: none)");
  cmd->add_option("--take-profit-bps", args->take_profit_bps,
                  "With --signals: take-profit this many bps from the entry (default: none)");
  cmd->add_option("--max-hold-bars", args->max_hold_bars,
                  "With --signals: exit at the open this many bars after the entry (default: none)");
  cmd->add_option("--exit-on-signal", args->exit_on_signal,
                  "With --signals: true (default) or false (exit_long/exit_short ignored)");
  cmd->add_option("--notional", args->notional, "With --signals: quote currency per trade (default: costs.notional)");
  cmd->add_option("--format", args->format, "json (default) or text")->check(CLI::IsMember({"json", "text"}));
  cmd->callback([args, out] {
    *out = [args]() -> Result<int> {
      const config::Settings& s = ActiveSettings();
      BacktestArgs a = *args;
      a.engines = s.EnginesSpec().empty() ? "all" : s.EnginesSpec();
      a.recipe = s.String("features.recipe");
      HURACAN_ASSIGN_OR_RETURN(a.costs, s.Costs());
      const bool exit_flags = args->stop_bps != 0 || args->take_profit_bps != 0 || args->max_hold_bars != 0 ||
                              !args->exit_on_signal || args->notional.has_value();
      if (!a.signals.empty()) {
        if (!a.model.empty() || !a.fee_sweep.empty() || a.train_days != 0 || !a.from.empty() || !a.to.empty() ||
            !a.decisions_out.empty())
          return InvalidArgument(
              "--signals: a signal backtest takes no --model, --fee-sweep, --train-days, "
              "--from/--to or --decisions-out");
        return RunSignalsCommand(a);
      }
      if (exit_flags)
        return InvalidArgument(
            "--stop-bps, --take-profit-bps, --max-hold-bars, --exit-on-signal and --notional "
            "need --signals");
      if (!a.model.empty()) {
        if (a.train_days != 0) return InvalidArgument("--train-days: a --model backtest fits nothing");
        if (!a.fee_sweep.empty())
          return InvalidArgument("--fee-sweep: a --model backtest fits nothing (run it on a fitted backtest)");
        a.archive = s.String("archive.url");
        a.costs_given = AnyCostsGiven(s);
        return RunFrozenCommand(a);
      }
      if (!a.from.empty() || !a.to.empty()) return InvalidArgument("--from/--to need --model");
      if (!a.decisions_out.empty()) return InvalidArgument("--decisions-out needs --model");
      return RunBacktestCommand(a);
    };
  });
}

}  // namespace huracan::cli
