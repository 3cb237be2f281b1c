// Signal files (huracan backtest --signals): a CSV with the header
// timestamp_ms,enter_long,exit_long,enter_short,exit_short (any column order; an optional `tag`
// column is free text carried into the trades; any other column is refused). Each row names a bar
// of the data by its open time; each flag is 0 or 1. A bar without a row has no signal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "decision/decision.h"

namespace huracan::backtest {

// Parses `text`; `bar_ts` are the open times of the data's bars (sorted). Errors name the problem
// and the line, on one line.
Result<decision::SignalTable> ParseSignalFile(std::string_view text, const std::vector<int64_t>& bar_ts);
// Reads and parses `path`; errors are prefixed with the path.
Result<decision::SignalTable> ReadSignalFile(const std::string& path, const std::vector<int64_t>& bar_ts);

}  // namespace huracan::backtest
