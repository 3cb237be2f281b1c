#include "features/recipe.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <exception>
#include <set>

#include "core/fs.h"
#include "core/sha256.h"

namespace huracan::features {
namespace {

constexpr std::string_view kDefaultYaml = R"(# The model features: scale-free (bps, ratios, z-scores, oscillators).
name: default
features:
  - {kind: log_return, period: 1}
  - {kind: log_return, period: 5}
  - {kind: log_return, period: 15}
  - {kind: log_return, period: 30}
  - {kind: log_return, period: 60}
  - {kind: log_return, period: 240}
  - {kind: ema_ratio, fast: 12, slow: 26}
  - {kind: ema_ratio, fast: 20, slow: 50}
  - {kind: ema_ratio, fast: 50, slow: 200}
  - {kind: sma_ratio, period: 20}
  - {kind: sma_ratio, period: 50}
  - {kind: macd_norm, fast: 12, slow: 26, signal: 9}
  - {kind: rsi, period: 14}
  - {kind: rsi, period: 7}
  - {kind: stoch, fastk: 14, slowk: 3, slowd: 3}
  - {kind: willr, period: 14}
  - {kind: cci, period: 20}
  - {kind: mfi, period: 14}
  - {kind: roc, period: 10}
  - {kind: natr, period: 14}
  - {kind: adx, period: 14}
  - {kind: vol_cc, period: 30}
  - {kind: vol_cc, period: 120}
  - {kind: vol_parkinson, period: 30}
  - {kind: vol_gk, period: 30}
  - {kind: vol_ratio, fast: 30, slow: 120}
  - {kind: bb_position, period: 20, k: 2}
  - {kind: keltner_position, period: 20, k: 2}
  - {kind: donchian_position, period: 20}
  - {kind: donchian_position, period: 55}
  - {kind: donchian_break, period: 20}
  - {kind: squeeze, period: 20, bb_k: 2, kc_k: 1.5, min_bars: 5}
  - {kind: efficiency_ratio, period: 10}
  - {kind: efficiency_ratio, period: 30}
  - {kind: return_moments, period: 60}
  - {kind: close_z, period: 20}
  - {kind: return_z, period: 15, vol_period: 120}
  - {kind: candle_shape}
  - {kind: vwap_deviation, period: 60, atr_period: 14}
  - {kind: volume_z, period: 60}
  - {kind: volume_ratio, fast: 5, slow: 60}
  - {kind: obv_slope, period: 30}
  - {kind: clv_volume, period: 20}
  - {kind: uptick_ratio, period: 20}
  - {kind: amihud, period: 60}
  - {kind: cs_spread, period: 20}
  - {kind: narrow_range, period: 7, lookback: 5}
  - {kind: sweep, period: 20}
  - {kind: calendar}
  - {kind: btc_return, period: 1, lag: 1}
  - {kind: btc_return, period: 5, lag: 0}
  - {kind: rel_return_btc, period: 15}
  - {kind: rel_return_btc, period: 60}
  - {kind: beta_btc, period: 120}
  - {kind: pairs_residual_z, period: 240, beta_period: 120}
)";

constexpr std::string_view kTalibYaml =
    R"(# Raw indicators with exactly TA-Lib's semantics (tested against TA-Lib's C code).
name: talib-reference
features:
  - {kind: rsi, period: 14}
  - {kind: atr, period: 14}
  - {kind: natr, period: 14}
  - {kind: adx, period: 14}
  - {kind: macd, fast: 12, slow: 26, signal: 9}
  - {kind: bbands, period: 20, k: 2}
  - {kind: ema, period: 20}
  - {kind: sma, period: 20}
  - {kind: willr, period: 14}
  - {kind: cci, period: 20}
  - {kind: mfi, period: 14}
  - {kind: obv}
  - {kind: stoch, fastk: 14, slowk: 3, slowd: 3}
  - {kind: roc, period: 10}
)";

std::string AllowedKeys(const KindDef& k) {
  std::string s = "kind";
  for (const ParamDef& p : k.params) s += ", " + std::string(p.name);
  return s;
}

Result<double> ParseNumber(const std::string& text) {
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e || !std::isfinite(v))
    return InvalidArgument("'" + text + "' is not a finite number");
  return v;
}

Result<FeatureSpec> ParseEntry(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) return InvalidArgument(where + ": each feature must be a map with a `kind`");
  const YAML::Node kind_node = node["kind"];
  if (!kind_node || !kind_node.IsScalar()) return InvalidArgument(where + ": missing `kind`");
  const std::string kind = kind_node.Scalar();
  const KindDef* def = FindKind(kind);
  if (!def) return InvalidArgument(where + ": unknown feature kind '" + kind + "'");
  FeatureSpec spec;
  spec.kind = kind;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!seen.insert(key).second) return InvalidArgument(where + " (" + kind + "): duplicate key '" + key + "'");
    if (key == "kind") continue;
    const ParamDef* pd = nullptr;
    for (const ParamDef& p : def->params)
      if (p.name == key) pd = &p;
    if (!pd)
      return InvalidArgument(where + " (" + kind + "): unknown key '" + key + "' (allowed: " + AllowedKeys(*def) + ")");
    if (!kv.second.IsScalar()) return InvalidArgument(where + " (" + kind + "): `" + key + "` must be a number");
    HURACAN_ASSIGN_OR_RETURN_CTX(double v, ParseNumber(kv.second.Scalar()), where + " (" + kind + ") `" + key + "`");
    if (pd->integer && v != std::floor(v))
      return InvalidArgument(where + " (" + kind + "): `" + key + "` must be an integer, got " + kv.second.Scalar());
    if (v < pd->min || v > pd->max)
      return InvalidArgument(where + " (" + kind + "): `" + key + "` = " + kv.second.Scalar() + " is outside [" +
                             ParamText(pd->min) + ", " + ParamText(pd->max) + "]");
    spec.params[key] = v == 0 ? 0.0 : v;
  }
  return spec;
}

}  // namespace

Result<FeatureRecipe> FeatureRecipe::FromSpecs(std::string name, std::vector<FeatureSpec> specs) {
  FeatureRecipe r;
  r.name_ = std::move(name);
  if (specs.empty()) return InvalidArgument("recipe " + r.name_ + ": no features");
  std::set<std::string> seen;
  std::string canon = "{\"features\":[";
  for (size_t i = 0; i < specs.size(); ++i) {
    FeatureSpec& s = specs[i];
    const KindDef* def = FindKind(s.kind);
    if (!def) return InvalidArgument("recipe " + r.name_ + ": unknown feature kind '" + s.kind + "'");
    for (const auto& [key, value] : s.params) {
      bool known = false;
      for (const ParamDef& p : def->params) known |= p.name == key;
      if (!known) return InvalidArgument("recipe " + r.name_ + " (" + s.kind + "): unknown key '" + key + "'");
      (void)value;
    }
    for (const ParamDef& p : def->params)
      if (!s.params.count(p.name)) s.params[std::string(p.name)] = p.def;
    // Cross-parameter rules.
    if (s.params.count("fast") && s.params.count("slow") && s.params["fast"] >= s.params["slow"])
      return InvalidArgument("recipe " + r.name_ + " (" + s.kind + "): `fast` must be smaller than `slow`");
    if (s.kind == "return_moments" && s.params["period"] < 3)
      return InvalidArgument("recipe " + r.name_ + " (return_moments): `period` must be at least 3");
    for (std::string& n : def->names(s.params)) {
      if (!seen.insert(n).second)
        return InvalidArgument("recipe " + r.name_ + ": column '" + n + "' is produced twice");
      r.names_.push_back(std::move(n));
    }
    r.uses_ref_ |= def->uses_ref;
    // Canonical entry: all keys (kind included) sorted.
    std::map<std::string, std::string> kv;
    kv["kind"] = "\"" + s.kind + "\"";
    for (const auto& [key, value] : s.params) kv[key] = ParamText(value);
    canon += i ? ",{" : "{";
    bool first = true;
    for (const auto& [key, value] : kv) {
      canon += (first ? "\"" : ",\"") + key + "\":" + value;
      first = false;
    }
    canon += "}";
  }
  canon += "]}";
  r.specs_ = std::move(specs);
  r.canonical_ = std::move(canon);
  r.hash_ = Sha256Hex("huracan-features/v" + std::to_string(kFeatureCodeVersion) + "\n" + r.canonical_);
  return r;
}

Result<FeatureRecipe> FeatureRecipe::Parse(std::string_view text, const std::string& source) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return InvalidArgument("recipe " + source + ": expected a map with a `features` list");
    std::string name = source;
    YAML::Node features;
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (!seen.insert(key).second) return InvalidArgument("recipe " + source + ": duplicate key '" + key + "'");
      if (key == "name") {
        if (!kv.second.IsScalar()) return InvalidArgument("recipe " + source + ": `name` must be a string");
        name = kv.second.Scalar();
      } else if (key == "features") {
        features = kv.second;
      } else {
        return InvalidArgument("recipe " + source + ": unknown key '" + key + "' (allowed: name, features)");
      }
    }
    if (!features || !features.IsSequence()) return InvalidArgument("recipe " + source + ": `features` must be a list");
    std::vector<FeatureSpec> specs;
    size_t i = 0;
    for (const auto& entry : features) {
      HURACAN_ASSIGN_OR_RETURN(FeatureSpec spec,
                               ParseEntry(entry, "recipe " + source + ": feature " + std::to_string(++i)));
      specs.push_back(std::move(spec));
    }
    // The checks of the whole list name the recipe; the file is named too.
    HURACAN_ASSIGN_OR_RETURN_CTX(FeatureRecipe recipe, FromSpecs(std::move(name), std::move(specs)), source);
    return recipe;
  } catch (const std::exception& e) {
    return InvalidArgument("recipe " + source + ": " + e.what());
  }
}

std::vector<std::string> BuiltinRecipeNames() { return {"default", "talib-reference"}; }

std::string_view BuiltinRecipeText(std::string_view name) {
  if (name == "default") return kDefaultYaml;
  if (name == "talib-reference") return kTalibYaml;
  return {};
}

Result<FeatureRecipe> BuiltinRecipe(std::string_view name) {
  const std::string_view text = BuiltinRecipeText(name);
  if (text.empty()) return NotFound("no built-in recipe named '" + std::string(name) + "'");
  return FeatureRecipe::Parse(text, std::string(name));
}

Result<FeatureRecipe> LoadRecipe(const std::string& name_or_path) {
  if (!BuiltinRecipeText(name_or_path).empty()) return BuiltinRecipe(name_or_path);
  auto text = ReadFile(name_or_path);
  if (!text.ok())
    return NotFound("recipe '" + name_or_path +
                    "' is neither a built-in (default, talib-reference) nor a readable file");
  return FeatureRecipe::Parse(*text, name_or_path);
}

}  // namespace huracan::features
