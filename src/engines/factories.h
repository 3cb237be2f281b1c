// Internal to the engines module: one factory (and, for rule engines, one spec) per engine file.
#pragma once

#include <memory>

#include "engines/engine.h"
#include "engines/rule_engine.h"

namespace huracan::engines {

// Rule engines: each file defines its RuleSpec; the factory wraps it in a RuleEngine.
const RuleSpec& TrendMaSpec();
const RuleSpec& MomentumTsmomSpec();
const RuleSpec& MacdSpec();
const RuleSpec& DonchianBreakoutSpec();
const RuleSpec& VolatilityBreakoutSpec();
const RuleSpec& SqueezeSpec();
const RuleSpec& Nr7BreakoutSpec();
const RuleSpec& RangeBollingerSpec();
const RuleSpec& RsiReversalSpec();
const RuleSpec& ZscoreReversionSpec();
const RuleSpec& VwapReversionSpec();
const RuleSpec& SweepSpec();
const RuleSpec& PanicReversalSpec();
const RuleSpec& TapeSpec();
const RuleSpec& ObvDivergenceSpec();
const RuleSpec& VolumeSpikeSpec();
const RuleSpec& LeaderSpec();
const RuleSpec& LeadLagSpec();
const RuleSpec& PairsSpreadSpec();

// Engines with their own Fit.
std::unique_ptr<Engine> MakeSeasonality();
std::unique_ptr<Engine> MakeGbdt();
std::unique_ptr<Engine> MakeRidge();
std::unique_ptr<Engine> MakeMetaLabel();

}  // namespace huracan::engines
