// FeatureFrame: the features of one series, column-major (one contiguous array per feature).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace huracan::features {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct FeatureFrame {
  std::vector<std::string> names;            // recipe order
  std::vector<int64_t> ts_ms;                // one per row (bar open time)
  std::vector<std::vector<double>> columns;  // columns[feature][row]; NaN = no value (warm-up, missing ref)

  size_t rows() const { return ts_ms.size(); }
  size_t cols() const { return names.size(); }
  // Index of `name`, or -1.
  int index_of(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace huracan::features
