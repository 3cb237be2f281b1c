// Decision: what the pipeline concluded on one bar, and the sink it is handed to.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/market.h"
#include "costs/cost_model.h"

namespace huracan::decision {

// Stable reasons of a decision that is not a guardrail rejection.
namespace outcome {
inline constexpr const char* kTrade = "trade";
inline constexpr const char* kWarmup = "warmup";                    // regime inputs not available yet
inline constexpr const char* kRegimeIlliquid = "regime_illiquid";   // nothing trades in ILLIQUID
inline constexpr const char* kEnginesOff = "engines_off";           // no engine is active (fit found no edge)
inline constexpr const char* kRegimeNoEngine = "regime_no_engine";  // no active engine trades in this regime
inline constexpr const char* kNoSignal = "no_signal";  // allowed engines ran, none spoke (signal files: no entry)
inline constexpr const char* kBelowThreshold = "below_threshold";  // engines spoke, meta said wait
}  // namespace outcome

struct Decision {
  int64_t ts_ms = 0;  // open time of the bar decided on (the decision is taken at its close)
  std::string symbol;
  Direction direction = Direction::kWait;  // final: buy/sell only when reason == "trade"
  Direction signal = Direction::kWait;     // proposed by engines + meta, before costs and guardrails
  double edge_bps = 0;                     // signed
  double net_edge_bps = 0;                 // |edge| - round-trip cost (0 when there is no signal)
  double confidence = 0;
  int horizon_minutes = 0;
  Regime regime = Regime::kRange;
  bool regime_ready = false;
  std::vector<std::string> engines;  // engines that spoke in the signal's direction, in id order
  std::string reason;                // an outcome:: value or a costs::reason value
  costs::CostBreakdown cost;         // estimated round trip at this bar (when there is a signal)
  std::string tag;                   // signal-file backtests: the row's tag (not serialised)

  // One line, every field, doubles in %.17g: byte-identical for identical decisions.
  std::string Serialize() const;
};

// One bar's row of a signal file (huracan backtest --signals): each flag is the file's 0 or 1.
struct SignalRow {
  bool enter_long = false, exit_long = false, enter_short = false, exit_short = false;
  std::string tag;
};
// Rows by the open time of their bar; a bar without a row has no signal.
using SignalTable = std::map<int64_t, SignalRow>;

class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  virtual void OnDecision(const Decision& d) = 0;
};

// Keeps every decision (tests, checks).
class VectorSink final : public DecisionSink {
 public:
  void OnDecision(const Decision& d) override { decisions.push_back(d); }
  std::vector<Decision> decisions;
};

}  // namespace huracan::decision
