#include "live/symbols_selector.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fs.h"
#include "data/catalog.h"
#include "data/timestamps.h"

namespace huracan::live {
namespace {

Result<std::vector<std::string>> SymbolList(const nlohmann::json& j, const char* field, const std::string& name) {
  std::vector<std::string> out;
  if (!j.contains(field)) return out;
  const nlohmann::json& list = j.at(field);
  if (!list.is_array()) return InvalidArgument(name + ": " + field + ": expected an array of symbols");
  std::set<std::string> seen;
  for (const auto& item : list) {
    auto market = item.is_string() ? data::ParseMarket(item.get<std::string>()) : std::nullopt;
    if (!market) return InvalidArgument(name + ": " + field + ": " + item.dump() + " is not a market symbol");
    if (!seen.insert(market->id()).second)
      return InvalidArgument(name + ": " + field + ": " + market->id() + " appears twice");
    out.push_back(market->id());
  }
  return out;
}

}  // namespace

std::string EncodeSymbolSelector(const SymbolSelector& s) {
  nlohmann::ordered_json j = {{"version", SymbolSelector::kVersion},
                              {"updated_at", data::FormatIsoUtc(s.updated_at_ms)},
                              {"source", s.source},
                              {"symbols", s.symbols},
                              {"allow", s.allow},
                              {"block", s.block}};
  return j.dump(2) + "\n";
}

Result<SymbolSelector> ParseSymbolSelector(std::string_view text, const std::string& name) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(name + ": not a JSON object");
  static const std::set<std::string> kKeys = {"version", "updated_at", "source", "symbols", "allow", "block"};
  for (const auto& [key, value] : j.items())
    if (!kKeys.count(key)) return InvalidArgument(name + ": unknown key '" + key + "'");
  if (!j.contains("version") || j["version"] != SymbolSelector::kVersion)
    return InvalidArgument(name + ": version: expected " + std::to_string(SymbolSelector::kVersion));
  if (!j.contains("symbols")) return InvalidArgument(name + ": symbols: missing");
  SymbolSelector s;
  const auto updated = j.contains("updated_at") && j["updated_at"].is_string()
                           ? data::ParseIsoUtc(j["updated_at"].get<std::string>())
                           : std::nullopt;
  if (!updated) return InvalidArgument(name + ": updated_at: expected an ISO-8601 UTC time");
  s.updated_at_ms = *updated;
  if (j.contains("source")) {
    if (!j["source"].is_string()) return InvalidArgument(name + ": source: expected a string");
    s.source = j["source"].get<std::string>();
  }
  HURACAN_ASSIGN_OR_RETURN(s.symbols, SymbolList(j, "symbols", name));
  HURACAN_ASSIGN_OR_RETURN(s.allow, SymbolList(j, "allow", name));
  HURACAN_ASSIGN_OR_RETURN(s.block, SymbolList(j, "block", name));
  for (const std::string& sym : s.symbols)
    if (std::find(s.block.begin(), s.block.end(), sym) != s.block.end())
      return InvalidArgument(name + ": symbols: " + sym + " is also in block");
  return s;
}

Result<SymbolSelector> ReadSymbolSelector(const std::string& path) {
  HURACAN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseSymbolSelector(text, path);
}

Status WriteSymbolSelector(const std::string& path, const SymbolSelector& selector) {
  const std::string text = EncodeSymbolSelector(selector);
  // Only what a reader would accept is written.
  HURACAN_RETURN_IF_ERROR(ParseSymbolSelector(text, path));
  return WriteFileAtomic(path, text);
}

}  // namespace huracan::live
