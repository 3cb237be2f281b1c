// The training scheduler: runs the per-coin pipeline for many symbols in worker PROCESSES, so a
// stuck symbol can really be stopped (SIGKILL of the worker's process group at the deadline).
//
// Modes:
//   sequential: one worker process per symbol, one at a time;
//   parallel:   one worker process per symbol, up to max_concurrent at once;
//   hybrid:     one worker process per batch of 8-16 symbols, up to max_concurrent batches at once.
// A worker is `argv... --symbols A,B,...`; it reports on stdout with the worker protocol
// (worker_protocol.h). The per-symbol deadline starts when the worker is launched (first symbol)
// or when it reports the end of its previous symbol. On a timeout the worker is killed, the
// symbol is marked `timeout`, and the batch's unstarted symbols go to a new worker.
// Failed and timed-out symbols are retried up to `retries` times with exponential backoff.
// Before a job is launched, each of its symbols is claimed in the ledger (ledger.h) under
// `claim_owner`; the loop renews the leases every `heartbeat_ms` and releases them at the end. A
// symbol another owner holds waits (no attempt counted) and is tried again every heartbeat until
// it is done (counted as skipped: done elsewhere) or its lease has ended (taken over).
// Work stealing: Run's `steal` list holds symbols of other shards. Whenever a slot is free and no
// job of its own is ready, the run claims the next of them that is neither done nor held under a
// live lease and trains it in a worker of its own (one symbol per worker); those it cannot claim
// (or that the ledger, read once per steal, shows done or held) are passed over for good. The
// claim keeps every symbol trained once: the owner later finds a stolen symbol held (it waits,
// looking again every second instead of every heartbeat) or done.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "training/backoff.h"
#include "training/ledger.h"
#include "training/progress.h"

namespace huracan::training {

enum class SchedulerMode : uint8_t { kSequential, kParallel, kHybrid };
const char* SchedulerModeName(SchedulerMode m);
Result<SchedulerMode> ParseSchedulerMode(std::string_view s);

struct SchedulerOptions {
  SchedulerMode mode = SchedulerMode::kSequential;
  int max_concurrent = 2;  // parallel / hybrid: worker processes at once
  int64_t timeout_ms = 0;  // per symbol; 0 = no limit
  RetryPolicy retry;
  int batch_min = 8;  // hybrid batch size bounds
  int batch_max = 16;
  std::string claim_owner;          // empty: MakeClaimOwner()
  int64_t claim_lease_ms = 120000;  // a claim lasts this long unless renewed
  int64_t heartbeat_ms = 0;         // renewal interval; 0: claim_lease_ms / 4

  Status Validate() const;
};

// The worker command line, without the trailing `--symbols A,B` that the scheduler appends.
struct WorkerCommand {
  std::vector<std::string> argv;
};

struct SymbolOutcome {
  std::string symbol;
  LedgerStatus status = LedgerStatus::kPending;  // done / failed / timeout
  bool skipped = false;     // done by another invocation (before this one, or while this one waited for its claim)
  int attempts = 0;         // attempts made by this invocation
  int timeouts = 0;         // of which timed out
  std::string error;        // last error (failed / timeout)
  std::string result_json;  // the worker's `done` payload
  double seconds = 0;       // wall time of the last attempt
  bool stolen = false;      // another shard's symbol, claimed and trained here by work stealing
};

struct RunReport {
  std::string run_id;
  std::vector<SymbolOutcome> symbols;  // in the order given to Run, then the stolen ones
  double seconds = 0;
  int count(LedgerStatus s) const;
  int skipped() const;
  int stolen() const;
  bool all_done() const;
};

// Hybrid batch size for n symbols over `workers` workers: clamp(ceil(n / workers), min, max).
int HybridBatchSize(int n, int workers, int batch_min, int batch_max);
// Splits the symbols into the jobs of a mode (one symbol per job, or hybrid batches).
std::vector<std::vector<std::string>> MakeJobs(const std::vector<std::string>& symbols, const SchedulerOptions& opts);

class Scheduler {
 public:
  Scheduler(SchedulerOptions opts, WorkerCommand cmd, RunLedger* ledger, const Clock* clock, ProgressSink* progress)
      : opts_(std::move(opts)), cmd_(std::move(cmd)), ledger_(ledger), clock_(clock), progress_(progress) {}

  // Enrolls the symbols in the ledger, skips those already done, runs the rest. Errors are
  // returned only for the scheduler's own failures (ledger unreachable, cannot fork); symbol
  // failures are outcomes. `steal`: symbols of other shards to steal once this run's own work
  // leaves a slot free (StealOrder); they are not enrolled, and appear in the report only when stolen.
  Result<RunReport> Run(const std::string& run_id, const std::vector<std::string>& symbols,
                        const std::vector<std::string>& steal = {});

 private:
  SchedulerOptions opts_;
  WorkerCommand cmd_;
  RunLedger* ledger_;
  const Clock* clock_;
  ProgressSink* progress_;
};

}  // namespace huracan::training
