#include "data/timestamps.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace huracan::data {
namespace {

// 2000-01-01 and 2100-01-01 in epoch seconds.
constexpr int64_t kMinSec = 946'684'800;
constexpr int64_t kMaxSec = 4'102'444'800;

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

}  // namespace

const char* EpochUnitName(EpochUnit u) {
  switch (u) {
    case EpochUnit::kSeconds: return "s";
    case EpochUnit::kMillis: return "ms";
    case EpochUnit::kMicros: return "us";
    case EpochUnit::kNanos: return "ns";
  }
  return "?";
}

std::optional<EpochUnit> DetectEpochUnit(int64_t v) {
  if (v >= kMinSec && v < kMaxSec) return EpochUnit::kSeconds;
  if (v >= kMinSec * 1000 && v < kMaxSec * 1000) return EpochUnit::kMillis;
  if (v >= kMinSec * 1'000'000 && v < kMaxSec * 1'000'000) return EpochUnit::kMicros;
  if (v >= kMinSec * 1'000'000'000 && v < kMaxSec * 1'000'000'000) return EpochUnit::kNanos;
  return std::nullopt;
}

int64_t ToEpochMs(int64_t v, EpochUnit unit) {
  switch (unit) {
    case EpochUnit::kSeconds: return v > INT64_MAX / 1000 || v < INT64_MIN / 1000 ? v : v * 1000;
    case EpochUnit::kMillis: return v;
    case EpochUnit::kMicros: return FloorDiv(v, 1000);
    case EpochUnit::kNanos: return FloorDiv(v, 1'000'000);
  }
  return v;
}

int64_t StepMs(int64_t from, int64_t to) {
  uint64_t d = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  if (to < from) return 0;
  return d > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(d);
}

// Years 0001-9999: outside this the calendar maths would overflow, and the value is nonsense anyway.
static bool InCalendarRange(int64_t ms) { return ms >= -62'135'596'800'000LL && ms <= 253'402'300'799'999LL; }

std::string FormatIsoUtc(int64_t ms) {
  using namespace std::chrono;
  if (!InCalendarRange(ms)) return "out-of-range(" + std::to_string(ms) + ")";
  const int64_t rem = UtcMsOfDay(ms);
  year_month_day ymd{sys_days{days{UtcDay(ms)}}};
  int hh = UtcHourOfDay(ms), mm = static_cast<int>(rem / kMsPerMinute % 60);
  int ss = static_cast<int>(rem / kMsPerSecond % 60), frac = static_cast<int>(rem % kMsPerSecond);
  char buf[48];
  if (frac)
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hh, mm, ss, frac);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hh, mm, ss);
  return buf;
}

std::string FormatYmd(int64_t ms) {
  using namespace std::chrono;
  if (!InCalendarRange(ms)) return "00000000";
  year_month_day ymd{sys_days{days{UtcDay(ms)}}};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int64_t> ParseIsoUtc(std::string_view s) {
  int y, mo, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d))
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  int64_t ms = DaysFromCivil(y, mo, d) * kMsPerDay;
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    int hh, mi, ss = 0;
    if (!Digits(s, pos + 1, 2, &hh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &mi))
      return std::nullopt;
    pos += 6;
    int64_t frac_ms = 0;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &ss)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          frac_ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
    ms += hh * kMsPerHour + mi * kMsPerMinute + ss * kMsPerSecond + frac_ms;
  }
  std::string_view tz = s.substr(pos);
  if (!(tz.empty() || tz == "Z" || tz == "+00:00" || tz == "+0000")) return std::nullopt;
  return ms;
}

std::string TimeframeName(int64_t step) {
  if (step <= 0) return "";
  struct Unit {
    int64_t ms;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{7 * kMsPerDay, "w"}, {kMsPerDay, "d"},    {kMsPerHour, "h"},
                                    {kMsPerMinute, "m"},  {kMsPerSecond, "s"}, {1, "ms"}};
  for (const Unit& u : kUnits) {
    if (step % u.ms == 0) return std::to_string(step / u.ms) + u.suffix;
  }
  return std::to_string(step) + "ms";
}

size_t FirstAtOrAfter(const std::vector<int64_t>& ts_ms, int64_t t) {
  return static_cast<size_t>(std::lower_bound(ts_ms.begin(), ts_ms.end(), t) - ts_ms.begin());
}

int64_t MedianStepMs(const std::vector<int64_t>& ts) {
  std::vector<int64_t> steps;
  steps.reserve(ts.size());
  for (size_t i = 1; i < ts.size(); ++i) {
    if (ts[i] > ts[i - 1]) steps.push_back(StepMs(ts[i - 1], ts[i]));
  }
  if (steps.empty()) return 0;
  auto mid = steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2);
  std::nth_element(steps.begin(), mid, steps.end());
  return *mid;
}

}  // namespace huracan::data
