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
  std::optional<bool> maker_entry;

  bool empty() const;
  CostConfig ApplyTo(CostConfig base) const;
  // CostConfig::ForSymbol(symbol) with the set fields replaced.
  CostConfig ForSymbol(std::string_view symbol) const { return ApplyTo(CostConfig::ForSymbol(symbol)); }
  // The set fields as "name=value;..." in field order; "" when none is set.
  std::string Describe() const;
};

// Every numeric CostConfig field by its exact name, with the matching override and one line of help.
struct CostNumberField {
  const char* name;
  double CostConfig::*config;
  std::optional<double> CostOverrides::*override_value;
  const char* help;
};
const std::vector<CostNumberField>& CostNumberFields();

}  // namespace huracan::costs
