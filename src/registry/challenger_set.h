// The challenger set champion/SYMBOL/challengers.json: the challengers Hamilton shadow-trades
// beside a coin's champion, on the same bars, through the same pipeline (docs/MECHANIC.md).
//
//   {"symbol": "BTCUSDT",
//    "challengers": [ {"model_id": "BTCUSDT@20251108T030000Z",
//                      "path": "challengers/BTCUSDT/20251108T030000Z/",
//                      "sha256": "<sha256 of the bundle's sha256.txt>",
//                      "parent_id": "BTCUSDT@20251108T020000Z",   (the champion it was tuned from)
//                      "source": "mechanic" | "daily",
//                      "added_at": "2025-11-08T03:00:00.000Z"}, ... ]   (most recent first)}
//
// Rules: written atomically (ObjectStore::Put) and only with bundles that verify against their
// `sha256`; at most `max_per_symbol` entries (the oldest drop out); never the current champion.
// A coin without the file has no challengers. Hamilton re-reads it at bar boundaries, like the
// champion pointer.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/object_store.h"

namespace huracan::registry {

inline constexpr std::size_t kDefaultMaxChallengersPerSymbol = 2;

struct ChallengerEntry {
  std::string model_id;
  std::string path;    // archive prefix of the bundle, ending with '/'
  std::string sha256;  // manifest sha256
  std::string parent_id;
  std::string source;    // "mechanic" or "daily"
  std::string added_at;  // ISO-8601 UTC

  nlohmann::json ToJson() const;
  static Result<ChallengerEntry> FromJson(const nlohmann::json& j, const std::string& source_name);
  friend bool operator==(const ChallengerEntry&, const ChallengerEntry&) = default;
};

struct ChallengerSet {
  std::string symbol;
  std::vector<ChallengerEntry> challengers;  // most recent first

  nlohmann::json ToJson() const;
  static Result<ChallengerSet> FromJson(const nlohmann::json& j, const std::string& source_name);
};

std::string ChallengerSetKey(const std::string& symbol);  // "champion/SYMBOL/challengers.json"

// nullopt when the coin has no set; DataLoss (naming the key) when it is unreadable.
Result<std::optional<ChallengerSet>> ReadChallengerSet(const storage::ObjectStore& store, const std::string& symbol);

// Puts `entry` first (replacing an entry with the same model_id), drops entries whose model_id
// is `champion_model_id`, and keeps at most `max_per_symbol`. Pure.
ChallengerSet WithChallenger(ChallengerSet set, const ChallengerEntry& entry, const std::string& champion_model_id,
                             std::size_t max_per_symbol);
// Removes `model_id` (after a promotion, or when it is retired). Pure.
ChallengerSet WithoutChallenger(ChallengerSet set, const std::string& model_id);

// Verifies every entry's bundle against its sha256, then writes the set atomically. Nothing is
// written when one fails; the error names the entry. An empty set is written as an empty list.
Status WriteChallengerSet(storage::ObjectStore& store, const ChallengerSet& set);

}  // namespace huracan::registry
