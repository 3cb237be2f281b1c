// Retry policy of the scheduler: exponential backoff with a cap.
#pragma once

#include <cstdint>

#include "core/time_units.h"

namespace huracan::training {

struct RetryPolicy {
  int retries = 1;                // extra attempts after the first one (--retries R)
  int64_t base_ms = 2000;         // wait before retry 1; doubles for each further retry
  int64_t cap_ms = kMsPerMinute;  // never wait longer than this

  // Wait before retry number `retry` (1-based): min(cap, base * 2^(retry-1)); 0 for retry <= 0.
  int64_t BackoffMs(int retry) const;
};

}  // namespace huracan::training
