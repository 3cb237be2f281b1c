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
  int64_t exit_ts_ms = 0;    // time of the exit fill
  double entry_price = 0, exit_price = 0;
  int horizon_minutes = 0;
  std::string exit_reason;  // horizon, stop, take_profit, opposite_signal, end_of_data
  std::vector<std::string> engines;
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
