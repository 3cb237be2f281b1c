// Our own Parquet reader and writer (no Arrow is available).
// Reader: flat schemas; PLAIN / RLE_DICTIONARY / PLAIN_DICTIONARY; UNCOMPRESSED, SNAPPY, GZIP, ZSTD;
// data page v1 and v2; several row groups; INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY, BOOLEAN; nulls.
// Anything else is refused with an error naming the file and the column. Never UB on corrupt input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "data/bar_series.h"

namespace huracan::data {

enum class TimeUnit : uint8_t { kNone, kMillis, kMicros, kNanos };

// One decoded column. Integers and timestamps are int64; floats widen to double.
struct ParquetColumn {
  std::string name;
  enum class Kind : uint8_t { kInt64, kDouble, kString, kBool } kind = Kind::kDouble;
  TimeUnit time_unit = TimeUnit::kNone;  // set for TIMESTAMP logical/converted types
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<std::string> str;
  std::vector<uint8_t> b;
  std::vector<uint8_t> valid;  // empty when the column has no nulls; else 1 = present
  size_t size() const;
};

struct ParquetTable {
  int64_t num_rows = 0;
  std::vector<ParquetColumn> columns;
  const ParquetColumn* find(std::string_view name) const;
};

struct ParquetReadOptions {
  std::vector<std::string> columns;  // empty = all; otherwise these, in this order
  // Refuse files whose decoded pages and values would exceed this many bytes (a lying header
  // must not exhaust memory). 0 = the default, 1024 x the file size + 256 MiB.
  uint64_t max_decoded_bytes = 0;
};

Result<ParquetTable> ReadParquet(const std::string& path, const ParquetReadOptions& opts = {});
// Same, from bytes in memory; `name` is used in error messages.
Result<ParquetTable> ReadParquetBuffer(std::string_view bytes, const std::string& name,
                                       const ParquetReadOptions& opts = {});

// Reads an OHLCV candle file: `timestamp` (or `open_time`) converted to epoch ms from its unit,
// plus open, high, low, close, volume. Other columns (such as the mislabelled `ts`) are ignored.
// Symbol and timeframe come from the file name when it follows BASE-QUOTE[-PERP]_TF_*.parquet.
Result<BarSeries> ReadParquetBars(const std::string& path);

// Writer: flat tables of int64, double, string and bool columns, ZSTD, one row group per
// `row_group_rows` rows. Written atomically (temp file + rename).
struct ParquetWriteOptions {
  int64_t row_group_rows = 1 << 20;
  int zstd_level = 3;
};
Result<std::string> WriteParquetBuffer(const ParquetTable& table, const ParquetWriteOptions& opts = {});
Status WriteParquet(const std::string& path, const ParquetTable& table, const ParquetWriteOptions& opts = {});
Status WriteParquetBars(const std::string& path, const BarSeries& bars);

}  // namespace huracan::data
