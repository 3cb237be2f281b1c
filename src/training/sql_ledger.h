// The run ledger on the project database (table run_ledger, storage/migrations.h). Timestamps
// are stored as ISO-8601 UTC text (storage::SqlTimestamp); a claim's lease end as epoch ms
// (claim_expires_ms, schema version 2).
#pragma once

#include <string>
#include <vector>

#include "storage/database.h"
#include "training/ledger.h"

namespace huracan::training {

class SqlRunLedger final : public RunLedger {
 public:
  // `db` is not owned and must outlive the ledger; one connection, one thread.
  explicit SqlRunLedger(storage::Database* db) : db_(db) {}

  Status Enroll(const std::string& run_id, const std::vector<std::string>& symbols) override;
  Result<std::vector<LedgerEntry>> Entries(const std::string& run_id) override;
  Status MarkRunning(const std::string& run_id, const std::string& symbol, int64_t at_ms) override;
  Status MarkFinished(const std::string& run_id, const std::string& symbol, LedgerStatus status, int64_t at_ms,
                      const std::string& error) override;
  // Postgres: the row is locked with SELECT ... FOR UPDATE SKIP LOCKED (a row another claimer is
  // locking right now counts as busy); SQLite: the transaction's write lock (BEGIN IMMEDIATE).
  Result<ClaimResult> Claim(const std::string& run_id, const std::string& symbol, const std::string& owner,
                            int64_t at_ms, int64_t lease_ms) override;
  Status RenewClaims(const std::string& run_id, const std::string& owner, int64_t at_ms, int64_t lease_ms) override;
  Status ReleaseClaims(const std::string& run_id, const std::string& owner) override;

 private:
  storage::Database* db_;
};

// Marks `symbol` done inside the caller's transaction `tx`: the worker commits this together
// with the symbol's models / model_metrics / promotions / meta_weights rows.
Status MarkDoneInTransaction(storage::Database& tx, const std::string& run_id, const std::string& symbol,
                             int64_t at_ms);

// "2025-11-08T02:00:00.000Z" -> epoch ms; 0 for empty or unparsable text.
int64_t ParseSqlTimestamp(const std::string& text);

}  // namespace huracan::training
