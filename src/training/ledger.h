// The resume ledger of a training run: one row per (run_id, symbol) with its status, attempt
// count, start/finish times and last error. A rerun with the same run id skips `done` symbols.
// The durable implementation lives on the project database (sql_ledger.h); the in-memory one
// serves unit tests of the scheduler.
//
// Claims: before a symbol is trained, the invocation that runs it claims it (Claim), so that two
// invocations of one run id never train the same symbol at the same time. A claim names its
// owner (MakeClaimOwner: host:pid:random) and a lease end; the owner renews its leases while it
// runs (RenewClaims). A claim whose lease ended (its owner died) can be taken over; a `done` symbol
// is never claimed again.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "core/status.h"

namespace huracan::training {

enum class LedgerStatus : uint8_t { kPending, kRunning, kDone, kFailed, kTimeout };
// kClaimed: the caller holds the symbol now; kDone: it is done (never claimed again); kBusy:
// another owner holds a lease that has not ended.
enum class ClaimResult : uint8_t { kClaimed, kDone, kBusy };

const char* LedgerStatusName(LedgerStatus s);
std::optional<LedgerStatus> ParseLedgerStatus(std::string_view s);

struct LedgerEntry {
  std::string run_id;
  std::string symbol;
  LedgerStatus status = LedgerStatus::kPending;
  int attempts = 0;              // every attempt ever started for this run id (all invocations)
  int64_t started_at_ms = 0;     // start of the latest attempt, epoch ms UTC (0 = never)
  int64_t finished_at_ms = 0;    // end of the latest attempt (0 = not finished)
  std::string error;             // last failure or timeout reason; empty when done
  std::string claim_owner;       // the invocation holding (or last holding) the symbol; empty = none
  int64_t claim_expires_ms = 0;  // end of its lease, epoch ms UTC (0 = none)
};

// A claim owner id unique across machines and time: "host:pid:8 random hex digits".
std::string MakeClaimOwner();

class RunLedger {
 public:
  virtual ~RunLedger() = default;
  // Adds a `pending` row for each symbol that has no row yet for this run; existing rows are kept.
  virtual Status Enroll(const std::string& run_id, const std::vector<std::string>& symbols) = 0;
  virtual Result<std::vector<LedgerEntry>> Entries(const std::string& run_id) = 0;
  // running, attempts + 1, started_at = at. A `done` row is left untouched.
  virtual Status MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) = 0;
  // done / failed / timeout with finished_at = at. Never downgrades a `done` row (a worker may
  // have committed `done` together with its rows and died before telling the scheduler).
  virtual Status MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status, int64_t at_ms,
                              const std::string& error) = 0;
  // Claims `symbol` for `owner` with a lease until at + lease_ms (the row is created when
  // missing). Succeeds when the row is not done and has no owner, is already `owner`'s, or its
  // lease ended at or before `at`. Atomic: of two owners claiming at once, one gets kBusy.
  virtual Result<ClaimResult> Claim(const std::string& run_id, const std::string& symbol, const std::string& owner,
                                    int64_t at_ms, int64_t lease_ms) = 0;
  // Extends every lease `owner` holds on unfinished symbols of this run to at + lease_ms.
  virtual Status RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms, int64_t lease_ms) = 0;
  // Gives up `owner`'s claims on the unfinished symbols of this run (a `done` row keeps its owner).
  virtual Status ReleaseClaims(const std::string& run_id, const std::string& owner) = 0;
};

// Entry for `symbol` in `entries`, or nullptr.
const LedgerEntry* FindEntry(const std::vector<LedgerEntry>& entries, std::string_view symbol);

class MemoryRunLedger final : public RunLedger {
 public:
  Status Enroll(const std::string& run_id, const std::vector<std::string>& symbols) override;
  Result<std::vector<LedgerEntry>> Entries(const std::string& run_id) override;
  Status MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) override;
  Status MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status, int64_t at_ms,
                      const std::string& error) override;
  Result<ClaimResult> Claim(const std::string& run_id, const std::string& symbol, const std::string& owner,
                            int64_t at_ms, int64_t lease_ms) override;
  Status RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms, int64_t lease_ms) override;
  Status ReleaseClaims(const std::string& run_id, const std::string& owner) override;

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, LedgerEntry> rows_;
};

// Another ledger whose calls are retried on transient failures (retryable() or retry_higher_up():
// a lost database connection, a server restarting, a busy database) with exponential backoff,
// sleeping on `clock`. The scheduler's ledger, so that a database restart does not end the run.
// RenewClaims is tried once: the next heartbeat renews again.
class RetryingLedger final : public RunLedger {
 public:
  RetryingLedger(RunLedger* inner, RetryPolicy policy, const Clock* clock)
      : inner_(inner), policy_(policy), clock_(clock) {}

  Status Enroll(const std::string& run_id, const std::vector<std::string>& symbols) override;
  Result<std::vector<LedgerEntry>> Entries(const std::string& run_id) override;
  Status MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) override;
  Status MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status, int64_t at_ms,
                      const std::string& error) override;
  Result<ClaimResult> Claim(const std::string& run_id, const std::string& symbol, const std::string& owner,
                            int64_t at_ms, int64_t lease_ms) override;
  Status RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms, int64_t lease_ms) override;
  Status ReleaseClaims(const std::string& run_id, const std::string& owner) override;

  int retries_made() const { return retries_made_; }

 private:
  template <typename F>
  auto Retry(F&& call) -> decltype(call());

  RunLedger* inner_;
  RetryPolicy policy_;
  const Clock* clock_;
  int retries_made_ = 0;
};

}  // namespace huracan::training
