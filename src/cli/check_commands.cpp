// huracan check lookahead|warmup: bias checks on the real DecisionPipeline; huracan check
// out-of-time: train before a split, backtest the frozen models after it.
#include <cstdio>
#include <iostream>
#include <thread>

#include "backtest/bias_checks.h"
#include "backtest/inputs.h"
#include "backtest/walk_forward.h"
#include "cli/command.h"
#include "config/apply.h"
#include "core/clock.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "training/out_of_time.h"

namespace huracan::cli {
namespace {

struct CheckArgs {
  std::string data, ref, engines = "all";
  size_t warmup_bars = 3000;
  std::string recipe = "default";  // features.recipe
  costs::CostOverrides costs;      // the costs section
  std::string costs_name;          // --costs, read through the settings (costs.preset)
};

// The settings (docs/CONFIG.md) the checks read: engines, recipe, costs.
Result<CheckArgs> WithSettings(CheckArgs a) {
  const config::Settings& s = ActiveSettings();
  a.engines = s.EnginesSpec().empty() ? "all" : s.EnginesSpec();
  a.recipe = s.String("features.recipe");
  HURACAN_ASSIGN_OR_RETURN(a.costs, s.Costs());
  return a;
}

// Fits the engines and calibrates the regime on the first half of the full series: every cut point
// and warm-up comparison lies after it, so the fit itself cannot carry information across a cut.
struct Setup {
  backtest::BacktestInputs in;
  features::FeatureRecipe recipe;
  backtest::FittedEngines fitted;
  regime::RegimeThresholds regime;
};

Result<std::unique_ptr<Setup>> Prepare(const CheckArgs& a) {
  auto s = std::make_unique<Setup>();
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseEngineIds(a.engines));
  HURACAN_ASSIGN_OR_RETURN(s->in, backtest::LoadInputs(a.data, a.ref));
  std::fprintf(stderr, "%s\n", s->in.note.c_str());
  HURACAN_ASSIGN_OR_RETURN(s->recipe, features::LoadRecipe(a.recipe));
  const data::BarSeries& bars = s->in.bars;
  if (bars.size() < 4000) return InvalidArgument(a.data + ": too few bars for the bias checks (need 4000)");
  HURACAN_ASSIGN_OR_RETURN(features::FeatureFrame frame,
                           features::BuildFeatures(s->recipe, bars, s->in.ref ? &*s->in.ref : nullptr));
  const size_t train_end = bars.size() / 2;
  std::vector<double> qv(bars.size());
  for (size_t i = 0; i < bars.size(); ++i) qv[i] = bars.close[i] * bars.volume[i];
  HURACAN_ASSIGN_OR_RETURN(s->regime, regime::CalibrateRegime(frame, qv, 0, train_end, bars.symbol));
  const costs::CostConfig cc = a.costs.ForSymbol(bars.symbol);
  HURACAN_ASSIGN_OR_RETURN(s->fitted,
                           backtest::FitEngines(ids, bars, frame, 0, train_end,
                                                backtest::TypicalRoundTripBps(bars, frame, 0, train_end, cc)));
  return s;
}

Result<int> RunLookahead(const CheckArgs& a) {
  HURACAN_ASSIGN_OR_RETURN(auto s, Prepare(a));
  backtest::RunnerConfig rc{&s->recipe, s->fitted.ptrs(), s->regime, /*streaming=*/false, /*meta_learning=*/true};
  auto batch = backtest::MakePipelineRunner(rc, a.costs);
  rc.streaming = true;
  auto stream = backtest::MakePipelineRunner(rc, a.costs);
  const data::BarSeries* ref = s->in.ref ? &*s->in.ref : nullptr;
  HURACAN_ASSIGN_OR_RETURN(backtest::BiasReport rep, backtest::CheckLookahead(s->in.bars, ref, batch, stream));
  std::cout << rep.ToString("lookahead " + s->in.bars.symbol + " (" + std::to_string(s->fitted.engines.size()) +
                            " engines; full run streaming, truncated runs batch)");
  return rep.passed ? kExitOk : kExitPartial;
}

Result<int> RunWarmup(const CheckArgs& a) {
  HURACAN_ASSIGN_OR_RETURN(auto s, Prepare(a));
  // Online meta learning is history by design, not an indicator warm-up: it is off here.
  backtest::RunnerConfig rc{&s->recipe, s->fitted.ptrs(), s->regime, /*streaming=*/true, /*meta_learning=*/false};
  const size_t n = s->in.bars.size();
  const std::vector<size_t> offsets = {0, n / 20, n / 10};
  const data::BarSeries* ref = s->in.ref ? &*s->in.ref : nullptr;
  HURACAN_ASSIGN_OR_RETURN(
      backtest::BiasReport rep,
      backtest::CheckWarmup(s->in.bars, ref, backtest::MakePipelineRunner(rc, a.costs), offsets, a.warmup_bars));
  std::cout << rep.ToString("warmup " + s->in.bars.symbol + " (warm-up " + std::to_string(a.warmup_bars) + " bars)");
  return rep.passed ? kExitOk : kExitPartial;
}

void AddCommon(CLI::App* c, CheckArgs& a) {
  c->add_option("--data", a.data, "Candle file (Parquet)")->required();
  c->add_option("--ref", a.ref, "Reference (BTC) candle file; default: a BTC file beside --data");
  c->add_option("--engines", a.engines, "all, or a comma-separated list of engine ids");
  c->add_option("--costs", a.costs_name, "Costs: a preset (huracan costs list) or a JSON file (default: default)");
}

struct OutOfTimeArgs {
  std::string data_dir, split, format = "text";
  std::string costs_name;  // --costs, read through the settings (costs.preset)
};

// Exit 0 when every coin was trained and backtested, 1 when some failed (named in the output).
// Whether coins land inside their band is the measurement, not a failure.
Result<int> RunOutOfTimeCheck(const OutOfTimeArgs& a) {
  training::TrainOptions t;
  HURACAN_RETURN_IF_ERROR(config::ApplyToTrainOptions(ActiveSettings(), &t));
  HURACAN_RETURN_IF_ERROR(t.ResolvePipeline());
  training::OutOfTimeOptions o;
  o.data_dir = t.data_dir;
  o.split = a.split;
  o.pipeline = t.pipeline;
  o.pipeline.nthread = std::max(1, t.threads > 0 ? t.threads : static_cast<int>(std::thread::hardware_concurrency()));
  WallClock clock;
  HURACAN_ASSIGN_OR_RETURN(training::OutOfTimeReport r, training::RunOutOfTime(o, clock));
  if (a.format == "json")
    std::cout << r.ToJson().dump() << "\n";
  else
    std::cout << r.FormatText();
  if (r.failed() == static_cast<int>(r.coins.size())) return Internal("out-of-time: every coin failed");
  return r.failed() > 0 ? kExitPartial : kExitOk;
}

}  // namespace

void RegisterCheckCommands(CLI::App& app, Action* out) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand("check", "Bias checks on the decision pipeline, and the out-of-time check");
  check->require_subcommand(1);
  CLI::App* look = check->add_subcommand("lookahead", "Rerun on truncated data: every past decision must be unchanged");
  AddCommon(look, *args);
  look->callback([args, out] {
    *out = [args]() -> Result<int> {
      HURACAN_ASSIGN_OR_RETURN(CheckArgs a, WithSettings(*args));
      return RunLookahead(a);
    };
  });
  CLI::App* warm = check->add_subcommand("warmup", "Start at several offsets: decisions must agree after the warm-up");
  AddCommon(warm, *args);
  warm->add_option("--warmup-bars", args->warmup_bars, "Bars after the latest start before comparing (default 3000)");
  warm->callback([args, out] {
    *out = [args]() -> Result<int> {
      HURACAN_ASSIGN_OR_RETURN(CheckArgs a, WithSettings(*args));
      return RunWarmup(a);
    };
  });
  auto oot = std::make_shared<OutOfTimeArgs>();
  CLI::App* ootc = check->add_subcommand(
      "out-of-time", "Train every coin before --split, backtest the frozen models after it, compare with the promise");
  ootc->add_option("--data-dir", oot->data_dir, "Folder of candle files (default: the embedded sample data/sample)");
  ootc->add_option("--split", oot->split, "YYYY-MM-DD (UTC): train before, evaluate from this day on")->required();
  ootc->add_option(
      "--costs", oot->costs_name,
      "Costs for training and evaluation: a preset (huracan costs list) or a JSON file (default: default)");
  ootc->add_option("--format", oot->format, "text (default) or json")->check(CLI::IsMember({"json", "text"}));
  ootc->callback([oot, out] { *out = [oot]() -> Result<int> { return RunOutOfTimeCheck(*oot); }; });
}

}  // namespace huracan::cli
