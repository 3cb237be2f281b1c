#include "costs/cost_overrides.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace huracan::costs {

const std::vector<CostNumberField>& CostNumberFields() {
  static const std::vector<CostNumberField> fields = {
      {"taker_fee_bps", &CostConfig::taker_fee_bps, &CostOverrides::taker_fee_bps, "Taker fee per side, bps"},
      {"maker_fee_bps", &CostConfig::maker_fee_bps, &CostOverrides::maker_fee_bps,
       "Maker fee per side, bps (the entry, when maker_entry)"},
      {"spread_floor_bps", &CostConfig::spread_floor_bps, &CostOverrides::spread_floor_bps,
       "Floor of the bar's spread estimate, bps"},
      {"slippage_k", &CostConfig::slippage_k, &CostOverrides::slippage_k,
       "Slippage per side = k * daily sigma * sqrt(notional / ADV)"},
      {"max_slippage_bps", &CostConfig::max_slippage_bps, &CostOverrides::max_slippage_bps,
       "Slippage cap per side, bps (also used when ADV is unknown)"},
      {"funding_bps_per_8h", &CostConfig::funding_bps_per_8h, &CostOverrides::funding_bps_per_8h,
       "Perp funding per 8 hours held, bps"},
      {"notional", &CostConfig::notional, &CostOverrides::notional, "Quote currency per trade", 0.0, true},
      {"min_notional", &CostConfig::min_notional, &CostOverrides::min_notional, "Exchange minimum order value"},
      {"qty_step", &CostConfig::qty_step, &CostOverrides::qty_step, "Lot step (0 = no rounding)"},
      {"net_edge_floor_bps", &CostConfig::net_edge_floor_bps, &CostOverrides::net_edge_floor_bps,
       "A trade needs a net edge of at least this, bps", -std::numeric_limits<double>::infinity()},
      {"maker_trade_through_bps", &CostConfig::maker_trade_through_bps, &CostOverrides::maker_trade_through_bps,
       "Maker fill rule: the price must trade this far through the limit to fill it, bps"},
  };
  return fields;
}

namespace {
std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}
}  // namespace

Status CheckCostNumber(const CostNumberField& f, double v) {
  const std::string name = f.name;
  if (!std::isfinite(v)) return InvalidArgument(name + " must be a finite number");
  if (f.min_exclusive ? !(v > f.min) : v < f.min)
    return InvalidArgument(name + " must be " + (f.min_exclusive ? "> " : ">= ") + Num(f.min) + " (got " + Num(v) +
                           ")");
  return Status::Ok();
}

bool CostOverrides::empty() const {
  for (const auto& f : CostNumberFields())
    if ((this->*f.override_value).has_value()) return false;
  return !maker_entry.has_value() && !maker_fill_bars.has_value();
}

CostConfig CostOverrides::ApplyTo(CostConfig base) const {
  for (const auto& f : CostNumberFields())
    if (const auto& v = this->*f.override_value) base.*f.config = *v;
  if (maker_entry) base.maker_entry = *maker_entry;
  if (maker_fill_bars) base.maker_fill_bars = *maker_fill_bars;
  return base;
}

CostOverrides CostOverrides::Overlay(const CostOverrides& top) const {
  CostOverrides out = *this;
  for (const auto& f : CostNumberFields())
    if (const auto& v = top.*f.override_value) out.*f.override_value = *v;
  if (top.maker_entry) out.maker_entry = top.maker_entry;
  if (top.maker_fill_bars) out.maker_fill_bars = top.maker_fill_bars;
  return out;
}

std::string CostOverrides::Describe() const {
  std::string out;
  auto add = [&out](const char* name, const std::string& value) {
    if (!out.empty()) out += ';';
    out += std::string(name) + "=" + value;
  };
  for (const auto& f : CostNumberFields()) {
    if (const auto& v = this->*f.override_value) add(f.name, Num(*v));
  }
  if (maker_entry) add(kMakerEntryField, *maker_entry ? "true" : "false");
  if (maker_fill_bars) add(kMakerFillBarsField, std::to_string(*maker_fill_bars));
  return out;
}

}  // namespace huracan::costs
