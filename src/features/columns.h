// Names of the default recipe's columns that the layers above features read by name (decision,
// backtest, regime, costs, training): each name is written once, here, so a renamed feature
// breaks the build instead of a run. The recipe itself (recipe.cpp, FEATURES.md) defines them.
#pragma once

#include <string_view>

namespace huracan::features {

// Corwin-Schultz two-bar spread estimate, bps, mean of the last 20 (cost model, guardrails, regime).
inline constexpr std::string_view kSpreadBpsColumn = "cs_spread_bps";
// Sample stdev of the last 30 one-bar log returns, bps (cost model's volatility, regime).
inline constexpr std::string_view kVolCc30Column = "vol_cc_30";
// TA-Lib ADX over 14 bars (regime: trend).
inline constexpr std::string_view kAdx14Column = "adx_14";
// Kaufman efficiency ratio over 30 bars (regime: trend).
inline constexpr std::string_view kEr30Column = "er_30";
// 15-bar return over its expected size, vol_cc_120 * sqrt(15) (regime: panic).
inline constexpr std::string_view kRetZ15Column = "ret_z_15";
// Amihud illiquidity over 60 bars (regime: illiquid).
inline constexpr std::string_view kAmihud60Column = "amihud_60";

}  // namespace huracan::features
