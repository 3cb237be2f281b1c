// Bias checks on the real DecisionPipeline.
// Lookahead: rerun on truncated copies of the data (several cut points); every decision before a
// cut must be byte-identical to the full run's. Warm-up: start the series at several offsets; after
// a warm-up the decisions' stateless parts (regime, signal, edge, engines) must agree.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "costs/cost_overrides.h"
#include "data/bar_series.h"
#include "decision/decision.h"
#include "engines/engine.h"
#include "features/recipe.h"
#include "regime/classifier.h"

namespace huracan::backtest {

// Runs a pipeline over all of `bars` (ref may be null) and returns one decision per bar.
using DecisionRunner =
    std::function<Result<std::vector<decision::Decision>>(const data::BarSeries& bars, const data::BarSeries* ref)>;

struct BiasReport {
  bool passed = false;
  std::vector<size_t> points;  // lookahead: cut indices; warm-up: start offsets
  int64_t compared = 0;
  int64_t mismatches = 0;
  std::vector<std::string> examples;  // first few mismatches, "expected vs got"
  std::string ToString(const std::string& what) const;
};

// `full_runner` (e.g. streaming features) gives the reference run over all bars; `runner` (e.g.
// batch features built from the truncated copy) runs each truncated copy.
Result<BiasReport> CheckLookahead(const data::BarSeries& bars, const data::BarSeries* ref, const DecisionRunner& runner,
                                  const DecisionRunner& full_runner,
                                  std::vector<double> cut_fractions = {0.6, 0.7, 0.8, 0.9});

// Starts at each offset (bars index), compares every bar at or after max(offset) + warmup_bars.
Result<BiasReport> CheckWarmup(const data::BarSeries& bars, const data::BarSeries* ref, const DecisionRunner& runner,
                               std::vector<size_t> offsets, size_t warmup_bars);

// The stateless part of a decision compared by the warm-up check (numbers to 1e-6 relative).
bool WarmupEquivalent(const decision::Decision& a, const decision::Decision& b);

// Runner over the real pipeline (combined mode): features from the recipe, streaming or batch,
// the given fitted engines (not owned), the regime thresholds, meta learning on or off.
struct RunnerConfig {
  const features::FeatureRecipe* recipe = nullptr;
  std::vector<engines::Engine*> engines;
  regime::RegimeThresholds regime;
  bool streaming = false;
  bool meta_learning = true;
};
// `costs` apply on top of each symbol's CostConfig::ForSymbol.
DecisionRunner MakePipelineRunner(RunnerConfig cfg, costs::CostOverrides costs = {});

}  // namespace huracan::backtest
