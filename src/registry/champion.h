// The champion pointer champion/SYMBOL/latest.json: which stored bundle a coin trades with.
//
//   {"symbol": "BTCUSDT", "model_id": "BTCUSDT@20251108T020000Z",
//    "path": "models/BTCUSDT/20251108T020000Z/", "sha256": "<sha256 of the bundle's sha256.txt>",
//    "promoted_at": "2025-11-08T02:00:00.000Z", "reason": "...",
//    "previous": [ {model_id, path, sha256, promoted_at, reason}, ... ]   (most recent first)
//    "rolled_back": [ {model_id, path, sha256, promoted_at, reason, rolled_back_at}, ... ] }
//
// Rules: the pointer is written atomically (ObjectStore::Put) and only after the bundle it
// names has been verified against `sha256`. A coin without a pointer has no champion and is not
// traded.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "registry/bundle.h"
#include "storage/object_store.h"

namespace huracan::registry {

struct ChampionEntry {
  std::string model_id;
  std::string path;    // archive prefix of the bundle, ending with '/'
  std::string sha256;  // manifest sha256
  std::string promoted_at;
  std::string reason;
  std::string rolled_back_at;  // only in ChampionPointer::rolled_back

  nlohmann::json ToJson() const;
  static Result<ChampionEntry> FromJson(const nlohmann::json& j, const std::string& source);
  friend bool operator==(const ChampionEntry&, const ChampionEntry&) = default;
};

struct ChampionPointer {
  std::string symbol;
  ChampionEntry current;
  std::vector<ChampionEntry> previous;     // most recent first
  std::vector<ChampionEntry> rolled_back;  // most recent first

  nlohmann::json ToJson() const;
  static Result<ChampionPointer> FromJson(const nlohmann::json& j, const std::string& source);
};

// nullopt when the coin has no pointer; DataLoss when the pointer is unreadable.
Result<std::optional<ChampionPointer>> ReadChampionPointer(const storage::ObjectStore& store,
                                                           const std::string& symbol);

// Verifies the bundle at `entry.path` against `entry.sha256`, then writes the pointer with
// `entry` as current and the old current (if any, and different) pushed onto `previous`.
// Nothing is written when verification fails. Returns the new pointer.
Result<ChampionPointer> SetChampion(storage::ObjectStore& store, const std::string& symbol, const ChampionEntry& entry);

struct LoadedChampion {
  ChampionEntry entry;  // the entry actually loaded
  ModelBundle bundle;
  bool fell_back = false;             // true when the current entry was unusable
  std::vector<std::string> warnings;  // one line per unusable entry, naming it and why
};

// Loads the current champion's bundle, verified. When it is missing or corrupt, falls back to
// the most recent valid previous entry and says so in `warnings` (the pointer is not changed).
// NotFound when the coin has no pointer; DataLoss when no entry is usable.
Result<LoadedChampion> LoadChampion(const storage::ObjectStore& store, const std::string& symbol);

// Checks one entry's bundle; OK or the reason it is unusable.
Status VerifyChampionEntry(const storage::ObjectStore& store, const ChampionEntry& entry);

struct RollbackResult {
  ChampionEntry from;                 // the champion that was replaced
  ChampionEntry to;                   // the previous valid champion, now current
  std::vector<std::string> warnings;  // previous entries skipped because unusable
  ChampionPointer pointer;
};

// Moves the pointer to the most recent previous entry whose bundle verifies. The replaced
// champion goes to `rolled_back` (with `at_ms`); skipped invalid entries are dropped from the
// history and reported. FailedPrecondition when there is no valid previous champion.
Result<RollbackResult> RollbackChampion(storage::ObjectStore& store, const std::string& symbol, int64_t at_ms);

}  // namespace huracan::registry
