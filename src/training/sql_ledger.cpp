#include "training/sql_ledger.h"

#include <cstdio>
#include <ctime>

#include "core/time_units.h"

namespace huracan::training {

using storage::SqlTimestamp;
using storage::SqlValue;

int64_t ParseSqlTimestamp(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * kMsPerSecond + ms;
}

Status SqlRunLedger::Enroll(const std::string& run_id, const std::vector<std::string>& symbols) {
  return db_->Transaction([&](storage::Database& tx) -> Status {
    for (const auto& s : symbols) {
      HURACAN_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES (?, ?, 'pending', 0) "
                  "ON CONFLICT (run_id, symbol) DO NOTHING",
                  {run_id, s}));
    }
    return Status::Ok();
  });
}

Result<std::vector<LedgerEntry>> SqlRunLedger::Entries(const std::string& run_id) {
  HURACAN_ASSIGN_OR_RETURN(
      storage::SqlRows rows,
      db_->Query("SELECT symbol, status, attempts, started_at, finished_at, error, claim_owner, claim_expires_ms "
                 "FROM run_ledger WHERE run_id = ? ORDER BY symbol",
                 {run_id}));
  std::vector<LedgerEntry> out;
  for (const auto& r : rows.rows) {
    LedgerEntry e;
    e.run_id = run_id;
    HURACAN_ASSIGN_OR_RETURN(e.symbol, r.String(0));
    HURACAN_ASSIGN_OR_RETURN(std::string status, r.String(1));
    auto st = ParseLedgerStatus(status);
    if (!st) return DataLoss("run_ledger: run " + run_id + " symbol " + e.symbol + ": unknown status '" + status + "'");
    e.status = *st;
    e.attempts = static_cast<int>(r.OptInt(2).value_or(0));
    e.started_at_ms = ParseSqlTimestamp(r.Text(3).value_or(""));
    e.finished_at_ms = ParseSqlTimestamp(r.Text(4).value_or(""));
    e.error = r.Text(5).value_or("");
    e.claim_owner = r.Text(6).value_or("");
    e.claim_expires_ms = r.OptInt(7).value_or(0);
    out.push_back(std::move(e));
  }
  return out;
}

Status SqlRunLedger::MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) {
  return db_->Transaction([&](storage::Database& tx) -> Status {
    HURACAN_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES (?, ?, 'pending', 0) "
                "ON CONFLICT (run_id, symbol) DO NOTHING",
                {run_id, symbol}));
    HURACAN_RETURN_IF_ERROR(
        tx.Exec("UPDATE run_ledger SET status = 'running', attempts = attempts + 1, started_at = ?, "
                "finished_at = NULL WHERE run_id = ? AND symbol = ? AND status <> 'done'",
                {SqlTimestamp(at_ms), run_id, symbol}));
    return Status::Ok();
  });
}

Status SqlRunLedger::MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status,
                                  int64_t at_ms, const std::string& error) {
  if (status == LedgerStatus::kDone) {
    return db_->Transaction(
        [&](storage::Database& tx) -> Status { return MarkDoneInTransaction(tx, run_id, symbol, at_ms); });
  }
  auto r = db_->Exec(
      "UPDATE run_ledger SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND symbol = ? "
      "AND status <> 'done'",
      {LedgerStatusName(status), SqlTimestamp(at_ms), error.empty() ? SqlValue() : SqlValue(error), run_id, symbol});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<ClaimResult> SqlRunLedger::Claim(const std::string& run_id, const std::string& symbol, const std::string& owner,
                                        int64_t at_ms, int64_t lease_ms) {
  ClaimResult result = ClaimResult::kBusy;
  Status st = db_->Transaction([&](storage::Database& tx) -> Status {
    HURACAN_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES (?, ?, 'pending', 0) "
                "ON CONFLICT (run_id, symbol) DO NOTHING",
                {run_id, symbol}));
    const bool pg = tx.backend() == storage::DbBackend::kPostgres;
    HURACAN_ASSIGN_OR_RETURN(
        storage::SqlRows free,
        tx.Query(std::string("SELECT symbol FROM run_ledger WHERE run_id = ? AND symbol = ? AND status <> 'done' AND "
                             "(claim_owner IS NULL OR claim_owner = ? OR claim_expires_ms IS NULL OR "
                             "claim_expires_ms <= ?)") +
                     (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                 {run_id, symbol, owner, at_ms}));
    if (free.empty()) {
      HURACAN_ASSIGN_OR_RETURN(storage::SqlRows row, tx.Query("SELECT status FROM run_ledger WHERE run_id = ? AND "
                                                              "symbol = ?",
                                                              {run_id, symbol}));
      result = !row.empty() && row.rows[0].Text(0).value_or("") == "done" ? ClaimResult::kDone : ClaimResult::kBusy;
      return Status::Ok();
    }
    HURACAN_RETURN_IF_ERROR(
        tx.Exec("UPDATE run_ledger SET claim_owner = ?, claim_expires_ms = ? WHERE run_id = ? AND symbol = ?",
                {owner, at_ms + lease_ms, run_id, symbol}));
    result = ClaimResult::kClaimed;
    return Status::Ok();
  });
  if (!st.ok()) return WithContext(st.error(), "claim " + symbol);
  return result;
}

Status SqlRunLedger::RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms, int64_t lease_ms) {
  auto r =
      db_->Exec("UPDATE run_ledger SET claim_expires_ms = ? WHERE run_id = ? AND claim_owner = ? AND status <> 'done'",
                {at_ms + lease_ms, run_id, owner});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status SqlRunLedger::ReleaseClaims(const std::string& run_id, const std::string& owner) {
  auto r = db_->Exec(
      "UPDATE run_ledger SET claim_owner = NULL, claim_expires_ms = NULL WHERE run_id = ? AND claim_owner = ? AND "
      "status <> 'done'",
      {run_id, owner});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status MarkDoneInTransaction(storage::Database& tx, const std::string& run_id, const std::string& symbol,
                             int64_t at_ms) {
  HURACAN_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO run_ledger (run_id, symbol, status, attempts, started_at) VALUES (?, ?, 'running', 1, ?) "
              "ON CONFLICT (run_id, symbol) DO NOTHING",
              {run_id, symbol, SqlTimestamp(at_ms)}));
  HURACAN_RETURN_IF_ERROR(
      tx.Exec("UPDATE run_ledger SET status = 'done', finished_at = ?, error = NULL WHERE run_id = ? AND symbol = ? "
              "AND status <> 'done'",
              {SqlTimestamp(at_ms), run_id, symbol}));
  return Status::Ok();
}

}  // namespace huracan::training
