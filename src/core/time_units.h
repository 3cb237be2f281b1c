// Time units and UTC calendar arithmetic on epoch milliseconds: the one place the day, hour and
// weekday of a timestamp are computed. Pure functions; no clock is read here (see core/clock.h).
#pragma once

#include <cstdint>

namespace huracan {

inline constexpr int64_t kMsPerSecond = 1'000;
inline constexpr int64_t kMsPerMinute = 60'000;
inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMsPerDay = 86'400'000;
inline constexpr int64_t kMinutesPerDay = kMsPerDay / kMsPerMinute;

// Floor division (toward negative infinity), so times before 1970 fall in the right bucket.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// The remainder that goes with FloorDiv: in [0, b) for b > 0. Computed from a % b, so it cannot
// overflow even for timestamps near the int64 limits (corrupt inputs).
constexpr int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// The UTC day number since 1970-01-01 (day 0).
constexpr int64_t UtcDay(int64_t ms) { return FloorDiv(ms, kMsPerDay); }
// Milliseconds since the start of the UTC day, in [0, kMsPerDay).
constexpr int64_t UtcMsOfDay(int64_t ms) { return FloorMod(ms, kMsPerDay); }
// The UTC hour of the day, 0-23.
constexpr int UtcHourOfDay(int64_t ms) { return static_cast<int>(UtcMsOfDay(ms) / kMsPerHour); }
// The UTC weekday of a day number, Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday).
constexpr int WeekdayOfDay(int64_t day) {
  const int64_t d = (day + 3) % 7;
  return static_cast<int>(d < 0 ? d + 7 : d);
}
// The UTC weekday of a timestamp, Monday = 0 ... Sunday = 6.
constexpr int UtcWeekday(int64_t ms) { return WeekdayOfDay(UtcDay(ms)); }

static_assert(FloorMod(-7, 5) == 3 && FloorMod(7, 5) == 2);
static_assert(UtcDay(-1) == -1 && UtcMsOfDay(-1) == kMsPerDay - 1);
static_assert(FloorMod(-7, 2) == 1 && FloorMod(7, 2) == 1 && FloorMod(-8, 2) == 0);
static_assert(FloorMod(INT64_MIN, kMsPerMinute) >= 0 && UtcMsOfDay(INT64_MIN) >= 0);
static_assert(UtcWeekday(0) == 3);              // Thursday
static_assert(UtcWeekday(4 * kMsPerDay) == 0);  // 1970-01-05, a Monday
static_assert(UtcHourOfDay(-1) == 23 && UtcHourOfDay(kMsPerHour * 25) == 1);

}  // namespace huracan
