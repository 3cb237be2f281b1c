// The executor: one symbol's position and the rules that fill it, bar by bar. The backtester and
// the live paper broker both drive it, so paper and backtest P&L follow the same rules.
//
// Per bar, in this order:
//   OnBar(bar)      1. at the open: exits first (horizon due, pending opposite signal), then the
//                      pending entry (taker: at the open);
//                   2. intrabar stop / take-profit (the stop first when both are touched), else
//                      mark to the close;
//   OnDecision(d)   3. at the close: the pipeline's decision sets a pending exit (opposite signal)
//                      and/or a pending entry (a trade in another direction than the position);
//   EndOfData()        closes an open position at the last close (exit reason end_of_data).
// A decision at the close of bar t therefore fills at the open of bar t+1, with the cost model's
// per-side costs; exits are taker at the cost snapshot of the last decision.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "costs/cost_model.h"
#include "decision/decision.h"
#include "execution/trade.h"

namespace huracan::execution {

struct ExecutorConfig {
  std::string symbol;
  int64_t timeframe_ms = 60'000;
  costs::CostConfig costs;
  double stop_sigmas = 3.0;  // stop = max(min_stop_bps, stop_sigmas * sigma_bar * sqrt(horizon bars))
  double take_profit_sigmas = 4.0;
  double min_stop_bps = 15.0;
};

// Told when a position opens or closes (the pipeline's guardrails track both).
class PositionListener {
 public:
  virtual ~PositionListener() = default;
  virtual void OnPositionOpened(Direction d, int64_t ts_ms) = 0;
  virtual void OnPositionClosed(int64_t ts_ms, double pnl_quote) = 0;
};

class Executor {
 public:
  // `listener` may be null.
  explicit Executor(ExecutorConfig config, PositionListener* listener = nullptr);

  // Steps 1-2 for `bar`; returns its net return contribution (fraction of notional).
  double OnBar(const Bar& bar);
  // Step 3: the decision taken at the close of the bar last given to OnBar, with the pipeline's
  // market snapshot of that bar (entry costs, stop width, exit costs).
  void OnDecision(const decision::Decision& d, const costs::MarketSnapshot& market);
  // Closes an open position at the close of the last bar (time: that bar's end); returns the net
  // return to add to that bar (0 when flat). Pending orders are dropped.
  double EndOfData();

  // Closed trades since the last call, oldest first.
  std::vector<Trade> TakeTrades();
  int position() const { return pos_.dir; }  // -1, 0, +1
  int64_t bars_in_position() const { return bars_in_position_; }

  // The state (open position, pending orders, counters) as versioned JSON, and back. Closed
  // trades not yet taken are not part of it.
  std::string SaveState() const;
  Status RestoreState(std::string_view json);

 private:
  struct Position {
    int dir = 0;
    double entry_price = 0;
    double mark = 0;
    int64_t exit_due_bar = 0;
    double stop = 0, take_profit = 0;
    Trade trade;
    costs::CostBreakdown entry_cost;
  };
  struct Intent {  // a trade decision waiting for its fill
    Direction direction = Direction::kWait;
    int64_t signal_ts_ms = 0;
    int horizon_minutes = 0;
    std::vector<std::string> engines;
    costs::MarketSnapshot market;
  };

  double Close(double px, int64_t ts_ms, const char* why);
  double Open(const Intent& in, double px, int64_t ts_ms, const costs::CostBreakdown& entry_cost);

  ExecutorConfig config_;
  costs::CostModel cost_;
  PositionListener* listener_;
  Position pos_;
  bool pending_exit_ = false;
  bool pending_entry_ = false;
  Intent entry_;
  costs::MarketSnapshot last_market_;
  int64_t bar_no_ = -1;  // sequence number of the bar last given to OnBar
  Bar last_bar_;
  int64_t bars_in_position_ = 0;
  std::vector<Trade> closed_;
};

}  // namespace huracan::execution
