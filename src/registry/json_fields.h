// Reading the string fields of the registry's small JSON files (champion pointer, challenger
// set), with errors that name the file and the key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace huracan::registry {

// The string at `key`; an empty string when it is absent or null and not `required`.
inline Result<std::string> GetStringField(const nlohmann::json& j, const char* key, const std::string& source,
                                          bool required) {
  if (!j.contains(key) || j.at(key).is_null()) {
    if (required) return DataLoss(source + ": missing '" + key + "'");
    return std::string();
  }
  if (!j.at(key).is_string()) return DataLoss(source + ": '" + key + "' is not a string");
  return j.at(key).get<std::string>();
}

}  // namespace huracan::registry
