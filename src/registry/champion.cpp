#include "registry/champion.h"

#include <algorithm>

#include "registry/archive.h"
#include "registry/json_fields.h"
#include "storage/database.h"

namespace huracan::registry {
namespace {

constexpr size_t kMaxHistory = 50;

Result<std::vector<ChampionEntry>> GetEntries(const nlohmann::json& j, const char* key, const std::string& source) {
  std::vector<ChampionEntry> out;
  if (!j.contains(key)) return out;
  if (!j.at(key).is_array()) return DataLoss(source + ": '" + key + "' is not an array");
  for (const auto& e : j.at(key)) {
    HURACAN_ASSIGN_OR_RETURN(ChampionEntry entry, ChampionEntry::FromJson(e, source + ": " + key));
    out.push_back(std::move(entry));
  }
  return out;
}

Status WritePointer(storage::ObjectStore& store, const ChampionPointer& p) {
  return store.Put(ChampionPointerKey(p.symbol), p.ToJson().dump(2) + "\n");
}

}  // namespace

nlohmann::json ChampionEntry::ToJson() const {
  nlohmann::json j = {
      {"model_id", model_id}, {"path", path}, {"sha256", sha256}, {"promoted_at", promoted_at}, {"reason", reason}};
  if (!rolled_back_at.empty()) j["rolled_back_at"] = rolled_back_at;
  return j;
}

Result<ChampionEntry> ChampionEntry::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return DataLoss(source + ": entry is not an object");
  ChampionEntry e;
  HURACAN_ASSIGN_OR_RETURN(e.model_id, GetStringField(j, "model_id", source, true));
  HURACAN_ASSIGN_OR_RETURN(e.path, GetStringField(j, "path", source, true));
  HURACAN_ASSIGN_OR_RETURN(e.sha256, GetStringField(j, "sha256", source, true));
  HURACAN_ASSIGN_OR_RETURN(e.promoted_at, GetStringField(j, "promoted_at", source, false));
  HURACAN_ASSIGN_OR_RETURN(e.reason, GetStringField(j, "reason", source, false));
  HURACAN_ASSIGN_OR_RETURN(e.rolled_back_at, GetStringField(j, "rolled_back_at", source, false));
  return e;
}

nlohmann::json ChampionPointer::ToJson() const {
  nlohmann::json j = current.ToJson();
  j.erase("rolled_back_at");
  j["symbol"] = symbol;
  j["previous"] = nlohmann::json::array();
  for (const auto& e : previous) j["previous"].push_back(e.ToJson());
  j["rolled_back"] = nlohmann::json::array();
  for (const auto& e : rolled_back) j["rolled_back"].push_back(e.ToJson());
  return j;
}

Result<ChampionPointer> ChampionPointer::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return DataLoss(source + ": not a JSON object");
  ChampionPointer p;
  HURACAN_ASSIGN_OR_RETURN(p.symbol, GetStringField(j, "symbol", source, true));
  HURACAN_ASSIGN_OR_RETURN(p.current, ChampionEntry::FromJson(j, source));
  HURACAN_ASSIGN_OR_RETURN(p.previous, GetEntries(j, "previous", source));
  HURACAN_ASSIGN_OR_RETURN(p.rolled_back, GetEntries(j, "rolled_back", source));
  return p;
}

Result<std::optional<ChampionPointer>> ReadChampionPointer(const storage::ObjectStore& store,
                                                           const std::string& symbol) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  const std::string key = ChampionPointerKey(symbol);
  Result<std::string> bytes = store.Get(key);
  if (!bytes.ok()) {
    if (bytes.error().code == ErrorCode::kNotFound) return std::optional<ChampionPointer>();
    return bytes.error();
  }
  const std::string source = store.Describe() + "/" + key;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*bytes);
  } catch (const std::exception& e) {
    return DataLoss(source + ": invalid JSON: " + e.what());
  }
  HURACAN_ASSIGN_OR_RETURN(ChampionPointer p, ChampionPointer::FromJson(j, source));
  if (p.symbol != symbol) return DataLoss(source + ": names symbol '" + p.symbol + "', expected " + symbol);
  return std::optional<ChampionPointer>(std::move(p));
}

Status VerifyChampionEntry(const storage::ObjectStore& store, const ChampionEntry& entry) {
  if (entry.path.empty() || entry.path.back() != '/')
    return InvalidArgument("champion " + entry.model_id + ": path '" + entry.path + "' must end with '/'");
  if (entry.sha256.size() != 64) return InvalidArgument("champion " + entry.model_id + ": sha256 is not 64 hex digits");
  Result<std::string> verified = VerifyBundle(store, entry.path, entry.sha256);
  if (!verified.ok()) return verified.error();
  return Status::Ok();
}

Result<ChampionPointer> SetChampion(storage::ObjectStore& store, const std::string& symbol,
                                    const ChampionEntry& entry) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  if (entry.model_id.empty()) return InvalidArgument("champion for " + symbol + ": empty model_id");
  // The rule: verify first, write the pointer only if the bundle is intact.
  HURACAN_RETURN_IF_ERROR_CTX(VerifyChampionEntry(store, entry), "champion pointer for " + symbol + " not written");
  HURACAN_ASSIGN_OR_RETURN(std::optional<ChampionPointer> old, ReadChampionPointer(store, symbol));
  ChampionPointer p;
  p.symbol = symbol;
  p.current = entry;
  p.current.rolled_back_at.clear();
  if (old) {
    if (old->current.model_id == entry.model_id && old->current.sha256 == entry.sha256) return *old;
    p.previous.push_back(old->current);
    for (const auto& e : old->previous) p.previous.push_back(e);
    p.rolled_back = old->rolled_back;
  }
  std::erase_if(p.previous, [&](const ChampionEntry& e) { return e.model_id == entry.model_id; });
  if (p.previous.size() > kMaxHistory) p.previous.resize(kMaxHistory);
  if (p.rolled_back.size() > kMaxHistory) p.rolled_back.resize(kMaxHistory);
  HURACAN_RETURN_IF_ERROR(WritePointer(store, p));
  return p;
}

Result<LoadedChampion> LoadChampion(const storage::ObjectStore& store, const std::string& symbol) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<ChampionPointer> pointer, ReadChampionPointer(store, symbol));
  if (!pointer) return NotFound(symbol + ": no champion (no " + ChampionPointerKey(symbol) + ")");
  LoadedChampion out;
  std::vector<const ChampionEntry*> candidates = {&pointer->current};
  for (const auto& e : pointer->previous) candidates.push_back(&e);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const ChampionEntry& e = *candidates[i];
    Result<ModelBundle> bundle = ReadBundle(store, e.path, e.sha256);
    if (bundle.ok()) {
      out.entry = e;
      out.bundle = std::move(bundle).value();
      out.fell_back = i > 0;
      if (out.fell_back)
        out.warnings.push_back(symbol + ": keeping previous champion " + e.model_id + " (promoted " + e.promoted_at +
                               ")");
      return out;
    }
    out.warnings.push_back(symbol + ": champion " + e.model_id + (i == 0 ? "" : " (previous)") +
                           " is unusable: " + bundle.error().message);
  }
  std::string all;
  for (const auto& w : out.warnings) all += (all.empty() ? "" : "; ") + w;
  return DataLoss(symbol + ": no usable champion bundle: " + all);
}

Result<RollbackResult> RollbackChampion(storage::ObjectStore& store, const std::string& symbol, int64_t at_ms) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<ChampionPointer> pointer, ReadChampionPointer(store, symbol));
  if (!pointer) return NotFound(symbol + ": no champion to roll back (no " + ChampionPointerKey(symbol) + ")");
  RollbackResult out;
  out.from = pointer->current;
  size_t chosen = pointer->previous.size();
  for (size_t i = 0; i < pointer->previous.size(); ++i) {
    Status ok = VerifyChampionEntry(store, pointer->previous[i]);
    if (ok.ok()) {
      chosen = i;
      break;
    }
    out.warnings.push_back(symbol + ": skipping previous champion " + pointer->previous[i].model_id + ": " +
                           ok.error().message);
  }
  if (chosen == pointer->previous.size())
    return FailedPrecondition(symbol + ": no valid previous champion to roll back to (current " +
                              pointer->current.model_id + ", " + std::to_string(pointer->previous.size()) +
                              " previous entries, none usable)");
  out.to = pointer->previous[chosen];
  ChampionPointer p;
  p.symbol = symbol;
  p.current = out.to;
  p.previous.assign(pointer->previous.begin() + static_cast<std::ptrdiff_t>(chosen) + 1, pointer->previous.end());
  ChampionEntry gone = out.from;
  gone.rolled_back_at = storage::SqlTimestamp(at_ms);
  p.rolled_back.push_back(gone);
  for (const auto& e : pointer->rolled_back) p.rolled_back.push_back(e);
  if (p.rolled_back.size() > kMaxHistory) p.rolled_back.resize(kMaxHistory);
  HURACAN_RETURN_IF_ERROR(WritePointer(store, p));
  out.pointer = std::move(p);
  return out;
}

}  // namespace huracan::registry
