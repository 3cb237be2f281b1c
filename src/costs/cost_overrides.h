// Per-field overrides of a symbol's CostConfig: a field that is set replaces the symbol's
// default (CostConfig::ForSymbol), a field that is not keeps it. The `costs` section of the
// config file (docs/CONFIG.md) fills this; every place that builds a cost config takes one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costs/cost_model.h"

namespace huracan::costs {

struct CostOverrides {
  std::optional<double> taker_fee_bps;
  std::optional<double> maker_fee_bps;
  std::optional<double> spread_floor_bps;
  std::optional<double> slippage_k;
  std::optional<double> max_slippage_bps;
  std::optional<double> funding_bps_per_8h;
  std::optional<double> notional;
  std::optional<double> min_notional;
  std::optional<double> qty_step;
  std::optional<double> net_edge_floor_bps;
  std::optional<double> maker_trade_through_bps;
  std::optional<bool> maker_entry;
  std::optional<int> maker_fill_bars;

  bool empty() const;
  CostConfig ApplyTo(CostConfig base) const;
  // These overrides with every field set in `top` replaced by top's value.
  CostOverrides Overlay(const CostOverrides& top) const;
  // CostConfig::ForSymbol(symbol) with the set fields replaced.
  CostConfig ForSymbol(std::string_view symbol) const { return ApplyTo(CostConfig::ForSymbol(symbol)); }
  // The set fields as "name=value;..." in field order; "" when none is set.
  std::string Describe() const;
};

// Every numeric CostConfig field by its exact name, with the matching override, one line of help
// and its range: a finite value >= min (> min when min_exclusive; min = -inf: any finite value).
struct CostNumberField {
  const char* name;
  double CostConfig::*config;
  std::optional<double> CostOverrides::*override_value;
  const char* help;
  double min = 0.0;
  bool min_exclusive = false;
};
const std::vector<CostNumberField>& CostNumberFields();
// Ok, or "NAME must be ..." for a value out of the field's range.
Status CheckCostNumber(const CostNumberField& f, double v);

// The other fields, kept here beside the table so every reader names them the same way.
inline constexpr char kMakerEntryField[] = "maker_entry";
inline constexpr char kMakerFillBarsField[] = "maker_fill_bars";
inline constexpr int kMinMakerFillBars = 1;

}  // namespace huracan::costs
