// The effective settings: every declared key (config/declarations.h) resolved with the precedence
// flag > environment variable > config file > built-in default, then validated as a whole.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/declarations.h"
#include "costs/cost_overrides.h"
#include "registry/promotion.h"

namespace huracan::config {

enum class Source { kDefault, kFile, kEnv, kFlag };
const char* SourceName(Source s);  // "default", "file", "env", "flag"

struct Value {
  bool set = false;                // false: unset (the key has no default and was not given)
  std::string text;                // canonical text (a list: comma-joined)
  std::vector<std::string> items;  // lists only
  Source source = Source::kDefault;
  std::string origin;  // "FILE:LINE", "env NAME", "flag --name"; empty for a default
};

class Settings {
 public:
  // The config file read, empty when none.
  const std::string& file() const { return file_; }
  // Every declared key has a value; asking for an undeclared key is a programming error (throws).
  const Value& Get(const std::string& key) const;
  const std::string& String(const std::string& key) const { return Get(key).text; }
  int64_t Int(const std::string& key) const;
  double Double(const std::string& key) const;
  bool Bool(const std::string& key) const;
  const std::vector<std::string>& List(const std::string& key) const { return Get(key).items; }
  // True when the value was given (file, env or flag), not a default.
  bool Given(const std::string& key) const { return Get(key).source != Source::kDefault; }

  // The `costs` section as per-field overrides of each symbol's defaults: costs.preset (a preset
  // or a JSON file, costs/cost_presets.h), then every costs.<field> that is set on top of it.
  Result<costs::CostOverrides> Costs() const;
  // The rules from the inline promotion keys (defaults where not given).
  registry::PromotionRules InlineRules() const;
  // database.url with the password (database.password, from env or file) put in.
  std::string DatabaseUrl() const;
  // engines.run as the comma list the commands take ("" = all).
  std::string EnginesSpec() const;

 private:
  friend class Loader;
  std::string file_;
  std::map<std::string, Value> values_;
};

struct LoadOptions {
  std::string config_flag;                     // --config FILE; empty = not given
  std::map<std::string, std::string> flags;    // key -> value given by the key's flag
  std::map<std::string, std::string> flag_of;  // key -> the flag's name, for messages
  // Reads an environment variable; unset or empty = nullopt. Default: the process environment.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

struct LoadResult {
  Settings settings;
  std::vector<std::string> errors;  // "WHERE: KEY: message", every problem found
  bool ok() const { return errors.empty(); }
};

// Finds the file (--config, else $HURACAN_CONFIG, else ./huracan.yaml when present), reads it,
// overlays the environment and the flags, and validates everything.
LoadResult Load(const LoadOptions& opts);

// Masks what must not be shown: "***" for a secret, the password inside a database URL.
std::string MaskedText(const KeyDecl& d, const Value& v);

}  // namespace huracan::config
