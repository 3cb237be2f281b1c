#include "core/clock.h"

#include <chrono>

namespace huracan {

int64_t WallClock::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace huracan
