// BarSeries: the in-memory column store of OHLCV bars, one contiguous array per field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/market.h"

namespace huracan::data {

struct BarSeries {
  std::string symbol;     // e.g. "BTCUSDT-PERP", "ADAUSDT"
  std::string timeframe;  // "1m", "1h", "1d"
  std::vector<int64_t> ts_ms;
  std::vector<double> open, high, low, close, volume;

  size_t size() const { return ts_ms.size(); }
  bool empty() const { return ts_ms.empty(); }
  void reserve(size_t n);
  void push_back(const Bar& b);
  Bar bar(size_t i) const { return Bar{ts_ms[i], open[i], high[i], low[i], close[i], volume[i]}; }
  // Bars [begin, end) as a new series with the same symbol and timeframe.
  BarSeries slice(size_t begin, size_t end) const;
  bool is_perp() const;  // symbol ends with "-PERP": shorts allowed
};

// The bar of `ref` at exactly `ts_ms`, for walking a reference series (BTC) beside another in
// increasing time: `*cursor` only moves forward. Copies the bar into `*out` and returns `out`;
// nullptr when `ref` is null or has no bar at `ts_ms`.
inline const Bar* AlignedBar(const BarSeries* ref, int64_t ts_ms, size_t* cursor, Bar* out) {
  if (!ref) return nullptr;
  size_t& i = *cursor;
  while (i < ref->size() && ref->ts_ms[i] < ts_ms) ++i;
  if (i >= ref->size() || ref->ts_ms[i] != ts_ms) return nullptr;
  *out = ref->bar(i);
  return out;
}

// Timeframe length in ms ("1m" -> 60000); 0 if unknown.
int64_t TimeframeMs(const std::string& timeframe);

}  // namespace huracan::data
