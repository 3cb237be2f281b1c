// The daily summary of a training run: summaries/daily/DATE.json in the archive, and the same
// content as readable text (printed by `huracan summary`, sent by the Telegram bot).
//
// It is built from the shared state, not from one process's memory: the run ledger (every
// symbol of the run id, on every shard) and the `models` rows of the run (their params hold the
// per-symbol outcome). So a resumed run, or the last shard to finish, writes a complete summary.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "training/ledger.h"
#include "training/publish.h"

namespace huracan::training {

struct SymbolSummary {
  std::string symbol;
  LedgerStatus status = LedgerStatus::kPending;
  int attempts = 0;
  int retries = 0;  // attempts - 1 (0 when never attempted)
  std::string error;
  bool has_outcome = false;
  CoinOutcome outcome;  // when has_outcome
  // "changed" (a new champion), "kept" (the champion stays), "none" (still no champion), or
  // "unknown" (the symbol did not finish).
  std::string champion_action() const;
};

struct DailySummary {
  std::string date;  // YYYY-MM-DD
  std::string run_id;
  std::string generated_at;            // ISO-8601 UTC
  std::vector<SymbolSummary> symbols;  // sorted by symbol

  int count(LedgerStatus s) const;
  int promoted() const;
  int retries() const;
  nlohmann::json ToJson() const;
  static Result<DailySummary> FromJson(const nlohmann::json& j, const std::string& source);
};

// The summary date of a run id: "20251108" -> "2025-11-08"; other ids -> the UTC date of now_ms.
std::string RunDate(const std::string& run_id, int64_t now_ms);
// "2025-11-08" or "20251108" -> "2025-11-08"; InvalidArgument otherwise.
Result<std::string> NormaliseDate(const std::string& text);

Result<DailySummary> BuildDailySummary(storage::Database& db, const std::string& run_id, const std::string& date,
                                       int64_t now_ms);
// Writes summaries/daily/DATE.json (atomically, through the object store).
Status WriteDailySummary(storage::ObjectStore& store, const DailySummary& summary);
Result<DailySummary> ReadDailySummary(const storage::ObjectStore& store, const std::string& date);

// Readable text: a headline, one block per symbol, failures last. Plain ASCII, no markup.
std::string FormatSummaryText(const DailySummary& summary);

}  // namespace huracan::training
