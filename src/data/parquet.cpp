// Table helpers and the candle-file layer over the Parquet reader and writer.
#include "data/parquet.h"

#include <cmath>
#include <filesystem>

#include "core/time_units.h"

namespace huracan::data {
namespace {

constexpr const char* kPriceColumns[] = {"open", "high", "low", "close", "volume"};

// Splits "BTC-USDT-PERP_1m_20250611_20251108.parquet" into symbol "BTCUSDT-PERP" and "1m".
void SymbolFromFileName(const std::string& path, BarSeries* bars) {
  std::string stem = std::filesystem::path(path).stem().string();
  size_t us = stem.find('_');
  if (us == std::string::npos) return;
  std::string pair = stem.substr(0, us);
  size_t us2 = stem.find('_', us + 1);
  std::string tf = stem.substr(us + 1, us2 == std::string::npos ? std::string::npos : us2 - us - 1);
  bool perp = false;
  if (pair.size() > 5 && pair.compare(pair.size() - 5, 5, "-PERP") == 0) {
    perp = true;
    pair.resize(pair.size() - 5);
  }
  size_t dash = pair.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == pair.size() ||
      pair.find('-', dash + 1) != std::string::npos || TimeframeMs(tf) == 0) {
    return;
  }
  bars->symbol = pair.substr(0, dash) + pair.substr(dash + 1) + (perp ? "-PERP" : "");
  bars->timeframe = tf;
}

// Divisor that turns the column's values into epoch ms. Labelled columns are trusted; a plain
// integer column is epoch ms unless its magnitude says µs (>= 1e14) or ns (>= 1e17).
int64_t MsDivisor(const ParquetColumn& c) {
  switch (c.time_unit) {
    case TimeUnit::kMillis: return 1;
    case TimeUnit::kMicros: return 1000;
    case TimeUnit::kNanos: return 1000000;
    case TimeUnit::kNone: break;
  }
  for (size_t i = 0; i < c.i64.size(); ++i) {
    if (!c.valid.empty() && !c.valid[i]) continue;
    int64_t v = c.i64[i] < 0 ? -(c.i64[i] + 1) : c.i64[i];
    if (v >= 100000000000000000LL) return 1000000;
    if (v >= 100000000000000LL) return 1000;
    return 1;
  }
  return 1;
}

}  // namespace

size_t ParquetColumn::size() const {
  switch (kind) {
    case Kind::kInt64: return i64.size();
    case Kind::kDouble: return f64.size();
    case Kind::kString: return str.size();
    case Kind::kBool: return b.size();
  }
  return 0;
}

const ParquetColumn* ParquetTable::find(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<BarSeries> ReadParquetBars(const std::string& path) {
  // Read the time column by name: `timestamp`, else `open_time`. Never `ts` (mislabelled).
  ParquetReadOptions opts;
  opts.columns = {"timestamp", "open", "high", "low", "close", "volume"};
  auto table = ReadParquet(path, opts);
  if (!table.ok() && table.error().code == ErrorCode::kNotFound &&
      table.error().message.find("'timestamp'") != std::string::npos) {
    opts.columns[0] = "open_time";
    table = ReadParquet(path, opts);
    if (!table.ok() && table.error().code == ErrorCode::kNotFound &&
        table.error().message.find("'open_time'") != std::string::npos) {
      return InvalidArgument(path +
                             ": missing column 'timestamp' (or 'open_time'); candle files need timestamp, "
                             "open, high, low, close, volume");
    }
  }
  if (!table.ok()) {
    const Error& e = table.error();
    if (e.code == ErrorCode::kNotFound && e.message.rfind(path + ": column '", 0) == 0) {
      return InvalidArgument(e.message + " (candle files need timestamp, open, high, low, close, volume)");
    }
    return e;
  }
  const ParquetColumn& ts = table->columns[0];
  if (ts.kind != ParquetColumn::Kind::kInt64) {
    return InvalidArgument(path + ": column '" + ts.name + "' must hold integer timestamps");
  }
  BarSeries bars;
  SymbolFromFileName(path, &bars);
  const size_t n = static_cast<size_t>(table->num_rows);
  const int64_t div = MsDivisor(ts);
  bars.ts_ms.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!ts.valid.empty() && !ts.valid[i]) {
      return DataLoss(path + ": column '" + ts.name + "': null timestamp at row " + std::to_string(i));
    }
    bars.ts_ms[i] = div == 1 ? ts.i64[i] : FloorDiv(ts.i64[i], div);
  }
  std::vector<double>* dst[] = {&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume};
  for (size_t k = 0; k < 5; ++k) {
    const ParquetColumn& c = table->columns[k + 1];
    std::vector<double>& out = *dst[k];
    if (c.kind == ParquetColumn::Kind::kDouble) {
      out = std::move(table->columns[k + 1].f64);  // nulls already read as NaN
    } else if (c.kind == ParquetColumn::Kind::kInt64) {
      out.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out[i] = (c.valid.empty() || c.valid[i]) ? static_cast<double>(c.i64[i]) : std::nan("");
      }
    } else {
      return InvalidArgument(path + ": column '" + kPriceColumns[k] + "' must be numeric");
    }
  }
  return bars;
}

Status WriteParquetBars(const std::string& path, const BarSeries& bars) {
  ParquetTable t;
  t.num_rows = static_cast<int64_t>(bars.size());
  ParquetColumn ts;
  ts.name = "timestamp";
  ts.kind = ParquetColumn::Kind::kInt64;
  ts.i64 = bars.ts_ms;
  t.columns.push_back(std::move(ts));
  const std::vector<double>* src[] = {&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume};
  for (size_t k = 0; k < 5; ++k) {
    if (src[k]->size() != bars.size()) {
      return InvalidArgument(path + ": bar series column '" + kPriceColumns[k] + "' has " +
                             std::to_string(src[k]->size()) + " values for " + std::to_string(bars.size()) +
                             " timestamps");
    }
    ParquetColumn c;
    c.name = kPriceColumns[k];
    c.kind = ParquetColumn::Kind::kDouble;
    c.f64 = *src[k];
    t.columns.push_back(std::move(c));
  }
  return WriteParquet(path, t);
}

}  // namespace huracan::data
