#include "costs/cost_model.h"

#include <cmath>
#include <string>

#include "costs/cost_overrides.h"

namespace huracan::costs {

Status CostConfig::Validate() const {
  for (const auto& f : CostNumberFields()) {
    Status st = CheckCostNumber(f, this->*f.config);
    if (!st.ok()) return WithContext(std::move(st), "cost config");
  }
  if (maker_fill_bars < kMinMakerFillBars)
    return InvalidArgument("cost config: " + std::string(kMakerFillBarsField) + " must be >= 1");
  return Status::Ok();
}

CostConfig CostConfig::ForSymbol(std::string_view symbol) {
  CostConfig c;
  if (symbol.ends_with("-PERP")) {
    c.taker_fee_bps = 5.0;
    c.maker_fee_bps = 2.0;
  }
  return c;
}

double CostModel::SpreadBps(const MarketSnapshot& m) const {
  return std::isfinite(m.spread_bps) && m.spread_bps > c_.spread_floor_bps ? m.spread_bps : c_.spread_floor_bps;
}

double CostModel::SlippageBpsPerSide(const MarketSnapshot& m) const {
  if (!(m.adv_quote > 0) || !std::isfinite(m.adv_quote) || !std::isfinite(m.sigma_bar_bps) || !(m.bars_per_day > 0))
    return c_.max_slippage_bps;
  const double sigma_daily = std::fabs(m.sigma_bar_bps) * std::sqrt(m.bars_per_day);
  const double s = c_.slippage_k * sigma_daily * std::sqrt(c_.notional / m.adv_quote);
  return std::min(s, c_.max_slippage_bps);
}

double CostModel::FundingBps(bool perp, double holding_minutes) const {
  if (!perp || !(holding_minutes > 0)) return 0.0;
  return c_.funding_bps_per_8h * holding_minutes / 480.0;
}

CostBreakdown CostModel::Side(const MarketSnapshot& m, bool entry) const {
  CostBreakdown b;
  b.fees_bps = entry && c_.maker_entry ? c_.maker_fee_bps : c_.taker_fee_bps;
  b.spread_bps = 0.5 * SpreadBps(m);
  b.slippage_bps = SlippageBpsPerSide(m);
  return b;
}

CostBreakdown CostModel::RoundTrip(const MarketSnapshot& m, int horizon_minutes) const {
  const CostBreakdown in = Side(m, true), out = Side(m, false);
  CostBreakdown b;
  b.fees_bps = in.fees_bps + out.fees_bps;
  b.spread_bps = in.spread_bps + out.spread_bps;
  b.slippage_bps = in.slippage_bps + out.slippage_bps;
  b.funding_bps = FundingBps(m.perp, horizon_minutes);
  return b;
}

double CostModel::NetEdge(double edge_bps, const MarketSnapshot& m, int horizon_minutes) const {
  return std::fabs(edge_bps) - round_trip_cost_bps(m, horizon_minutes);
}

Result<double> CostModel::RoundQuantity(double notional, double price) const {
  if (!(price > 0) || !std::isfinite(price) || !std::isfinite(notional))
    return InvalidArgument("cost model: price and notional must be finite and price > 0");
  double qty = notional / price;
  if (c_.qty_step > 0) qty = std::floor(qty / c_.qty_step + 1e-9) * c_.qty_step;
  if (qty <= 0 || qty * price < c_.min_notional)
    return FailedPrecondition("order value " + std::to_string(qty * price) + " below min notional " +
                              std::to_string(c_.min_notional));
  return qty;
}

}  // namespace huracan::costs
