#include "training/backoff.h"

#include <algorithm>

namespace huracan::training {

int64_t RetryPolicy::BackoffMs(int retry) const {
  if (retry <= 0 || base_ms <= 0) return 0;
  int64_t wait = base_ms;
  for (int i = 1; i < retry && wait < cap_ms; ++i) wait *= 2;
  return std::min(wait, cap_ms);
}

}  // namespace huracan::training
