// Data folders: candle files named `<BASE>-<QUOTE>[-PERP]_<timeframe>_*.parquet|.csv`, the symbol ids
// they carry (`<BASE><QUOTE>[-PERP]`, e.g. ADAUSDT, BTCUSDT-PERP), loading any of them as a
// BarSeries, and the `--symbols all|topN|A,B` selection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/bar_series.h"

namespace huracan::data {

// A market as written in file names: BASE-QUOTE[-PERP].
struct Market {
  std::string base, quote;
  bool perp = false;

  std::string id() const { return base + quote + (perp ? "-PERP" : ""); }          // "BTCUSDT-PERP"
  std::string stem() const { return base + "-" + quote + (perp ? "-PERP" : ""); }  // "BTC-USDT-PERP"
  bool operator==(const Market&) const = default;
};

// "BTC-USDT", "BTC-USDT-PERP" (the file-name form) or "BTCUSDT", "BTCUSDT-PERP" (the id form, split
// at a known quote asset: USDT, USDC, FDUSD, BUSD, TUSD, DAI, BTC, ETH, BNB, EUR, TRY, ...).
// Upper-cases its input. nullopt when it is not a market.
std::optional<Market> ParseMarket(std::string_view text);

struct DataFileName {
  Market market;
  std::string timeframe;  // "1m", "1h", "1d" (validated by TimeframeMs)
  std::string format;     // "parquet" or "csv"
};

// Parses a file name (a path is fine; only the last component counts):
//   `BTC-USDT-PERP_1m_20250611_20251108.parquet` (our layout: BASE-QUOTE[-PERP]_TF_anything.ext), or
//   `BTCUSDT-1m-2025-01.csv` / `BTCUSDT-1m-2025-01-02.csv` (Binance's dump layout; spot market).
std::optional<DataFileName> ParseDataFileName(std::string_view path);

// The normalised file name written by `data import`: BASE-QUOTE[-PERP]_TF_FIRSTYYYYMMDD_LASTYYYYMMDD.parquet.
std::string NormalisedFileName(const Market& market, const std::string& timeframe, int64_t first_ts_ms,
                               int64_t last_ts_ms);

struct CatalogEntry {
  std::string path;
  DataFileName name;
  std::string symbol() const { return name.market.id(); }
};

// Candle files (.parquet, .csv) under `dir` whose names parse, sorted by (symbol, timeframe, path).
// `timeframe` non-empty keeps only that timeframe. Recursive when `recursive`.
Result<std::vector<CatalogEntry>> ScanDataDir(const std::string& dir, const std::string& timeframe = "",
                                              bool recursive = false);

// Every .parquet and .csv file under `path` (itself when it is a file), sorted; recursive for folders.
Result<std::vector<std::string>> ListCandleFiles(const std::string& path);

// Loads a candle file by its extension (.parquet -> ReadParquetBars, .csv -> ReadCsvBars), in file
// order, without repair. Symbol and timeframe come from the file name when it parses, else stay empty.
Result<BarSeries> LoadBars(const std::string& path);

// Liquidity: the median over the last `days` UTC days up to `end_day` (inclusive, a UtcDay number) of
// the daily quote volume (sum of close*volume of the day's bars); a day without bars counts as 0.
double MedianDailyQuoteVolume(const BarSeries& bars, int64_t end_day, int days = 30);

// Resolves `--symbols`: "all" (every symbol in `entries`), "topN" (the N most liquid by
// MedianDailyQuoteVolume over the last 30 days of data, the window ending on the latest day present
// in any selected file; ties by id), or a comma list of ids ("BTCUSDT-PERP,ADAUSDT"; the BASE-QUOTE
// form is accepted too). Unknown symbols are an error naming them. Ids come back sorted for "all",
// in the given order (without repeats) for a list, by liquidity (most liquid first) for "topN"; a
// topN larger than the number of symbols selects them all. Only entries of `timeframe` count.
Result<std::vector<std::string>> SelectSymbols(const std::vector<CatalogEntry>& entries, std::string_view spec,
                                               const std::string& timeframe = "1m");

}  // namespace huracan::data
