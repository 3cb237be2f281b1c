#include "training/ledger.h"

namespace huracan::training {

const char* LedgerStatusName(LedgerStatus s) {
  switch (s) {
    case LedgerStatus::kPending: return "pending";
    case LedgerStatus::kRunning: return "running";
    case LedgerStatus::kDone: return "done";
    case LedgerStatus::kFailed: return "failed";
    case LedgerStatus::kTimeout: return "timeout";
  }
  return "?";
}

std::optional<LedgerStatus> ParseLedgerStatus(std::string_view s) {
  if (s == "pending") return LedgerStatus::kPending;
  if (s == "running") return LedgerStatus::kRunning;
  if (s == "done") return LedgerStatus::kDone;
  if (s == "failed") return LedgerStatus::kFailed;
  if (s == "timeout") return LedgerStatus::kTimeout;
  return std::nullopt;
}

const LedgerEntry* FindEntry(const std::vector<LedgerEntry>& entries, std::string_view symbol) {
  for (const auto& e : entries)
    if (e.symbol == symbol) return &e;
  return nullptr;
}

Status MemoryRunLedger::Enroll(const std::string& run_id, const std::vector<std::string>& symbols) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : symbols) {
    auto key = std::make_pair(run_id, s);
    if (rows_.count(key)) continue;
    LedgerEntry e;
    e.run_id = run_id;
    e.symbol = s;
    rows_[key] = e;
  }
  return Status::Ok();
}

Result<std::vector<LedgerEntry>> MemoryRunLedger::Entries(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LedgerEntry> out;
  for (const auto& [key, e] : rows_)
    if (key.first == run_id) out.push_back(e);
  return out;
}

Status MemoryRunLedger::MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = rows_[{run_id, symbol}];
  e.run_id = run_id;
  e.symbol = symbol;
  if (e.status == LedgerStatus::kDone) return Status::Ok();
  e.status = LedgerStatus::kRunning;
  e.attempts += 1;
  e.started_at_ms = at_ms;
  e.finished_at_ms = 0;
  return Status::Ok();
}

Status MemoryRunLedger::MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status,
                                     int64_t at_ms, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = rows_[{run_id, symbol}];
  e.run_id = run_id;
  e.symbol = symbol;
  if (e.status == LedgerStatus::kDone) return Status::Ok();
  e.status = status;
  e.finished_at_ms = at_ms;
  e.error = status == LedgerStatus::kDone ? "" : error;
  return Status::Ok();
}

}  // namespace huracan::training
