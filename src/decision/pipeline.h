// DecisionPipeline: the one implementation of bar -> decision, shared by the backtester, the checks
// and the live runner. Bar -> features (FeatureSource) -> regime -> engines allowed in the regime ->
// meta combiner (or one engine alone) -> cost model -> guardrails -> Decision to the sink.
// The clock and the sink are injected; nothing here reads the wall time or random numbers, and
// engines are visited in id order, so the same inputs give byte-identical decisions.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/time_units.h"
#include "costs/cost_model.h"
#include "costs/guardrails.h"
#include "decision/decision.h"
#include "decision/feature_source.h"
#include "engines/engine.h"
#include "meta/combiner.h"
#include "regime/classifier.h"

namespace huracan::decision {

enum class PipelineMode : uint8_t {
  kCombined,      // all engines through the meta combiner
  kSingleEngine,  // exactly one engine, its output taken as is (per-engine evaluation)
  kSignals,       // no engines: a signal file's rows (PipelineConfig::signals); no warm-up, no regime
                  // gate, no cost gate; the guardrails check shorts, position, duplicate and cooldown
};

struct PipelineConfig {
  std::string symbol;
  std::string timeframe = "1m";
  PipelineMode mode = PipelineMode::kCombined;
  regime::RegimeThresholds regime;
  meta::MetaConfig meta;
  std::string meta_state;     // saved MetaCombiner state to start from (empty: the prior)
  bool meta_learning = true;  // update engine weights online from matured signals
  costs::CostConfig costs;
  int adv_window_bars = kMinutesPerDay;        // rolling window of quote volume for the ADV (slippage)
  int adv_min_bars = 60;                       // fewer bars than this: ADV unknown (max slippage)
  std::shared_ptr<const SignalTable> signals;  // kSignals: the rows, by bar open time

  Status Validate() const;
};

class DecisionPipeline {
 public:
  // `engines` must already be fitted (or loaded) and outlive the pipeline; they are bound to the
  // source's feature names here. `guardrails` may be shared between the pipelines of a portfolio;
  // when null the pipeline owns one with default settings.
  static Result<std::unique_ptr<DecisionPipeline>> Create(PipelineConfig config, std::unique_ptr<FeatureSource> source,
                                                          std::vector<engines::Engine*> engines, const Clock* clock,
                                                          DecisionSink* sink, costs::Guardrails* guardrails = nullptr);

  // Processes one bar at its close: emits exactly one Decision to the sink.
  Status OnBar(const Bar& bar, const Bar* ref = nullptr);

  // Fills reported back by the executor (backtester, paper broker).
  void OnPositionOpened(Direction d, int64_t ts_ms) { guard_->OnPositionOpened(config_.symbol, d, ts_ms); }
  void OnPositionClosed(int64_t ts_ms, double pnl_quote) { guard_->OnPositionClosed(config_.symbol, ts_ms, pnl_quote); }

  const PipelineConfig& config() const { return config_; }
  const costs::CostModel& cost_model() const { return cost_; }
  const costs::Guardrails& guardrails() const { return *guard_; }
  const meta::MetaCombiner& meta() const { return *meta_; }
  const regime::RegimeClassifier& regime() const { return regime_; }
  // Market conditions of the last bar processed (cost inputs).
  const costs::MarketSnapshot& market() const { return market_; }
  // Rejections counted by this pipeline's symbol only when the guardrails are not shared.
  const std::map<std::string, int64_t>& rejections() const { return guard_->rejections(); }
  // Bars of this pipeline that ended before the cost model and guardrails, by outcome reason
  // (warmup, regime_illiquid, engines_off, regime_no_engine, no_signal, below_threshold); reasons
  // never seen are absent. With rejections() and the trades this accounts for every bar.
  std::map<std::string, int64_t> wait_counts() const;

 private:
  DecisionPipeline() = default;
  void ResolveOutcomes(int64_t close_ms, double close);
  // The guardrails' verdict on the signal of d_ (a trade or the rejection reason), then d_ to the sink.
  void GuardAndEmit(const costs::Candidate& cand);
  // kSignals: the decision of this bar's signal row (if any).
  void SignalDecision(const Bar& bar, int64_t close_ms);
  double AdvQuote() const;

  enum WaitKind : size_t {
    kWaitWarmup,
    kWaitIlliquid,
    kWaitEnginesOff,
    kWaitRegimeNoEngine,
    kWaitNoSignal,
    kWaitBelowThreshold,
    kWaitKinds
  };
  static constexpr std::array<const char*, kWaitKinds> kWaitReasons = {outcome::kWarmup,     outcome::kRegimeIlliquid,
                                                                       outcome::kEnginesOff, outcome::kRegimeNoEngine,
                                                                       outcome::kNoSignal,   outcome::kBelowThreshold};

  struct Pending {
    int64_t due_ms;
    uint64_t seq;
    int engine;
    int sign;
    double entry_close;
    double cost_bps;
    bool operator>(const Pending& o) const { return due_ms != o.due_ms ? due_ms > o.due_ms : seq > o.seq; }
  };

  PipelineConfig config_;
  std::unique_ptr<FeatureSource> source_;
  std::vector<engines::Engine*> engines_;  // sorted by id
  std::vector<std::string> engine_ids_;    // same order
  std::vector<uint8_t> regime_mask_;       // bit r set: engine speaks in regime r
  const Clock* clock_ = nullptr;
  DecisionSink* sink_ = nullptr;
  std::unique_ptr<costs::Guardrails> own_guard_;
  costs::Guardrails* guard_ = nullptr;
  std::unique_ptr<meta::MetaCombiner> meta_;
  regime::RegimeClassifier regime_;
  costs::CostModel cost_;
  costs::MarketSnapshot market_;
  int64_t tf_ms_ = kMsPerMinute;
  int spread_idx_ = -1, sigma_idx_ = -1;
  int64_t last_ts_ = INT64_MIN;
  // ADV: ring of the last adv_window_bars quote volumes.
  std::vector<double> qv_ring_;
  size_t qv_pos_ = 0, qv_count_ = 0;
  double qv_sum_ = 0;
  // Signals waiting for their outcome (meta learning), ordered by (due time, sequence).
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  uint64_t seq_ = 0;
  std::array<int64_t, kWaitKinds> waits_{};
  std::vector<meta::Vote> votes_;
  std::vector<engines::EngineOutput> outs_;
  Decision d_;
};

}  // namespace huracan::decision
