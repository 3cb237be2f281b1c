// Cost model per symbol, per bar: fees, spread, slippage, funding, exchange lot rules.
// Everything is in bps of the traded notional (1 bps = 1e-4).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time_units.h"

namespace huracan::costs {

struct CostConfig {
  double taker_fee_bps = 7.5;       // per side
  double maker_fee_bps = 7.5;       // per side, used for the entry when maker_entry
  bool maker_entry = false;         // market orders by default: taker on both sides
  double spread_floor_bps = 1.0;    // the bar's Corwin–Schultz estimate, or this floor if larger
  double slippage_k = 1.0;          // slippage per side = k * sigma_daily * sqrt(notional / ADV)
  double max_slippage_bps = 50.0;   // cap, also used when ADV is unknown
  double funding_bps_per_8h = 1.0;  // perps only, charged pro rata to the holding horizon
  double notional = 1000.0;         // quote currency per trade
  double min_notional = 5.0;        // exchange minimum order value
  double qty_step = 0.0;            // lot step; 0 = no rounding
  double net_edge_floor_bps = 2.0;  // should_trade needs net_edge >= this
  // The maker fill rule (execution::Executor, docs/DECISION.md), used when maker_entry.
  int maker_fill_bars = 3;               // a maker entry must fill within this many bars (>= 1)
  double maker_trade_through_bps = 1.0;  // price must trade this far through the limit to count as filled

  Status Validate() const;
  // Defaults for a symbol: perps (suffix -PERP) pay 5 bps taker / 2 bps maker, spot 7.5 / 7.5.
  static CostConfig ForSymbol(std::string_view symbol);
};

// What the cost model needs from one bar.
struct MarketSnapshot {
  double price = 0;                      // reference price (the bar close)
  double spread_bps = 0;                 // cs_spread_bps of the bar (NaN allowed: the floor is used)
  double sigma_bar_bps = 0;              // per-bar volatility (vol_cc_30), bps
  double adv_quote = 0;                  // average daily traded value in quote currency (0/NaN = unknown)
  double bars_per_day = kMinutesPerDay;  // 1m bars
  bool perp = false;
};

struct CostBreakdown {
  double fees_bps = 0;      // exchange fees
  double spread_bps = 0;    // half spread per side
  double slippage_bps = 0;  // market impact
  double funding_bps = 0;   // perps: funding over the holding time
  double total() const { return fees_bps + spread_bps + slippage_bps + funding_bps; }
};

class CostModel {
 public:
  CostModel() = default;
  explicit CostModel(CostConfig c) : c_(c) {}
  const CostConfig& config() const { return c_; }

  double SpreadBps(const MarketSnapshot& m) const;
  double SlippageBpsPerSide(const MarketSnapshot& m) const;
  double FundingBps(bool perp, double holding_minutes) const;
  // Costs of one side (entry or exit); funding is not part of a side.
  CostBreakdown Side(const MarketSnapshot& m, bool entry) const;
  // Entry + exit at this bar's conditions + funding over `horizon_minutes`.
  CostBreakdown RoundTrip(const MarketSnapshot& m, int horizon_minutes) const;
  double round_trip_cost_bps(const MarketSnapshot& m, int horizon_minutes) const {
    return RoundTrip(m, horizon_minutes).total();
  }
  // |edge| - round-trip cost.
  double NetEdge(double edge_bps, const MarketSnapshot& m, int horizon_minutes) const;
  bool ShouldTrade(double edge_bps, const MarketSnapshot& m, int horizon_minutes) const {
    return NetEdge(edge_bps, m, horizon_minutes) >= c_.net_edge_floor_bps;
  }
  // Quantity for `notional` at `price`, rounded down to the lot step; an error below min notional.
  Result<double> RoundQuantity(double notional, double price) const;

 private:
  CostConfig c_;
};

}  // namespace huracan::costs
