// Loading a candle file and its BTC reference series for backtests and checks.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "data/bar_series.h"

namespace huracan::backtest {

struct BacktestInputs {
  data::BarSeries bars;
  std::optional<data::BarSeries> ref;
  std::string ref_path;  // the file used as reference, empty when none
  std::string note;      // human-readable line about the reference choice (for stderr)
};

// Reads `data_path`; the reference is `ref_path` when given, else (for a non-BTC symbol) a BTC file
// in the same folder with the same timeframe: BTC-USDT-PERP first, then BTC-USDT. None: no reference.
Result<BacktestInputs> LoadInputs(const std::string& data_path, const std::string& ref_path);

}  // namespace huracan::backtest
