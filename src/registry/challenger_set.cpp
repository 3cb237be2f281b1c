#include "registry/challenger_set.h"

#include <algorithm>

#include "registry/archive.h"
#include "registry/champion.h"
#include "registry/json_fields.h"

namespace huracan::registry {

nlohmann::json ChallengerEntry::ToJson() const {
  return {{"model_id", model_id},   {"path", path},     {"sha256", sha256},
          {"parent_id", parent_id}, {"source", source}, {"added_at", added_at}};
}

Result<ChallengerEntry> ChallengerEntry::FromJson(const nlohmann::json& j, const std::string& source_name) {
  if (!j.is_object()) return DataLoss(source_name + ": entry is not an object");
  ChallengerEntry e;
  HURACAN_ASSIGN_OR_RETURN(e.model_id, GetStringField(j, "model_id", source_name, true));
  HURACAN_ASSIGN_OR_RETURN(e.path, GetStringField(j, "path", source_name, true));
  HURACAN_ASSIGN_OR_RETURN(e.sha256, GetStringField(j, "sha256", source_name, true));
  HURACAN_ASSIGN_OR_RETURN(e.parent_id, GetStringField(j, "parent_id", source_name, false));
  HURACAN_ASSIGN_OR_RETURN(e.source, GetStringField(j, "source", source_name, false));
  HURACAN_ASSIGN_OR_RETURN(e.added_at, GetStringField(j, "added_at", source_name, false));
  return e;
}

nlohmann::json ChallengerSet::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : challengers) list.push_back(e.ToJson());
  return {{"symbol", symbol}, {"challengers", std::move(list)}};
}

Result<ChallengerSet> ChallengerSet::FromJson(const nlohmann::json& j, const std::string& source_name) {
  if (!j.is_object()) return DataLoss(source_name + ": not a JSON object");
  ChallengerSet set;
  HURACAN_ASSIGN_OR_RETURN(set.symbol, GetStringField(j, "symbol", source_name, true));
  if (!j.contains("challengers") || !j.at("challengers").is_array())
    return DataLoss(source_name + ": 'challengers' is missing or not an array");
  for (const auto& e : j.at("challengers")) {
    HURACAN_ASSIGN_OR_RETURN(ChallengerEntry entry, ChallengerEntry::FromJson(e, source_name + ": challengers"));
    set.challengers.push_back(std::move(entry));
  }
  return set;
}

std::string ChallengerSetKey(const std::string& symbol) { return "champion/" + symbol + "/challengers.json"; }

Result<std::optional<ChallengerSet>> ReadChallengerSet(const storage::ObjectStore& store, const std::string& symbol) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  const std::string key = ChallengerSetKey(symbol);
  Result<std::string> bytes = store.Get(key);
  if (!bytes.ok()) {
    if (bytes.error().code == ErrorCode::kNotFound) return std::optional<ChallengerSet>();
    return bytes.error();
  }
  const std::string source_name = store.Describe() + "/" + key;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*bytes);
  } catch (const std::exception& e) {
    return DataLoss(source_name + ": invalid JSON: " + e.what());
  }
  HURACAN_ASSIGN_OR_RETURN(ChallengerSet set, ChallengerSet::FromJson(j, source_name));
  if (set.symbol != symbol) return DataLoss(source_name + ": names symbol '" + set.symbol + "', expected " + symbol);
  return std::optional<ChallengerSet>(std::move(set));
}

ChallengerSet WithChallenger(ChallengerSet set, const ChallengerEntry& entry, const std::string& champion_model_id,
                             std::size_t max_per_symbol) {
  std::erase_if(set.challengers, [&](const ChallengerEntry& e) {
    return e.model_id == entry.model_id || e.model_id == champion_model_id;
  });
  if (entry.model_id != champion_model_id) set.challengers.insert(set.challengers.begin(), entry);
  if (set.challengers.size() > max_per_symbol) set.challengers.resize(max_per_symbol);
  return set;
}

ChallengerSet WithoutChallenger(ChallengerSet set, const std::string& model_id) {
  std::erase_if(set.challengers, [&](const ChallengerEntry& e) { return e.model_id == model_id; });
  return set;
}

Status WriteChallengerSet(storage::ObjectStore& store, const ChallengerSet& set) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(set.symbol));
  for (const auto& e : set.challengers) {
    const std::string what = "challenger set for " + set.symbol + " not written: challenger " + e.model_id;
    if (e.path.empty() || e.path.back() != '/')
      return InvalidArgument(what + ": path '" + e.path + "' must end with '/'");
    Result<std::string> verified = VerifyBundle(store, e.path, e.sha256);
    if (!verified.ok()) return WithContext(verified.error(), what);
  }
  return store.Put(ChallengerSetKey(set.symbol), set.ToJson().dump(2) + "\n");
}

}  // namespace huracan::registry
