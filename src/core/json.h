// JSON helpers shared by every layer that writes JSON (nlohmann::json, header-only, linked by core).
#pragma once

#include <cmath>
#include <nlohmann/json_fwd.hpp>

namespace huracan {

// A double as a JSON value: the number when finite, null for NaN and the infinities (which JSON
// cannot hold). `Json` is nlohmann::json or nlohmann::ordered_json.
template <typename Json = nlohmann::json>
Json JsonNumber(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

}  // namespace huracan
