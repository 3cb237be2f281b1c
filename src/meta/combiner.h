// Per-coin meta combiner: weights each engine by an EMA of its recent accuracy and net edge, and
// combines the engines that speak on a bar into one edge, confidence, horizon and direction.
// Engines are kept sorted by id, so every loop that reaches an output runs in a defined order.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"

namespace huracan::meta {

struct MetaConfig {
  double ema_alpha = 0.05;            // weight of the newest outcome in the accuracy / edge EMAs
  double edge_scale_bps = 10.0;       // net-edge EMA is mapped through 2*logistic(edge/scale)
  double min_weight = 0.005;          // weights are clipped to [min_weight, max_weight] ...
  double max_weight = 0.40;           // ... and renormalised to sum 1
  int min_samples = 20;               // outcomes an engine needs before its own record counts
  double prior_score = 0.5;           // score used before min_samples (0.5 = a coin flip at zero edge)
  double edge_threshold_bps = 3.0;    // |combined edge| needed for a direction
  double confidence_threshold = 0.3;  // combined confidence needed for a direction

  Status Validate() const;
};

struct EngineStats {
  std::string id;
  int64_t samples = 0;
  double accuracy_ema = 0.5;
  double net_edge_ema_bps = 0.0;
};

// One engine's output on this bar (only engines that spoke, i.e. direction != wait).
struct Vote {
  std::string_view id;
  Direction direction = Direction::kWait;
  double edge_bps = 0.0;  // signed like direction
  double confidence = 0.0;
  int horizon_minutes = 0;
};

struct Combined {
  Direction direction = Direction::kWait;
  double edge_bps = 0.0;    // weighted mean of the speakers' signed edges
  double confidence = 0.0;  // weighted agreement-signed confidence, clamped to [0,1]
  int horizon_minutes = 0;  // weighted mean horizon, rounded
  double weight_sum = 0.0;  // total weight of the speakers
};

class MetaCombiner {
 public:
  // Constructors do not fail: an invalid config is reported by Create.
  static Result<MetaCombiner> Create(const MetaConfig& config, std::vector<std::string> engine_ids);

  // The outcome of one earlier signal of `engine_id`: its realised return in the signal's direction,
  // net of costs, in bps. Unknown ids are ignored (returns false).
  bool RecordOutcome(std::string_view engine_id, double net_return_bps);

  // Normalised weights, in id order (same order as stats()).
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<EngineStats>& stats() const { return stats_; }
  double weight_of(std::string_view engine_id) const;
  const MetaConfig& config() const { return config_; }

  Combined Combine(std::span<const Vote> votes) const;

  // JSON text; Load validates it and recomputes the weights.
  std::string Save() const;
  static Result<MetaCombiner> Load(std::string_view bytes);

 private:
  MetaCombiner() = default;
  int Slot(std::string_view id) const;
  void RecomputeWeights();

  MetaConfig config_;
  std::vector<EngineStats> stats_;  // sorted by id
  std::vector<double> weights_;
};

// Clips `w` (non-negative, any sum) to [lo, hi] after normalising to 1, redistributing the excess
// over the unclipped entries until it settles. If n*hi < 1 the cap cannot hold and plain
// normalisation is returned.
std::vector<double> ClipAndNormalise(std::vector<double> w, double lo, double hi);

}  // namespace huracan::meta
