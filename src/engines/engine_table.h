// The registry table: every engine, one line each, in canonical order (the order of AllEngineIds,
// `huracan engines list` and the backtest JSON). This X-macro list is the one place an engine is
// registered: below it expands into the declarations of the engine files' entry points, and
// registry.cpp expands it into the factory table. An engine's id comes from the engine itself
// (RuleSpec::id, or Engine::id() of a custom engine), never from this list.
//   RULE(Name)    a rule engine: its file defines `const RuleSpec& NameSpec()` (engines/rule_engine.h)
//   CUSTOM(Name)  an engine class with its own Fit: its file defines `std::unique_ptr<Engine> MakeName()`
// Internal to the engines module (other modules use engines/registry.h).
#pragma once

#include <memory>

#include "engines/engine.h"
#include "engines/rule_engine.h"

#define HURACAN_ENGINE_TABLE(RULE, CUSTOM) \
  RULE(TrendMa)                            \
  RULE(MomentumTsmom)                      \
  RULE(Macd)                               \
  RULE(DonchianBreakout)                   \
  RULE(VolatilityBreakout)                 \
  RULE(Squeeze)                            \
  RULE(Nr7Breakout)                        \
  RULE(RangeBollinger)                     \
  RULE(RsiReversal)                        \
  RULE(ZscoreReversion)                    \
  RULE(VwapReversion)                      \
  RULE(Sweep)                              \
  RULE(PanicReversal)                      \
  RULE(Tape)                               \
  RULE(ObvDivergence)                      \
  RULE(VolumeSpike)                        \
  RULE(Leader)                             \
  RULE(LeadLag)                            \
  RULE(PairsSpread)                        \
  CUSTOM(Seasonality)                      \
  CUSTOM(Gbdt)                             \
  CUSTOM(Ridge)                            \
  CUSTOM(MetaLabel)

namespace huracan::engines {

#define HURACAN_DECLARE_RULE(Name) const RuleSpec& Name##Spec();
#define HURACAN_DECLARE_CUSTOM(Name) std::unique_ptr<Engine> Make##Name();
HURACAN_ENGINE_TABLE(HURACAN_DECLARE_RULE, HURACAN_DECLARE_CUSTOM)
#undef HURACAN_DECLARE_RULE
#undef HURACAN_DECLARE_CUSTOM

}  // namespace huracan::engines
