// The user's costs: a shipped preset (presets/costs/*.json, compiled in) or a JSON file of the same
// format. The keys are the CostConfig fields (CostNumberFields, plus `entry` and `maker_fill_bars`)
// and an ignored `source` string; a key that is missing keeps the symbol's default
// (CostConfig::ForSymbol), so a file is a set of CostOverrides. docs/DECISION.md has the format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "costs/cost_overrides.h"

namespace huracan::costs {

// The name of today's per-symbol defaults (no overrides).
inline constexpr char kDefaultCostsPreset[] = "default";

struct CostsFile {
  std::string name;    // preset name, or the file path
  std::string source;  // the file's "source" text, "" when none
  CostOverrides overrides;
};

// Parses a costs JSON document; every error names `where` and the key at fault.
Result<CostsFile> ParseCostsJson(std::string_view text, const std::string& where);

// "default", then the shipped presets in name order.
std::vector<std::string> CostPresetNames();
bool IsCostPreset(std::string_view name);

// A preset name (kDefaultCostsPreset: no overrides), else the path of a JSON file.
Result<CostsFile> LoadCosts(const std::string& name_or_file);

// A resolved CostConfig in the file format: every key, `entry` for maker_entry.
nlohmann::ordered_json CostConfigToJson(const CostConfig& c);

}  // namespace huracan::costs
