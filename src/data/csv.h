// CSV candles: Binance's public kline dumps and generic OHLCV files with a header.
//
// Binance kline dump (https://data.binance.vision): 12 columns, with or without a header:
//   open_time, open, high, low, close, volume, close_time, quote_volume, count,
//   taker_buy_volume, taker_buy_quote_volume, ignore
// Spot dumps carry open_time in µs since 2025-01-01 and in ms before; the unit is detected per
// file from the magnitude of the first timestamp (see DetectEpochUnit), and every later row must
// be in the same unit.
//
// Generic OHLCV: a header naming `timestamp` (or `timestamp_ms` / `open_time`) and open, high,
// low, close, volume, in any order, extra columns ignored. Timestamps are integers in s, ms, µs or
// ns (detected by magnitude, as above) or ISO-8601 UTC text ("2025-01-01T00:00:00Z").
//
// Rows keep the file's order: no sorting or repair here (that is data/quality.h).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "data/bar_series.h"
#include "data/timestamps.h"

namespace huracan::data {

enum class CsvLayout : uint8_t { kBinance, kGeneric };

// What the reader found, for reports and tests.
struct CsvInfo {
  CsvLayout layout = CsvLayout::kBinance;
  bool has_header = false;
  bool iso_timestamps = false;          // timestamps were ISO text
  EpochUnit unit = EpochUnit::kMillis;  // unit of the numeric timestamps
  size_t rows = 0;
};

// Reads a CSV candle file. Errors name the file and the 1-based line ("f.csv:17: ...").
// symbol and timeframe are left empty (the caller knows them from the file name).
Result<BarSeries> ReadCsvBars(const std::string& path, CsvInfo* info = nullptr);
// Same from text in memory; `name` is used in error messages.
Result<BarSeries> ParseCsvBars(std::string_view text, const std::string& name, CsvInfo* info = nullptr);

// The export format of `huracan data export --format csv`: the header
// `timestamp_ms,open,high,low,close,volume` then one row per bar in series order; the timestamp
// as an integer and doubles in shortest round-trip form (std::to_chars), so values are bit-exact.
std::string BarsToCsv(const BarSeries& bars);

}  // namespace huracan::data
