#include "training/train_run.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/fs.h"
#include "core/strings.h"
#include "core/time_units.h"
#include "costs/cost_presets.h"
#include "data/catalog.h"
#include "engines/registry.h"
#include "registry/archive.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"
#include "training/sql_ledger.h"
#include "training/summary.h"
#include "training/test_hooks.h"
#include "training/worker_protocol.h"

namespace huracan::training {

std::string TrainOptions::DbUrl() const { return db.empty() ? storage::DefaultDatabaseUrl() : db; }

Status TrainOptions::ResolvePipeline() {
  pipeline.engines = SplitCommaList(engines);
  for (const std::string& id : pipeline.engines) HURACAN_RETURN_IF_ERROR(engines::GetEngineInfo(id));
  if (!promotion_rules.empty()) {
    HURACAN_ASSIGN_OR_RETURN(std::string text, ReadFile(promotion_rules));
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return InvalidArgument(promotion_rules + ": not valid JSON");
    HURACAN_ASSIGN_OR_RETURN_CTX(pipeline.rules, registry::PromotionRules::FromJson(j), promotion_rules);
  }
  if (history_days < 0) return InvalidArgument("--history-days must be >= 0");
  if (history_days > 0) pipeline.history_days = history_days;
  return Status::Ok();
}

std::string DefaultRunId(int64_t now_ms) {
  std::string d = registry::FormatDate(now_ms);  // YYYY-MM-DD
  return d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
}

namespace {

// The scheduler's ledger calls: 0.25 + 0.5 + 1 + 2 + 4 + 5 x 5 s, about 33 s in all.
constexpr RetryPolicy kLedgerRetry{10, 250, 5 * kMsPerSecond};

int Cores() { return std::max(1u, std::thread::hardware_concurrency()); }

Status ValidateRunId(const std::string& id) {
  if (id.empty() || id.size() > 64) return InvalidArgument("--run-id must be 1-64 characters");
  for (char c : id) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return InvalidArgument("--run-id '" + id + "': only letters, digits, '-', '_' and '.' are allowed");
  }
  return Status::Ok();
}

}  // namespace

Result<TrainRunResult> RunTraining(const TrainOptions& opts, const Clock& clock) {
  const int64_t now = clock.NowMs();
  const std::string run_id = opts.run_id.empty() ? DefaultRunId(now) : opts.run_id;
  HURACAN_RETURN_IF_ERROR(ValidateRunId(run_id));
  if (opts.self_exe.empty()) return Internal("train: the path of the huracan binary is unknown");
  TrainOptions resolved = opts;
  HURACAN_RETURN_IF_ERROR(resolved.ResolvePipeline());
  HURACAN_ASSIGN_OR_RETURN(std::vector<data::CatalogEntry> entries,
                           data::ScanDataDir(opts.data_dir, opts.pipeline.timeframe));
  if (entries.empty())
    return NotFound(opts.data_dir + ": no " + opts.pipeline.timeframe + " candle files (BASE-QUOTE[-PERP]_" +
                    opts.pipeline.timeframe + "_*.parquet)");
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> selected,
                           data::SelectSymbols(entries, opts.symbols, opts.pipeline.timeframe));
  std::vector<std::string> symbols = FilterShard(selected, opts.shard);
  const std::vector<std::string> steal =
      opts.shard_steal ? StealOrder(selected, opts.shard) : std::vector<std::string>{};

  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(opts.DbUrl()));
  HURACAN_RETURN_IF_ERROR(storage::Migrate(*db));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(opts.archive));

  SchedulerOptions so;
  so.mode = opts.mode;
  so.max_concurrent = opts.max_concurrent > 0 ? opts.max_concurrent : Cores();
  so.timeout_ms = static_cast<int64_t>(opts.timeout_minutes * static_cast<double>(kMsPerMinute));
  so.retry.retries = opts.retries;
  so.retry.base_ms = opts.backoff_base_ms;
  so.retry.cap_ms = opts.backoff_cap_ms;
  so.claim_lease_ms = static_cast<int64_t>(opts.claim_lease_seconds * static_cast<double>(kMsPerSecond));
  so.heartbeat_ms = static_cast<int64_t>(opts.claim_heartbeat_seconds * static_cast<double>(kMsPerSecond));
  HURACAN_RETURN_IF_ERROR(so.Validate());
  const int concurrent = so.mode == SchedulerMode::kSequential ? 1 : so.max_concurrent;
  const int threads = opts.threads > 0 ? opts.threads : std::max(1, Cores() / concurrent);

  WorkerCommand cmd;
  cmd.argv = {opts.self_exe, "train-worker", "--run-id", run_id,       "--data-dir", opts.data_dir,
              "--archive",   opts.archive,   "--db",     opts.DbUrl(), "--threads",  std::to_string(threads)};
  if (!opts.engines.empty()) cmd.argv.insert(cmd.argv.end(), {"--engines", opts.engines});
  if (!opts.promotion_rules.empty()) cmd.argv.insert(cmd.argv.end(), {"--promotion-rules", opts.promotion_rules});
  if (opts.history_days > 0) cmd.argv.insert(cmd.argv.end(), {"--history-days", std::to_string(opts.history_days)});
  if (!opts.config_file.empty()) cmd.argv.insert(cmd.argv.end(), {"--config", opts.config_file});
  if (!opts.costs.empty() && opts.costs != costs::kDefaultCostsPreset)
    cmd.argv.insert(cmd.argv.end(), {"--costs", opts.costs});

  std::fprintf(stderr, "train: run %s, %zu of %zu symbols%s, mode %s x%d, %d thread(s) per worker, db %s, archive %s\n",
               run_id.c_str(), symbols.size(), selected.size(),
               opts.shard.is_whole()
                   ? ""
                   : (" (shard " + opts.shard.ToString() + (steal.empty() ? "" : ", then stealing") + ")").c_str(),
               SchedulerModeName(so.mode), concurrent, threads, db->Describe().c_str(), store->Describe().c_str());

  // XGBoost's OpenMP threads spin while waiting by default, which is ruinous when workers share
  // cores; the workers inherit this unless the caller chose otherwise.
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  SqlRunLedger sql_ledger(db.get());
  // A database restart mid-run (Postgres) costs retries, not the run: about 30 s of patience.
  RetryingLedger ledger(&sql_ledger, kLedgerRetry, &clock);
  ConsoleProgress progress = ConsoleProgress::ForStderr();
  Scheduler scheduler(so, cmd, &ledger, &clock, &progress);
  TrainRunResult out;
  HURACAN_ASSIGN_OR_RETURN(out.report, scheduler.Run(run_id, symbols, steal));

  HURACAN_RETURN_IF_ERROR(WriteRunSummary(*db, *store, run_id, now, clock, &out));
  out.exit_code = out.report.all_done() ? 0 : 1;
  return out;
}

Status WriteRunSummary(storage::Database& db, storage::ObjectStore& store, const std::string& run_id,
                       int64_t started_ms, const Clock& clock, TrainRunResult* out) {
  const std::string date = RunDate(run_id, started_ms);
  HURACAN_ASSIGN_OR_RETURN(DailySummary summary, BuildDailySummary(db, run_id, date, clock.NowMs()));
  HURACAN_RETURN_IF_ERROR(WriteDailySummary(store, summary));
  out->summary_key = registry::DailySummaryKey(date);
  out->summary_date = date;
  out->summary_text = FormatSummaryText(summary);
  out->summary_symbols = static_cast<int>(summary.symbols.size());
  out->summary_done = summary.count(LedgerStatus::kDone);
  return Status::Ok();
}

Result<TrainRunResult> RebuildRunSummary(const TrainOptions& opts, const Clock& clock) {
  const int64_t now = clock.NowMs();
  const std::string run_id = opts.run_id.empty() ? DefaultRunId(now) : opts.run_id;
  HURACAN_RETURN_IF_ERROR(ValidateRunId(run_id));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(opts.DbUrl()));
  HURACAN_RETURN_IF_ERROR(storage::Migrate(*db));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(opts.archive));
  TrainRunResult out;
  HURACAN_RETURN_IF_ERROR(WriteRunSummary(*db, *store, run_id, now, clock, &out));
  if (out.summary_symbols == 0) return NotFound("run " + run_id + ": no symbol in the ledger of " + db->Describe());
  out.exit_code = out.summary_done == out.summary_symbols ? 0 : 1;
  return out;
}

Status RunTrainWorker(const TrainOptions& given, const std::vector<std::string>& symbols, const Clock& clock) {
  TrainOptions opts = given;
  HURACAN_RETURN_IF_ERROR(opts.ResolvePipeline());
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(opts.DbUrl()));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(opts.archive));
  HURACAN_ASSIGN_OR_RETURN(std::vector<data::CatalogEntry> entries,
                           data::ScanDataDir(opts.data_dir, opts.pipeline.timeframe));
  PublishContext ctx;
  ctx.store = store.get();
  ctx.db = db.get();
  ctx.clock = &clock;
  ctx.run_id = opts.run_id;
  ctx.rules = opts.pipeline.rules;
  auto emit = [](const WorkerEvent& e) {
    std::string line = FormatWorkerEvent(e);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  };
  for (const std::string& symbol : symbols) {
    emit({WorkerEvent::Kind::kStart, symbol, ""});
    MaybeHang(symbol);
    MaybeSlow(symbol);
    Result<CoinOutcome> outcome = [&]() -> Result<CoinOutcome> {
      HURACAN_ASSIGN_OR_RETURN(
          CoinInputs in, ResolveCoinInputs(entries, symbol, opts.pipeline.timeframe, opts.pipeline.reference_symbol));
      try {
        return RunCoinPipeline(in, opts.pipeline, ctx);
      } catch (const std::exception& e) {
        return Internal(symbol + ": unexpected exception: " + e.what());
      }
    }();
    if (outcome.ok()) {
      emit({WorkerEvent::Kind::kDone, symbol, outcome->ToJson().dump()});
    } else {
      std::fprintf(stderr, "train-worker: %s\n", outcome.error().message.c_str());
      emit({WorkerEvent::Kind::kFailed, symbol, outcome.error().message});
    }
  }
  return Status::Ok();
}

}  // namespace huracan::training
