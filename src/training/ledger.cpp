#include "training/ledger.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <random>

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

std::string MakeClaimOwner() {
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0 || !host[0]) std::snprintf(host, sizeof(host), "unknown-host");
  std::random_device rd;
  return fmt::format("{}:{}:{:08x}", host, static_cast<long>(::getpid()), rd());
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

Result<ClaimResult> MemoryRunLedger::Claim(const std::string& run_id, const std::string& symbol,
                                           const std::string& owner, int64_t at_ms, int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = rows_[{run_id, symbol}];
  e.run_id = run_id;
  e.symbol = symbol;
  if (e.status == LedgerStatus::kDone) return ClaimResult::kDone;
  if (!e.claim_owner.empty() && e.claim_owner != owner && e.claim_expires_ms > at_ms) return ClaimResult::kBusy;
  e.claim_owner = owner;
  e.claim_expires_ms = at_ms + lease_ms;
  return ClaimResult::kClaimed;
}

Status MemoryRunLedger::RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms,
                                    int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, e] : rows_)
    if (key.first == run_id && e.claim_owner == owner && e.status != LedgerStatus::kDone)
      e.claim_expires_ms = at_ms + lease_ms;
  return Status::Ok();
}

Status MemoryRunLedger::ReleaseClaims(const std::string& run_id, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, e] : rows_) {
    if (key.first == run_id && e.claim_owner == owner && e.status != LedgerStatus::kDone) {
      e.claim_owner.clear();
      e.claim_expires_ms = 0;
    }
  }
  return Status::Ok();
}

template <typename F>
auto RetryingLedger::Retry(F&& call) -> decltype(call()) {
  for (int retry = 1;; ++retry) {
    auto r = call();
    if (r.ok() || retry > policy_.retries) return r;
    const Error& e = r.error();
    if (!e.retryable() && !e.retry_higher_up()) return r;
    ++retries_made_;
    std::string message = e.message;  // libpq's messages span lines: keep the log one line each
    for (char& c : message)
      if (c == '\n' || c == '\t') c = ' ';
    std::fprintf(stderr, "train: run ledger: %s (retry %d of %d in %.2fs)\n", message.c_str(), retry, policy_.retries,
                 static_cast<double>(policy_.BackoffMs(retry)) / 1000.0);
    clock_->SleepMs(policy_.BackoffMs(retry));
  }
}

Status RetryingLedger::Enroll(const std::string& run_id, const std::vector<std::string>& symbols) {
  return Retry([&] { return inner_->Enroll(run_id, symbols); });
}
Result<std::vector<LedgerEntry>> RetryingLedger::Entries(const std::string& run_id) {
  return Retry([&] { return inner_->Entries(run_id); });
}
Status RetryingLedger::MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) {
  return Retry([&] { return inner_->MarkRunning(run_id, symbol, at_ms); });
}
Status RetryingLedger::MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status,
                                    int64_t at_ms, const std::string& error) {
  return Retry([&] { return inner_->MarkFinished(run_id, symbol, status, at_ms, error); });
}
Result<ClaimResult> RetryingLedger::Claim(const std::string& run_id, const std::string& symbol,
                                          const std::string& owner, int64_t at_ms, int64_t lease_ms) {
  return Retry([&] { return inner_->Claim(run_id, symbol, owner, at_ms, lease_ms); });
}
Status RetryingLedger::RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms,
                                   int64_t lease_ms) {
  // Not retried here: the scheduler renews again at its next heartbeat, and must not stall.
  return inner_->RenewClaims(run_id, owner, at_ms, lease_ms);
}
Status RetryingLedger::ReleaseClaims(const std::string& run_id, const std::string& owner) {
  return Retry([&] { return inner_->ReleaseClaims(run_id, owner); });
}

}  // namespace huracan::training
