// FeatureRecipe: the list of features (kind + parameters) that training and live both compute.
// Loaded from YAML (JSON works too, as a YAML subset). Its canonical form, hashed with SHA-256
// together with kFeatureCodeVersion, is the feature hash recorded in every model bundle.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "features/indicators.h"

namespace huracan::features {

// Bump whenever any indicator's numbers change: every feature hash changes with it.
inline constexpr int kFeatureCodeVersion = 2;  // 2: returns from differences of cached logs

struct FeatureSpec {
  std::string kind;
  Params params;  // every declared parameter, defaults filled in
};

class FeatureRecipe {
 public:
  // Parses YAML/JSON text: a map with `features` (a list of maps, each with `kind` and that
  // kind's parameters) and an optional `name`. Unknown kinds or keys are errors naming them.
  static Result<FeatureRecipe> Parse(std::string_view text, const std::string& source);
  static Result<FeatureRecipe> FromSpecs(std::string name, std::vector<FeatureSpec> specs);

  const std::string& name() const { return name_; }
  const std::vector<FeatureSpec>& specs() const { return specs_; }
  // Output columns, in recipe order.
  const std::vector<std::string>& names() const { return names_; }
  // {"features":[{"kind":"rsi","period":14},...]}: keys sorted, numbers in shortest form.
  const std::string& canonical() const { return canonical_; }
  // Lowercase hex SHA-256 of "huracan-features/v<kFeatureCodeVersion>\n" + canonical().
  const std::string& hash() const { return hash_; }
  // True when some feature reads the reference (BTC) series.
  bool uses_ref() const { return uses_ref_; }

 private:
  std::string name_;
  std::vector<FeatureSpec> specs_;
  std::vector<std::string> names_;
  std::string canonical_;
  std::string hash_;
  bool uses_ref_ = false;
};

// Built-in recipes: "default" (the scale-free model features) and "talib-reference".
std::vector<std::string> BuiltinRecipeNames();
// YAML text of a built-in recipe; empty when unknown.
std::string_view BuiltinRecipeText(std::string_view name);
Result<FeatureRecipe> BuiltinRecipe(std::string_view name);
// A built-in name, or else a path to a YAML/JSON file.
Result<FeatureRecipe> LoadRecipe(const std::string& name_or_path);

}  // namespace huracan::features
