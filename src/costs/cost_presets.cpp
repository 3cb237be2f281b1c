#include "costs/cost_presets.h"

#include <algorithm>
#include <filesystem>

#include "core/fs.h"
#include "core/strings.h"
#include "costs/cost_presets_data.h"

namespace huracan::costs {
namespace {

constexpr char kSourceKey[] = "source";
constexpr char kEntryKey[] = "entry";

std::vector<std::string> AllKeys() {
  std::vector<std::string> keys = {kSourceKey, kEntryKey, kMakerFillBarsField};
  for (const auto& f : CostNumberFields()) keys.push_back(f.name);
  return keys;
}

const char* JsonKind(const nlohmann::json& v) { return v.type_name(); }

}  // namespace

Result<CostsFile> ParseCostsJson(std::string_view text, const std::string& where) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(where + ": not valid JSON");
  if (!j.is_object()) return InvalidArgument(where + ": expected a JSON object of cost fields");
  CostsFile out;
  out.name = where;
  auto bad = [&where](const std::string& key, const std::string& msg) {
    return InvalidArgument(where + ": " + key + ": " + msg);
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const nlohmann::json& v = it.value();
    if (key == kSourceKey) {
      if (!v.is_string()) return bad(key, std::string("expected a string, got ") + JsonKind(v));
      out.source = v.get<std::string>();
      continue;
    }
    if (key == kEntryKey) {
      const std::string e = v.is_string() ? v.get<std::string>() : "";
      if (e != "taker" && e != "maker") return bad(key, "expected \"taker\" or \"maker\"");
      out.overrides.maker_entry = e == "maker";
      continue;
    }
    if (key == kMakerFillBarsField) {
      if (!v.is_number_integer()) return bad(key, std::string("expected an integer, got ") + JsonKind(v));
      if (v.get<int64_t>() < kMinMakerFillBars || v.get<int64_t>() > 1'000'000) return bad(key, "must be >= 1");
      out.overrides.maker_fill_bars = v.get<int>();
      continue;
    }
    auto f = std::find_if(CostNumberFields().begin(), CostNumberFields().end(),
                          [&key](const CostNumberField& x) { return key == x.name; });
    if (f == CostNumberFields().end()) return bad(key, "unknown key (known: " + Join(AllKeys(), ", ") + ")");
    if (!v.is_number()) return bad(key, std::string("expected a number, got ") + JsonKind(v));
    const double d = v.get<double>();
    Status st = CheckCostNumber(*f, d);
    if (!st.ok()) return InvalidArgument(where + ": " + st.error().message);
    out.overrides.*f->override_value = d;
  }
  return out;
}

std::vector<std::string> CostPresetNames() {
  std::vector<std::string> names = {kDefaultCostsPreset};
  for (const auto& p : generated::kPresets) names.push_back(p.name);
  return names;
}

bool IsCostPreset(std::string_view name) {
  const auto names = CostPresetNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<CostsFile> LoadCosts(const std::string& name_or_file) {
  if (name_or_file == kDefaultCostsPreset) {
    CostsFile out;
    out.name = kDefaultCostsPreset;
    out.source = "each symbol's defaults: perps 5 bps taker / 2 bps maker, spot 7.5 / 7.5";
    return out;
  }
  for (const auto& p : generated::kPresets) {
    if (name_or_file != p.name) continue;
    HURACAN_ASSIGN_OR_RETURN(CostsFile out, ParseCostsJson(p.json, std::string("preset ") + p.name));
    out.name = p.name;
    return out;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(name_or_file, ec))
    return InvalidArgument("costs '" + name_or_file + "': neither a preset (" + Join(CostPresetNames(), ", ") +
                           ") nor a JSON file");
  HURACAN_ASSIGN_OR_RETURN(std::string text, ReadFile(name_or_file));
  return ParseCostsJson(text, name_or_file);
}

nlohmann::ordered_json CostConfigToJson(const CostConfig& c) {
  nlohmann::ordered_json j;
  for (const auto& f : CostNumberFields()) j[f.name] = c.*f.config;
  j[kEntryKey] = c.maker_entry ? "maker" : "taker";
  j[kMakerFillBarsField] = c.maker_fill_bars;
  return j;
}

}  // namespace huracan::costs
