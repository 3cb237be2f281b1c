// `huracan train`, the hidden `huracan train-worker` it runs per symbol batch, and `huracan summary`.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/live_control.h"
#include "config/apply.h"
#include "control/report.h"
#include "core/clock.h"
#include "core/strings.h"
#include "registry/archive.h"
#include "storage/object_store.h"
#include "training/summary.h"
#include "training/train_run.h"

namespace huracan::cli {
namespace {

std::string SelfExe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

// The daily summary push after a training run (docs/CONTROL.md, "Pushes"): only when
// TELEGRAM_TOKEN is set; Telegram being down never fails the run, the line below says so.
void PushSummary(const std::string& archive, const std::string& date) {
  if (!ActiveSettings().Get("telegram.token").set) return;
  std::string line;
  auto store = storage::OpenObjectStore(archive);
  auto summary = store.ok() ? training::ReadDailySummary(**store, date) : Result<training::DailySummary>(store.error());
  if (!summary.ok())
    line = "not pushed to Telegram: " + summary.error().message;
  else
    line = PushTextIfConfigured(ActiveSettings(), training::FormatSummaryText(*summary));
  if (!line.empty()) std::printf("summary: %s\n", OneLine(line).c_str());
  std::fflush(stdout);
}

// `huracan summary --rebuild [--run-id ID] [--db URL]`; --db reaches the settings (database.url).
struct RebuildArgs {
  bool on = false;
  std::string run_id;
  std::string db;
};

struct TrainArgs {
  training::TrainOptions opts;
  std::string mode = "parallel";
  std::string shard;
  bool no_steal = false;
  std::string worker_symbols;
};

void AddCommonOptions(CLI::App* cmd, TrainArgs* a) {
  cmd->add_option("--data-dir", a->opts.data_dir, "Folder of candle files (default: the embedded sample data/sample)");
  cmd->add_option("--archive", a->opts.archive, "Archive folder (object store root; default ./archive)");
  cmd->add_option("--db", a->opts.db, "Database path or URL (default $DATABASE_URL, else ./huracan.db)");
  cmd->add_option("--run-id", a->opts.run_id, "Run id keying the resume ledger (default: UTC date YYYYMMDD)");
  cmd->add_option("--engines", a->opts.engines, "Comma list of engine ids (default: all)");
  cmd->add_option("--promotion-rules", a->opts.promotion_rules,
                  "JSON file of promotion rules (min_trades, min_days, min_psr, min_dsr, max_drawdown, sharpe_margin, "
                  "min_first_net_sharpe)");
  cmd->add_option("--costs", a->opts.costs, "Costs: a preset (huracan costs list) or a JSON file (default: default)");
  cmd->add_option("--history-days", a->opts.history_days, "Days of recent history used per coin (default 36)");
}

}  // namespace

void RegisterTrainCommands(CLI::App& app, Action* out) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* train = app.add_subcommand("train", "Train every selected coin: walk-forward, bundles, promotion, summary");
  AddCommonOptions(train, args.get());
  train->add_option("--symbols", args->opts.symbols, "all | topN (most liquid) | A,B (default all)");
  train->add_option("--mode", args->mode, "sequential | parallel | hybrid (default parallel)");
  train->add_option("--max-concurrent", args->opts.max_concurrent,
                    "Worker processes at once in parallel/hybrid mode (default: number of cores)");
  train->add_option("--timeout-minutes", args->opts.timeout_minutes,
                    "Per-symbol limit; a stuck worker is killed (default 30; 0 = none)");
  train->add_option("--retries", args->opts.retries, "Extra attempts for a failed or timed-out symbol (default 1)");
  train->add_option("--shard", args->shard, "i/N: train only this machine's stable share of the symbols");
  train->add_flag("--no-steal", args->no_steal,
                  "With --shard: do not train other shards' symbols after this one's (training.shard_steal)");
  train->add_option("--threads", args->opts.threads, "Threads per worker (default: cores / concurrent workers)");
  train->add_option("--claim-lease-seconds", args->opts.claim_lease_seconds,
                    "Lease of a symbol's claim; a dead run's claims are taken over after it (default 120)");
  train->add_option("--claim-heartbeat-seconds", args->opts.claim_heartbeat_seconds,
                    "How often the claims are renewed (default 0: a quarter of the lease)");
  train->callback([args, out] {
    *out = [args]() -> Result<int> {
      training::TrainOptions opts = args->opts;
      HURACAN_RETURN_IF_ERROR(config::ApplyToTrainOptions(ActiveSettings(), &opts));
      if (!args->shard.empty()) {
        HURACAN_ASSIGN_OR_RETURN(opts.shard, training::ParseShard(args->shard));
      }
      if (args->no_steal) opts.shard_steal = false;
      if (opts.timeout_minutes < 0) return InvalidArgument("--timeout-minutes must be >= 0");
      opts.self_exe = SelfExe();
      WallClock clock;
      HURACAN_ASSIGN_OR_RETURN(training::TrainRunResult r, training::RunTraining(opts, clock));
      const auto& rep = r.report;
      std::printf("run %s: %zu symbols, %d done (%d already done before), %d failed, %d timed out\n",
                  rep.run_id.c_str(), rep.symbols.size(), rep.count(training::LedgerStatus::kDone), rep.skipped(),
                  rep.count(training::LedgerStatus::kFailed), rep.count(training::LedgerStatus::kTimeout));
      if (rep.stolen() > 0)
        std::printf("run %s: %d of these symbols stolen from other shards\n", rep.run_id.c_str(), rep.stolen());
      std::printf("summary: %s/%s (huracan summary --date %s --archive %s)\n", opts.archive.c_str(),
                  r.summary_key.c_str(), r.summary_date.c_str(), opts.archive.c_str());
      PushSummary(opts.archive, r.summary_date);
      return r.exit_code;
    };
  });

  CLI::App* worker = app.add_subcommand("train-worker", "Internal: trains symbols for `huracan train`");
  worker->group("");  // hidden
  AddCommonOptions(worker, args.get());
  worker->add_option("--symbols", args->worker_symbols, "Comma-separated symbol ids")->required();
  worker->add_option("--threads", args->opts.threads, "Threads for the engines");
  worker->callback([args, out] {
    *out = [args]() -> Result<int> {
      training::TrainOptions opts = args->opts;
      HURACAN_RETURN_IF_ERROR(config::ApplyToTrainOptions(ActiveSettings(), &opts));
      if (opts.run_id.empty()) return InvalidArgument("train-worker: --run-id is required");
      opts.pipeline.nthread = std::max(1, opts.threads);
      WallClock clock;
      HURACAN_RETURN_IF_ERROR(training::RunTrainWorker(opts, SplitCommaList(args->worker_symbols), clock));
      return kExitOk;
    };
  });

  auto date = std::make_shared<std::string>();
  auto archive = std::make_shared<std::string>("./archive");
  auto json = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>();
  auto rebuild = std::make_shared<RebuildArgs>();
  CLI::App* summary = app.add_subcommand("summary", "Print the daily training summary (the text the bot sends)");
  summary->add_option("--date", *date, "YYYY-MM-DD or YYYYMMDD (default: today, UTC)");
  summary->add_option("--archive", *archive, "Archive folder (default ./archive)");
  summary->add_option("--format", *format, "text | json | html (a page with charts; default text)")
      ->check(CLI::IsMember({"text", "json", "html"}));
  summary->add_flag("--json", *json, "Same as --format json");
  summary->add_flag("--rebuild", rebuild->on,
                    "First build the run's summary from the database (every shard's ledger) and write it");
  summary->add_option("--run-id", rebuild->run_id, "With --rebuild: the run id (default: UTC date YYYYMMDD)");
  summary->add_option("--db", rebuild->db, "With --rebuild: database path or URL (default $DATABASE_URL)");
  summary->callback([date, archive, json, format, rebuild, out] {
    *out = [date, archive, json, format, rebuild]() -> Result<int> {
      if (*json && !format->empty() && *format != "json")
        return InvalidArgument("summary: --json and --format " + *format + " contradict each other");
      if (!rebuild->on && !rebuild->run_id.empty()) return InvalidArgument("summary: --run-id needs --rebuild");
      if (rebuild->on && !date->empty()) return InvalidArgument("summary: --rebuild takes --run-id, not --date");
      const std::string fmt = *json ? "json" : format->empty() ? "text" : *format;
      WallClock clock;
      std::string d = date->empty() ? registry::FormatDate(clock.NowMs()) : *date;
      *archive = ActiveSettings().String("archive.url");
      int exit_code = kExitOk;
      if (rebuild->on) {
        training::TrainOptions opts;
        opts.run_id = rebuild->run_id;
        opts.archive = *archive;
        opts.db = ActiveSettings().DatabaseUrl();
        HURACAN_ASSIGN_OR_RETURN(training::TrainRunResult r, training::RebuildRunSummary(opts, clock));
        std::fprintf(stderr, "summary: %d of %d symbols done; wrote %s/%s\n", r.summary_done, r.summary_symbols,
                     opts.archive.c_str(), r.summary_key.c_str());
        d = r.summary_date;
        exit_code = r.exit_code;
      }
      HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(*archive));
      HURACAN_ASSIGN_OR_RETURN(training::DailySummary s, training::ReadDailySummary(*store, d));
      std::string text = fmt == "json"   ? s.ToJson().dump(2) + "\n"
                         : fmt == "html" ? control::RenderSummaryHtml(s, *store)
                                         : training::FormatSummaryText(s);
      std::fputs(text.c_str(), stdout);
      return exit_code;
    };
  });
}

}  // namespace huracan::cli
