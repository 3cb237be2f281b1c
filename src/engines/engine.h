// The Engine contract: every signal engine implements it (the list is in engines/engine_table.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "data/bar_series.h"
#include "features/frame.h"

namespace huracan::engines {

// What kind of signal an engine reads; `huracan engines list` prints EngineFamilyName.
enum class EngineFamily { kTrend, kBreakout, kReversion, kFlow, kCrossAsset, kSeasonal, kMl };

constexpr const char* EngineFamilyName(EngineFamily f) {
  switch (f) {
    case EngineFamily::kTrend: return "trend";
    case EngineFamily::kBreakout: return "breakout";
    case EngineFamily::kReversion: return "reversion";
    case EngineFamily::kFlow: return "flow";
    case EngineFamily::kCrossAsset: return "cross_asset";
    case EngineFamily::kSeasonal: return "seasonal";
    case EngineFamily::kMl: return "ml";
  }
  return "?";
}

struct EngineOutput {
  Direction direction = Direction::kWait;
  double edge_bps_before_costs = 0.0;  // signed like direction: > 0 for buy, < 0 for sell
  double confidence_0_1 = 0.0;
  int horizon_minutes = 0;
  std::string reason;  // why it spoke, or why it waits
};

// The net-edge floor a fitted side must clear (shrunk edge - round-trip cost > floor). Engines sit
// below the cost layer, so this mirrors the default of costs::CostConfig::net_edge_floor_bps (a test
// keeps the two equal); callers with another floor set TrainWindow::net_edge_floor_bps.
inline constexpr double kNetEdgeFloorBps = 2.0;

// The training window handed to Fit: rows [begin, end) of `bars` and `features` (same row count).
// Fit must not look at rows >= end.
struct TrainWindow {
  const data::BarSeries* bars = nullptr;
  const features::FeatureFrame* features = nullptr;
  size_t begin = 0;
  size_t end = 0;
  double round_trip_cost_bps = 10.0;  // used to judge grid candidates net of costs
  uint64_t seed = 42;
  int nthread = 1;
  double net_edge_floor_bps = kNetEdgeFloorBps;  // the pipeline's should-trade floor (see above)
};

// One bar's view at inference: the feature values in the frame's column order, plus the bar.
struct FeatureRow {
  std::span<const double> values;
  int64_t ts_ms = 0;
  Bar bar;
};

class Engine {
 public:
  virtual ~Engine() = default;

  virtual std::string_view id() const = 0;
  virtual EngineFamily family() const = 0;
  virtual std::vector<Regime> regimes() const = 0;
  virtual int horizon_minutes() const = 0;
  // Names of the default-recipe features this engine reads.
  virtual std::vector<std::string> required_features() const = 0;

  // Resolves feature names to column indices of a frame with these names. Called before Fit/Infer.
  virtual Status Bind(const std::vector<std::string>& feature_names) = 0;
  // Picks parameters from a small grid on the training window and calibrates edge and confidence.
  virtual Status Fit(const TrainWindow& window) = 0;
  // Deterministic and const: the same row gives the same output, after a reload too.
  virtual EngineOutput Infer(const FeatureRow& row) const = 0;

  virtual std::string SaveParams() const = 0;
  virtual Status LoadParams(std::string_view bytes) = 0;

  // False when the engine is not fitted or Fit found no edge net of costs: Infer then always waits
  // (reason "off"), so a caller may skip it.
  virtual bool active() const { return true; }

  // The mechanic's warm start (docs/MECHANIC.md): an engine with a boosted model continues it by
  // `extra_trees` more trees on the window's rows, with the parameters it was trained with, and
  // returns the trees it added. Engines without one (the default), an unfitted engine or a window
  // with too few rows add none and change nothing.
  virtual Result<int> WarmStart(const TrainWindow& /*window*/, int /*extra_trees*/) { return 0; }

  // Parameter candidates Fit tries (grid points, thresholds), the engine's share of the trial
  // count N of the deflated Sharpe ratio.
  virtual int trials() const { return 1; }
};

}  // namespace huracan::engines
