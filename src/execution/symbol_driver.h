// One symbol's bar loop: the DecisionPipeline and the Executor driven bar by bar. This is the one
// per-bar sequence that both the backtester and the live runner call, so a live replay and a
// backtest on the same bars take the same decisions and make the same trades:
//   1. the executor at the bar's open (fills, exits), stop / take-profit intrabar, mark to close;
//   2. the pipeline at the bar's close (its clock set to open + timeframe) emits one Decision;
//   3. that decision and the pipeline's market snapshot go to the executor (fills at the next open).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/clock.h"
#include "core/market.h"
#include "core/status.h"
#include "costs/guardrails.h"
#include "decision/decision.h"
#include "decision/feature_source.h"
#include "decision/pipeline.h"
#include "engines/engine.h"
#include "execution/executor.h"

namespace huracan::execution {

struct SymbolDriverConfig {
  decision::PipelineConfig pipeline;  // symbol, timeframe, mode, regime, meta state, costs
  double stop_sigmas = 3.0;
  double take_profit_sigmas = 4.0;
  double min_stop_bps = 15.0;
  FixedExits fixed_exits;         // signal-file backtests (ExecutorConfig::fixed)
  bool record_decisions = false;  // keep every Decision (TakeDecisions)
};

class SymbolDriver {
 public:
  // `engines` and `guardrails` must outlive the driver; `guardrails` null: the pipeline owns
  // default ones.
  static Result<std::unique_ptr<SymbolDriver>> Create(const SymbolDriverConfig& config,
                                                      std::unique_ptr<decision::FeatureSource> source,
                                                      std::vector<engines::Engine*> engines,
                                                      costs::Guardrails* guardrails);
  ~SymbolDriver();

  // Steps 1-3 for `bar`; `ref` is the reference bar at the same time or null. Returns the bar's
  // net return (fraction of notional).
  Result<double> Step(const Bar& bar, const Bar* ref);

  const decision::Decision& last_decision() const;
  std::vector<decision::Decision> TakeDecisions();
  decision::DecisionPipeline& pipeline() { return *pipe_; }
  const decision::DecisionPipeline& pipeline() const { return *pipe_; }
  Executor& executor() { return *exec_; }
  const Executor& executor() const { return *exec_; }
  int64_t timeframe_ms() const { return tf_ms_; }

 private:
  class Sink;
  class Listener;
  SymbolDriver() = default;

  SimulatedClock clock_;
  int64_t tf_ms_ = 60'000;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<decision::DecisionPipeline> pipe_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Executor> exec_;
};

}  // namespace huracan::execution
