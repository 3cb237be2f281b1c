// `huracan train`: resolves the symbols, shards them, runs the scheduler over worker processes
// (`huracan train-worker`, which runs the per-coin pipeline), then writes the daily summary.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/time_units.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "training/coin_pipeline.h"
#include "training/scheduler.h"
#include "training/shard.h"

namespace huracan::training {

struct TrainOptions {
  std::string data_dir = "data/sample";
  std::string symbols = "all";  // all | topN | A,B
  std::string archive = "./archive";
  std::string db;  // empty: storage::DefaultDatabaseUrl() ($DATABASE_URL, else ./huracan.db)
  SchedulerMode mode = SchedulerMode::kParallel;
  int max_concurrent = 0;       // 0: the number of cores
  double timeout_minutes = 30;  // per symbol; 0 = no limit
  int retries = 1;
  int64_t backoff_base_ms = 2000;
  int64_t backoff_cap_ms = kMsPerMinute;
  std::string run_id;                  // empty: the UTC date YYYYMMDD
  double claim_lease_seconds = 120;    // a symbol's claim lasts this long unless renewed
  double claim_heartbeat_seconds = 0;  // renewal interval; 0: a quarter of the lease
  Shard shard;
  bool shard_steal = true;      // with a shard: steal other shards' symbols after its own (StealOrder)
  int threads = 0;              // threads per worker; 0: cores / concurrent workers (at least 1)
  std::string self_exe;         // the huracan binary that runs the workers
  std::string engines;          // comma list of engine ids; empty = all
  std::string promotion_rules;  // JSON file of registry::PromotionRules; empty = defaults
  int history_days = 0;         // 0 = CoinPipelineConfig's default
  std::string costs;            // costs.preset (a preset name or a file), passed on to the workers
  std::string config_file;      // the config file the workers read too (docs/CONFIG.md); empty = none
  CoinPipelineConfig pipeline;

  std::string DbUrl() const;
  // Applies engines / promotion_rules / history_days to `pipeline` (reads the rules file).
  Status ResolvePipeline();
};

struct TrainRunResult {
  RunReport report;
  std::string summary_key;   // summaries/daily/DATE.json
  std::string summary_date;  // YYYY-MM-DD
  std::string summary_text;
  int summary_symbols = 0;  // symbols of the run id in the ledger (every shard)
  int summary_done = 0;     // of which done
  int exit_code = 0;        // 0 all symbols done; 1 some failed or timed out
};

Result<TrainRunResult> RunTraining(const TrainOptions& opts, const Clock& clock);

// Builds the run's daily summary from the database (ledger + models rows of every shard) and
// writes summaries/daily/DATE.json; fills the summary fields of `out`. `started_ms` dates a run id
// that is not a YYYYMMDD date.
Status WriteRunSummary(storage::Database& db, storage::ObjectStore& store, const std::string& run_id,
                       int64_t started_ms, const Clock& clock, TrainRunResult* out);

// `huracan summary --rebuild`: the summary of run `opts.run_id` (default today's) from
// `opts.db` into `opts.archive`, without training; what a cluster's job after the shards runs.
// exit_code 0 when every symbol of the run is done, 1 otherwise; NotFound when the ledger has
// no symbol of the run.
Result<TrainRunResult> RebuildRunSummary(const TrainOptions& opts, const Clock& clock);

// The worker side: trains `symbols` one after the other, reporting on stdout (worker_protocol.h).
// Returns an error only when it cannot start (database, archive or data folder unusable).
Status RunTrainWorker(const TrainOptions& opts, const std::vector<std::string>& symbols, const Clock& clock);

// The default run id: the UTC date of `now_ms` as YYYYMMDD.
std::string DefaultRunId(int64_t now_ms);

}  // namespace huracan::training
