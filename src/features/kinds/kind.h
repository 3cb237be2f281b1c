// What a family of feature kinds (one file in features/kinds/) needs: the node machinery, the
// shared sub-indicators, the numeric helpers the indicators use, and the helpers that keep the
// table entries short. Each family file defines its indicator classes and, right below them, a
// function returning its table entries; AllKinds() (indicators.cpp) puts the families together.
//
// An entry, with designated initializers (fields in KindDef's order, see indicators.h):
//
//   {.kind = "rsi",
//    .help = "TA-Lib RSI (Wilder), 0..100",
//    .params = {Period(14, 2)},
//    .names = Column("rsi", {"period"}),
//    .make = New<RsiNode>(Int("period")),
//    .batch_ns = 12},
#pragma once

#include <cmath>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "features/frame.h"
#include "features/indicators.h"
#include "features/node.h"
#include "features/rolling.h"
#include "features/shared_inputs.h"
#include "features/state_io.h"

namespace huracan::features::kinds {

// ---------------------------------------------------------------------------------------------
// Numeric helpers of the indicators.

// TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG threshold.
inline constexpr double kTaEpsilon = 0.00000000000001;
inline bool TaIsZero(double v) { return -kTaEpsilon < v && v < kTaEpsilon; }
inline bool IsNaN(double v) { return std::isnan(v); }
// A standard deviation this small relative to the level is treated as zero (flat window).
inline bool Flat(double sd, double level) { return !(sd > 1e-12 * std::fabs(level)) || sd == 0; }

// A parameter's value (declared, so present: the recipe fills in the defaults).
inline int P(const Params& p, std::string_view key) { return static_cast<int>(p.find(key)->second); }
inline double D(const Params& p, std::string_view key) { return p.find(key)->second; }

// ---------------------------------------------------------------------------------------------
// Parameter shapes.

using Names = std::vector<std::string>;
using NamesFn = std::function<Names(const Params&)>;
using MakeFn = std::function<std::unique_ptr<Indicator>(const Params&)>;
using HistoryFn = std::function<int(const Params&)>;

inline constexpr double kMaxParam = 100000;

// The `period` parameter: a window length in bars, at least `min`.
inline ParamDef Period(double def, double min = 1) {
  return {"period", def, min, kMaxParam, true, "window length in bars"};
}
inline ParamDef IntParam(std::string_view name, double def, double min, double max, std::string_view help) {
  return {name, def, min, max, true, help};
}
inline ParamDef RealParam(std::string_view name, double def, double min, double max, std::string_view help) {
  return {name, def, min, max, false, help};
}
// A `fast` and a `slow` window (the recipe requires fast < slow).
inline std::vector<ParamDef> FastSlow(double fast, double slow) {
  return {IntParam("fast", fast, 1, kMaxParam, "short window"), IntParam("slow", slow, 2, kMaxParam, "long window")};
}

// ---------------------------------------------------------------------------------------------
// Column names.

// One column per prefix: "<prefix>_<key 1>_<key 2>..." with the keys' values in shortest form,
// e.g. Columns({"bb_pctb", "bb_width"}, {"period", "k"}) -> bb_pctb_20_2, bb_width_20_2.
inline NamesFn Columns(std::initializer_list<std::string_view> prefixes, std::initializer_list<std::string_view> keys) {
  return [prefixes = std::vector<std::string_view>(prefixes),
          keys = std::vector<std::string_view>(keys)](const Params& p) {
    std::string suffix;
    for (std::string_view key : keys) suffix += "_" + ParamText(D(p, key));
    Names names;
    for (std::string_view prefix : prefixes) names.push_back(std::string(prefix) + suffix);
    return names;
  };
}
inline NamesFn Column(std::string_view prefix, std::initializer_list<std::string_view> keys) {
  return Columns({prefix}, keys);
}
// Column names that do not depend on the parameters.
inline NamesFn Fixed(std::initializer_list<std::string_view> names) {
  return [names = Names(names.begin(), names.end())](const Params&) { return names; };
}

// ---------------------------------------------------------------------------------------------
// Making the indicator: New<RsiNode>(Int("period")) constructs RsiNode(period); the arguments
// are integer parameters (Int), real parameters (Real) or constants, in the constructor's order.

// (Constructors, not aggregates: clang 14 has no parenthesised aggregate initialisation.)
struct Int {
  constexpr explicit Int(std::string_view k) : key(k) {}
  std::string_view key;
};
struct Real {
  constexpr explicit Real(std::string_view k) : key(k) {}
  std::string_view key;
};
inline int Arg(const Params& p, Int a) { return P(p, a.key); }
inline double Arg(const Params& p, Real a) { return D(p, a.key); }
template <typename T>
T Arg(const Params&, T constant) {
  return constant;
}

template <typename NodeT, typename... A>
MakeFn New(A... args) {
  return [args...](const Params& p) -> std::unique_ptr<Indicator> { return std::make_unique<NodeT>(Arg(p, args)...); };
}

// history = HistoryOf("period"): the kind reads closes that many bars back (the sum of the
// named integer parameters).
template <typename... K>
HistoryFn HistoryOf(K... keys) {
  return [keys...](const Params& p) { return (P(p, keys) + ...); };
}

// ---------------------------------------------------------------------------------------------
// The families, in the order AllKinds() lists them.

std::vector<KindDef> TalibKinds();            // talib.cpp: TA-Lib-exact indicators (raw values)
std::vector<KindDef> TrendVolatilityKinds();  // trend_volatility.cpp: returns, trend, volatility, bands
std::vector<KindDef> VolumeLiquidityKinds();  // volume_liquidity.cpp: volume flow, liquidity, spread
std::vector<KindDef> PatternKinds();          // patterns.cpp: narrow-range bars, sweeps
std::vector<KindDef> CalendarKinds();         // calendar.cpp: time of day, day of week
std::vector<KindDef> CrossAssetKinds();       // cross_asset.cpp: against the reference (BTC) series

}  // namespace huracan::features::kinds
