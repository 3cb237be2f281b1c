#include "core/backoff.h"

#include <algorithm>

namespace huracan {

int64_t RetryPolicy::BackoffMs(int retry) const {
  if (retry <= 0 || base_ms <= 0) return 0;
  int64_t wait = base_ms;
  for (int i = 1; i < retry && wait < cap_ms; ++i) wait *= 2;
  return std::min(wait, cap_ms);
}

int64_t RetryPolicy::JitteredBackoffMs(int retry, double unit) const {
  const int64_t full = BackoffMs(retry);
  const double u = std::clamp(unit, 0.0, 1.0);
  return full / 2 + static_cast<int64_t>(u * static_cast<double>(full - full / 2));
}

}  // namespace huracan
