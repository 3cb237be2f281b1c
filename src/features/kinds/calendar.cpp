// Calendar features (UTC time of day and day of week as sin/cos) and their table entry.
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "core/time_units.h"
#include "features/kinds/kind.h"

namespace huracan::features::kinds {
namespace {

// sin/cos of 2 pi * tod. Bars on a whole minute (all of them in 1m/1h/1d data) read a table
// built with the very same expression, so the table changes no bit.
struct SinCos {
  double s, c;
};
SinCos TimeOfDay(int64_t ms_of_day) {
  auto eval = [](int64_t ms) {
    const double tod = static_cast<double>(ms) / static_cast<double>(kMsPerDay);
    const double two_pi = 2.0 * std::numbers::pi;
    return SinCos{std::sin(two_pi * tod), std::cos(two_pi * tod)};
  };
  static const std::vector<SinCos> minutes = [&] {
    std::vector<SinCos> t;
    for (int64_t m = 0; m < kMinutesPerDay; ++m) t.push_back(eval(m * kMsPerMinute));
    return t;
  }();
  return ms_of_day % kMsPerMinute == 0 ? minutes[static_cast<size_t>(ms_of_day / kMsPerMinute)] : eval(ms_of_day);
}

class CalendarNode final : public Node<CalendarNode, 4> {
 public:
  void Step(const BarContext& ctx, double* out) {
    const int64_t ts = ctx.bar.ts_ms;
    const int64_t days = UtcDay(ts);
    const SinCos tod = TimeOfDay(UtcMsOfDay(ts));
    out[0] = tod.s;
    out[1] = tod.c;
    if (days != day_) {  // a cache of a pure function of the day, not state
      day_ = days;
      const int dow = WeekdayOfDay(days);  // Monday = 0
      const double two_pi = 2.0 * std::numbers::pi;
      dow_ = {std::sin(two_pi * static_cast<double>(dow) / 7.0), std::cos(two_pi * static_cast<double>(dow) / 7.0)};
    }
    out[2] = dow_.s;
    out[3] = dow_.c;
  }
  void Serialize(StateIO&) override {}

 private:
  int64_t day_ = std::numeric_limits<int64_t>::min();
  SinCos dow_{};
};

}  // namespace

std::vector<KindDef> CalendarKinds() {
  return {
      {.kind = "calendar",
       .help = "time of day and day of week (UTC, Monday = 0) as sin/cos",
       .names = Fixed({"tod_sin", "tod_cos", "dow_sin", "dow_cos"}),
       .make = New<CalendarNode>(),
       .batch_ns = 10},
  };
}

}  // namespace huracan::features::kinds
