// `huracan mechanic`: the hourly fine-tune of every champion (docs/MECHANIC.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/clock.h"
#include "data/bar_series.h"
#include "registry/archive.h"
#include "training/mechanic.h"

namespace huracan::cli {
namespace {

struct MechanicArgs {
  training::MechanicOptions opts;
  bool once = false;
  std::string interval = "60m";
  std::string costs;  // read through the settings (costs.preset)
  std::string now;    // tests: a fixed clock
};

Result<int64_t> SpanMs(const std::string& text, const std::string& what) {
  const int64_t ms = data::TimeframeMs(text);
  if (ms <= 0) return InvalidArgument(what + " '" + text + "': expected a number and a unit (30m, 6h, 1d)");
  return ms;
}

// The settings (docs/CONFIG.md), which hold the flags given on the command line.
Status Resolve(const MechanicArgs& a, training::MechanicOptions* o) {
  const config::Settings& s = ActiveSettings();
  *o = a.opts;
  o->data_dir = s.String("data.dir");
  o->archive = s.String("archive.url");
  o->db = s.DatabaseUrl();
  o->promotion_rules = s.String("promotion.rules_file");
  if (o->promotion_rules.empty()) o->pipeline.rules = s.InlineRules();
  o->pipeline.recipe = s.String("features.recipe");
  o->pipeline.timeframe = s.String("data.timeframe");
  o->pipeline.reference_symbol = s.String("data.reference_symbol");
  HURACAN_ASSIGN_OR_RETURN(o->pipeline.costs, s.Costs());
  HURACAN_ASSIGN_OR_RETURN(o->cooloff_ms, SpanMs(s.String("mechanic.cooloff"), "mechanic.cooloff"));
  HURACAN_ASSIGN_OR_RETURN(o->flap_window_ms, SpanMs(s.String("mechanic.flap_window"), "mechanic.flap_window"));
  o->max_challengers = static_cast<size_t>(s.Int("mechanic.max_challengers"));
  o->extra_trees = static_cast<int>(s.Int("mechanic.extra_trees"));
  return Status::Ok();
}

}  // namespace

void RegisterMechanicCommands(CLI::App& app, Action* out) {
  auto a = std::make_shared<MechanicArgs>();
  CLI::App* cmd = app.add_subcommand("mechanic", "Hourly fine-tune of every champion: challengers, strict promotion");
  cmd->add_flag("--once", a->once, "Run one pass and exit");
  cmd->add_option("--interval", a->interval, "Pass every interval, at its boundaries on the clock (default 60m)");
  cmd->add_option("--data-dir", a->opts.data_dir, "Folder of candle files (default: setting data.dir)");
  cmd->add_option("--archive", a->opts.archive, "Archive folder or URL (default: setting archive.url)");
  cmd->add_option("--db", a->opts.db, "Database path or URL (default $DATABASE_URL, else ./huracan.db)");
  cmd->add_option("--symbols", a->opts.symbols, "all | topN | A,B among the symbols with a champion (default all)");
  cmd->add_option("--costs", a->costs, "Costs: a preset (huracan costs list) or a JSON file (default: costs.preset)");
  cmd->add_option("--promotion-rules", a->opts.promotion_rules, "JSON file of promotion rules (as huracan train)");
  cmd->add_option("--run-id", a->opts.run_id, "Ledger run id of the pass (default mech-YYYYMMDDTHH; only with --once)");
  cmd->add_option("--calib-days", a->opts.calib_days, "Days a fine-tune re-calibrates on (default 5)");
  cmd->add_option("--eval-days", a->opts.eval_days, "Most recent days the challenger is scored on (default 14)");
  cmd->add_option("--now", a->now, "Tests: the clock's time, e.g. 20260301T120000Z (only with --once)");
  cmd->callback([a, out] {
    *out = [a]() -> Result<int> {
      training::MechanicOptions opts;
      HURACAN_RETURN_IF_ERROR(Resolve(*a, &opts));
      HURACAN_ASSIGN_OR_RETURN(int64_t interval, SpanMs(a->interval, "--interval"));
      if (!a->once && (!opts.run_id.empty() || !a->now.empty()))
        return InvalidArgument("mechanic: --run-id and --now need --once");
      std::unique_ptr<Clock> clock;
      if (a->now.empty()) {
        clock = std::make_unique<WallClock>();
      } else {
        HURACAN_ASSIGN_OR_RETURN(int64_t now, registry::ParseArchiveTimestamp(a->now));
        clock = std::make_unique<SimulatedClock>(now);
      }
      for (;;) {
        HURACAN_ASSIGN_OR_RETURN(training::MechanicRun run, training::RunMechanicOnce(opts, *clock));
        std::printf("%s\n", run.ToJson().dump().c_str());
        std::fflush(stdout);
        if (a->once) return run.failed.empty() ? kExitOk : 1;
        clock->SleepUntilMs(training::NextBoundaryMs(clock->NowMs(), interval));
      }
    };
  });
}

}  // namespace huracan::cli
