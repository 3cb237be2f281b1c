#include "data/bar_series.h"

#include <algorithm>

#include "core/time_units.h"

namespace huracan::data {

void BarSeries::reserve(size_t n) {
  ts_ms.reserve(n);
  open.reserve(n);
  high.reserve(n);
  low.reserve(n);
  close.reserve(n);
  volume.reserve(n);
}

void BarSeries::push_back(const Bar& b) {
  ts_ms.push_back(b.ts_ms);
  open.push_back(b.open);
  high.push_back(b.high);
  low.push_back(b.low);
  close.push_back(b.close);
  volume.push_back(b.volume);
}

BarSeries BarSeries::slice(size_t begin, size_t end) const {
  end = std::min(end, size());
  begin = std::min(begin, end);
  BarSeries out;
  out.symbol = symbol;
  out.timeframe = timeframe;
  auto cut = [&](const auto& v, auto& dst) { dst.assign(v.begin() + begin, v.begin() + end); };
  cut(ts_ms, out.ts_ms);
  cut(open, out.open);
  cut(high, out.high);
  cut(low, out.low);
  cut(close, out.close);
  cut(volume, out.volume);
  return out;
}

bool BarSeries::is_perp() const {
  static const std::string kSuffix = "-PERP";
  return symbol.size() >= kSuffix.size() &&
         symbol.compare(symbol.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

int64_t TimeframeMs(const std::string& tf) {
  if (tf.size() < 2) return 0;
  int64_t n = 0;
  size_t i = 0;
  while (i < tf.size() && tf[i] >= '0' && tf[i] <= '9') n = n * 10 + (tf[i++] - '0');
  if (n <= 0 || i + 1 != tf.size()) return 0;
  switch (tf[i]) {
    case 's': return n * kMsPerSecond;
    case 'm': return n * kMsPerMinute;
    case 'h': return n * kMsPerHour;
    case 'd': return n * kMsPerDay;
    case 'w': return n * 7 * kMsPerDay;
    default: return 0;
  }
}

}  // namespace huracan::data
