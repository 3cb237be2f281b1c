// Retry policy shared by the layers that retry transient failures (the training scheduler, the
// bot, the S3 object store): exponential backoff with a cap, optionally with jitter.
#pragma once

#include <cstdint>

#include "core/time_units.h"

namespace huracan {

struct RetryPolicy {
  int retries = 1;                // extra attempts after the first one
  int64_t base_ms = 2000;         // wait before retry 1; doubles for each further retry
  int64_t cap_ms = kMsPerMinute;  // never wait longer than this

  // Wait before retry number `retry` (1-based): min(cap, base * 2^(retry-1)); 0 for retry <= 0.
  int64_t BackoffMs(int retry) const;
  // The same wait with jitter, so that many clients do not retry in step: a value in
  // [BackoffMs/2, BackoffMs], placed by `unit` in [0, 1) (a uniform random draw).
  int64_t JitteredBackoffMs(int retry, double unit) const;
};

}  // namespace huracan
