#include "costs/cost_overrides.h"

#include <charconv>

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
      {"notional", &CostConfig::notional, &CostOverrides::notional, "Quote currency per trade"},
      {"min_notional", &CostConfig::min_notional, &CostOverrides::min_notional, "Exchange minimum order value"},
      {"qty_step", &CostConfig::qty_step, &CostOverrides::qty_step, "Lot step (0 = no rounding)"},
      {"net_edge_floor_bps", &CostConfig::net_edge_floor_bps, &CostOverrides::net_edge_floor_bps,
       "A trade needs a net edge of at least this, bps"},
  };
  return fields;
}

bool CostOverrides::empty() const {
  for (const auto& f : CostNumberFields())
    if ((this->*f.override_value).has_value()) return false;
  return !maker_entry.has_value();
}

CostConfig CostOverrides::ApplyTo(CostConfig base) const {
  for (const auto& f : CostNumberFields())
    if (const auto& v = this->*f.override_value) base.*f.config = *v;
  if (maker_entry) base.maker_entry = *maker_entry;
  return base;
}

std::string CostOverrides::Describe() const {
  std::string out;
  auto add = [&out](const char* name, const std::string& value) {
    if (!out.empty()) out += ';';
    out += std::string(name) + "=" + value;
  };
  for (const auto& f : CostNumberFields()) {
    if (const auto& v = this->*f.override_value) {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), *v);
      add(f.name, std::string(buf, r.ptr));
    }
  }
  if (maker_entry) add("maker_entry", *maker_entry ? "true" : "false");
  return out;
}

}  // namespace huracan::costs
