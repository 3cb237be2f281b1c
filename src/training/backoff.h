// Retry policy of the scheduler: exponential backoff with a cap (core/backoff.h; --retries R
// sets `retries`).
#pragma once

#include "core/backoff.h"

namespace huracan::training {

using huracan::RetryPolicy;

}  // namespace huracan::training
