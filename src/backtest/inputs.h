// Loading a candle file and its BTC reference series for backtests and checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/bar_series.h"

namespace huracan::backtest {

struct BacktestInputs {
  data::BarSeries bars;
  std::optional<data::BarSeries> ref;
  std::string ref_path;  // the file used as reference, empty when none
  std::string note;      // human-readable line about the reference choice (for stderr)
  // Repairs made by the quality rules, one line each with the file, the row and its time (for stderr).
  std::vector<std::string> repairs;
};

// Reads `data_path` through the quality rules of training (data::CheckAndRepair with the default
// policy, docs/DATA.md): a refused file is a failed_precondition error naming the file, the
// reasons and its first bad row; repairs are listed in `repairs`. The reference is read the same way.
// The reference is `ref_path` when given, else (for a non-BTC symbol) a BTC file
// in the same folder with the same timeframe: BTC-USDT-PERP first, then BTC-USDT. None: no reference.
Result<BacktestInputs> LoadInputs(const std::string& data_path, const std::string& ref_path);

}  // namespace huracan::backtest
