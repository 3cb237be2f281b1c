// Every setting of the config file, declared once (docs/CONFIG.md): its dotted key, type, default,
// range, help, environment variable, command-line flag and whether it is a secret. The validator,
// `huracan config init|show|docs`, the env/flag overlay and docs/CONFIG.md all read this table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huracan::config {

enum class Type { kString, kInt, kDouble, kBool, kList, kEnum };

struct KeyDecl {
  std::string key;  // "section.name"
  Type type = Type::kString;
  // Canonical text of the default (a list: comma-joined). Unused when !has_default.
  std::string default_value;
  bool has_default = true;    // false: unset unless given; `unset_means` says what that does
  std::string unset_means;    // e.g. "each symbol's default"
  std::optional<double> min;  // numbers only, inclusive
  std::optional<double> max;
  std::vector<std::string> allowed;  // enum values
  std::string help;                  // one line
  std::string env;                   // environment variable
  std::string flag;                  // e.g. "--archive"; empty: no flag
  std::vector<std::string> flag_on;  // command paths that have `flag`, e.g. "champion rollback"
  std::vector<std::string> read_by;  // commands that use the setting (docs)
  bool secret = false;               // only from `env` or the file named by `secret_file_key`
  std::string secret_file_key;       // secrets: the `*_file` key
  bool planned = false;              // read by commands not in this release (live, bot, serve)

  std::string section() const { return key.substr(0, key.find('.')); }
  std::string name() const { return key.substr(key.find('.') + 1); }
};

// The table, in section order.
const std::vector<KeyDecl>& Declarations();
const KeyDecl* FindDecl(std::string_view key);
// The sections in table order.
std::vector<std::string> Sections();
// "int", "double", "enum: a | b", ...
std::string TypeName(const KeyDecl& d);
// The default as shown to people: the value, "[]" for an empty list, or "(unset: ...)".
std::string DefaultText(const KeyDecl& d);

// The config file read when neither --config nor HURACAN_CONFIG names one.
inline constexpr char kDefaultConfigFile[] = "huracan.yaml";
inline constexpr char kConfigEnv[] = "HURACAN_CONFIG";

}  // namespace huracan::config
