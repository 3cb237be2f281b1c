// The archive layout, identical on every object-store backend:
//   challengers/SYMBOL/TIMESTAMP/   every trained bundle
//   models/SYMBOL/TIMESTAMP/        bundles that were promoted (a verified copy)
//   champion/SYMBOL/latest.json     the champion pointer (registry/champion.h)
//   summaries/daily/DATE.json       daily summary (DATE = YYYY-MM-DD)
//   live_logs/trades/YYYYMMDD.parquet
// TIMESTAMP is UTC "20251108T020000Z"; SYMBOL is [A-Z0-9._-]{1,32} (e.g. BTCUSDT).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "registry/bundle.h"
#include "registry/champion.h"
#include "storage/object_store.h"

namespace huracan::registry {

Status ValidateSymbol(const std::string& symbol);

// Epoch ms -> "20251108T020000Z" (seconds precision, UTC).
std::string FormatArchiveTimestamp(int64_t epoch_ms);
Result<int64_t> ParseArchiveTimestamp(const std::string& ts);
// "2025-11-08" <-> epoch ms at 00:00 UTC.
std::string FormatDate(int64_t epoch_ms);

// Model ids are derived from their inputs: "BTCUSDT@20251108T020000Z".
std::string MakeModelId(const std::string& symbol, const std::string& timestamp);

std::string ChallengerPrefix(const std::string& symbol, const std::string& timestamp);  // ends with '/'
std::string ModelPrefix(const std::string& symbol, const std::string& timestamp);       // ends with '/'
std::string ChampionPointerKey(const std::string& symbol);
std::string DailySummaryKey(const std::string& date);    // date "YYYY-MM-DD"
std::string LiveTradesKey(const std::string& yyyymmdd);  // "live_logs/trades/20251108.parquet"

struct StoredBundle {
  std::string symbol;
  std::string timestamp;
  std::string model_id;
  std::string prefix;           // e.g. "challengers/BTCUSDT/20251108T020000Z/"
  std::string manifest_sha256;  // sha256 of sha256.txt
};

// The archive operations the pipeline needs, over any ObjectStore (not owned).
class Archive {
 public:
  explicit Archive(storage::ObjectStore& store) : store_(store) {}

  storage::ObjectStore& store() const { return store_; }

  // Writes the bundle to challengers/SYMBOL/TIMESTAMP/ and verifies it. Re-storing the same
  // (symbol, timestamp) overwrites it (a rerun after a crash).
  Result<StoredBundle> StoreChallenger(const std::string& symbol, const std::string& timestamp,
                                       const ModelBundle& bundle);

  // Promotes a stored challenger: copies it to models/SYMBOL/TIMESTAMP/, verifies the copy
  // against the challenger's manifest sha256, and only then writes the champion pointer
  // (atomically; the old champion goes into its history). Idempotent: promoting the current
  // champion again changes nothing. `promoted_at_ms` goes into the pointer.
  Result<ChampionPointer> Promote(const StoredBundle& challenger, int64_t promoted_at_ms, const std::string& reason);

  // Timestamps stored for a symbol, ascending.
  Result<std::vector<std::string>> ListChallengers(const std::string& symbol) const;
  Result<std::vector<std::string>> ListModels(const std::string& symbol) const;
  // Symbols that have a champion pointer, ascending.
  Result<std::vector<std::string>> ListChampionSymbols() const;

 private:
  storage::ObjectStore& store_;
};

}  // namespace huracan::registry
