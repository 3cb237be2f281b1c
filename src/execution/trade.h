// One round trip: entry, exit and the cost attribution of both sides.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/market.h"

namespace huracan::execution {

struct Trade {
  std::string symbol;
  Direction direction = Direction::kBuy;
  int64_t signal_ts_ms = 0;  // open time of the bar whose close produced the signal
  int64_t entry_ts_ms = 0;   // open time of the fill bar (entry at its open)
  int64_t exit_ts_ms = 0;    // open time of the exit fill bar
  double entry_price = 0, exit_price = 0;
  int horizon_minutes = 0;
  // signal (a signal against the position, at the next open), opposite (the same, when the signal
  // is also an accepted entry the other way), stop, take_profit, horizon, end (the last close).
  std::string exit_reason;
  std::vector<std::string> engines;
  std::string tag;  // signal-file backtests: the row's tag column
  // Cost attribution in bps of notional: net = gross - fees - spread - slippage (fees include funding).
  double gross_bps = 0, fees_bps = 0, spread_bps = 0, slippage_bps = 0, funding_bps = 0, net_bps = 0;
};

// The quote-currency amounts of a trade of `notional`: every cost of the round trip (exchange fees
// with funding, spread, slippage), and the net P&L (gross - costs). The backtest's JSON trades and
// the live trade logs both use these.
inline double TradeFeesQuote(const Trade& t, double notional) {
  return notional * (t.fees_bps + t.spread_bps + t.slippage_bps) * 1e-4;
}
inline double TradeNetPnlQuote(const Trade& t, double notional) { return notional * t.net_bps * 1e-4; }

}  // namespace huracan::execution
