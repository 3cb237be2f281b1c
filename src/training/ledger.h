// The resume ledger of a training run: one row per (run_id, symbol) with its status, attempt
// count, start/finish times and last error. A rerun with the same run id skips `done` symbols.
// The durable implementation lives on the project database (sql_ledger.h); the in-memory one
// serves unit tests of the scheduler.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::training {

enum class LedgerStatus : uint8_t { kPending, kRunning, kDone, kFailed, kTimeout };

const char* LedgerStatusName(LedgerStatus s);
std::optional<LedgerStatus> ParseLedgerStatus(std::string_view s);

struct LedgerEntry {
  std::string run_id;
  std::string symbol;
  LedgerStatus status = LedgerStatus::kPending;
  int attempts = 0;            // every attempt ever started for this run id (all invocations)
  int64_t started_at_ms = 0;   // start of the latest attempt, epoch ms UTC (0 = never)
  int64_t finished_at_ms = 0;  // end of the latest attempt (0 = not finished)
  std::string error;           // last failure or timeout reason; empty when done
};

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

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, LedgerEntry> rows_;
};

}  // namespace huracan::training
