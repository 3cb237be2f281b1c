// The executor: one symbol's position and the rules that fill it, bar by bar. The backtester and
// the live paper broker both drive it, so paper and backtest P&L follow the same rules.
//
// Per bar, in this order:
//   OnBar(bar)      1. at the open: exits first (horizon due, pending exit signal), then the
//                      pending entry (taker: at the open);
//                   2. intrabar stop / take-profit, else mark to the close: a level the bar's
//                      range crosses fills at the level, or at the open when the open already
//                      gapped through it; when both lie in the range the stop wins, unless the open
//                      already crossed the take-profit;
//   OnDecision(d)   3. at the close: the pipeline's decision sets a pending exit (a signal against
//                      the position) and/or a pending entry (a trade in another direction);
//   EndOfData()        closes an open position at the last close (exit reason end).
// A decision at the close of bar t therefore fills at the open of bar t+1, with the cost model's
// per-side costs; exits are taker at the cost snapshot of the last decision. Exit reasons (see
// trade.h): signal, opposite (the signal was an accepted entry the other way), stop, take_profit,
// horizon, end. Trades carry the open times of their entry and exit fill bars.
//
// Maker entries (costs.maker_entry): the decision at the close of bar t places a post-only limit
// at that close, L. It fills in bar t+j (1 <= j <= maker_fill_bars) only when the price trades
// through L by maker_trade_through_bps (a long: low <= L*(1 - margin); a short: high >=
// L*(1 + margin)); touching L is not enough. The fill is at L, even when the open already gapped
// through (a resting order executes at its own price). The entry pays the maker fee only (no half
// spread, no slippage); the exit stays taker. Horizon, stop and take-profit run from the fill bar;
// in the fill bar only the stop is checked (its high or low may have come before the fill). An
// opposite signal at a close cancels the resting order (counted in maker_cancelled); a trade
// decision in the other direction replaces it; one in the same direction leaves it alone. Unfilled
// after maker_fill_bars bars, the order is cancelled and counted in maker_unfilled. These fills are
// adversely selected: an order fills exactly when the market moves against it (docs/DECISION.md).
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

// Fixed exits (signal-file backtests) instead of the engines' volatility-scaled stops and the
// decisions' horizons. NaN or 0 leaves an exit out.
struct FixedExits {
  bool on = false;
  double stop_bps = 0;         // from the entry price; 0: no stop
  double take_profit_bps = 0;  // 0: no take-profit
  int64_t max_hold_bars = 0;   // exit at the open of the bar this many bars after the entry; 0: none
  bool exit_on_signal = true;  // false: only an accepted entry the other way closes a position
};

struct ExecutorConfig {
  std::string symbol;
  int64_t timeframe_ms = 60'000;
  costs::CostConfig costs;
  double stop_sigmas = 3.0;  // stop = max(min_stop_bps, stop_sigmas * sigma_bar * sqrt(horizon bars))
  double take_profit_sigmas = 4.0;
  double min_stop_bps = 15.0;
  FixedExits fixed;  // when fixed.on, replaces the three above and the decisions' horizons
};

// Told when a position opens or closes (the pipeline's guardrails track both).
class PositionListener {
 public:
  virtual ~PositionListener() = default;
  virtual void OnPositionOpened(Direction d, int64_t ts_ms) = 0;
  virtual void OnPositionClosed(int64_t ts_ms, double pnl_quote) = 0;
};

// The reason a maker entry that never filled is counted under (backtest rejections).
inline constexpr const char* kMakerUnfilled = "maker_unfilled";

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
  // Flat with no pending entry and no resting maker order.
  bool flat() const { return pos_.dir == 0 && !pending_entry_ && !maker_resting_; }
  // Blocked (live: paused, or a model on its way out): no new position is opened; a pending entry
  // or resting maker order is dropped at the next bar; exits (horizon, opposite signal, stop,
  // take-profit) go on. Not part of SaveState: the owner sets it before each bar.
  void set_entries_blocked(bool blocked) { entries_blocked_ = blocked; }
  bool entries_blocked() const { return entries_blocked_; }
  // The open position (direction, entry time and price), for status pages; dir 0 when flat.
  struct OpenView {
    int dir = 0;
    int64_t entry_ts_ms = 0;
    double entry_price = 0, mark = 0;
  };
  OpenView open_position() const { return {pos_.dir, pos_.trade.entry_ts_ms, pos_.entry_price, pos_.mark}; }
  int64_t bars_in_position() const { return bars_in_position_; }
  int64_t maker_unfilled() const { return maker_unfilled_; }    // maker orders expired unfilled
  int64_t maker_cancelled() const { return maker_cancelled_; }  // maker orders cancelled by a signal

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
    std::string tag;
    costs::MarketSnapshot market;
  };

  // The cost of a maker entry: the maker fee, nothing else.
  costs::CostBreakdown MakerEntryCost() const;
  // Fills or expires the resting maker order in this bar; true when it filled.
  bool WorkMakerOrder(const Bar& bar, double* ret);
  // `ts_ms`: open time of the fill bar; `held_until_ms`: the time funding runs to (the fill time).
  double Close(double px, int64_t ts_ms, int64_t held_until_ms, const char* why);
  // The stop and take-profit of a position opened at `px` (NaN: none) and its exit bar.
  void SetExits(const Intent& in, double px);
  double Open(const Intent& in, double px, int64_t ts_ms, const costs::CostBreakdown& entry_cost);

  ExecutorConfig config_;
  costs::CostModel cost_;
  PositionListener* listener_;
  Position pos_;
  bool pending_exit_ = false;
  const char* pending_exit_reason_ = "signal";
  bool pending_entry_ = false;
  bool entries_blocked_ = false;
  Intent entry_;
  bool maker_resting_ = false;  // a maker order (entry_) rests at maker_limit_
  double maker_limit_ = 0;
  int64_t maker_placed_bar_ = 0;  // the signal bar; fills possible in the next maker_fill_bars bars
  int64_t maker_unfilled_ = 0, maker_cancelled_ = 0;
  costs::MarketSnapshot last_market_;
  int64_t bar_no_ = -1;  // sequence number of the bar last given to OnBar
  Bar last_bar_;
  int64_t bars_in_position_ = 0;
  std::vector<Trade> closed_;
};

}  // namespace huracan::execution
