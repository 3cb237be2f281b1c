// Regime classifier: labels each bar TREND, RANGE, PANIC or ILLIQUID from the default-recipe features.
// Thresholds are percentiles of the symbol's own training window (CalibrateRegime), never fixed numbers;
// a new label must persist `min_dwell` bars before it replaces the current one (hysteresis), except
// ILLIQUID, which takes effect on its first bar (no trading on a bar we cannot trade); leaving
// ILLIQUID needs the dwell like any other change.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "features/columns.h"
#include "features/frame.h"

namespace huracan::regime {

// Percentile levels (0..1) used to turn the training window into thresholds.
struct RegimeConfig {
  double trend_adx_pct = 0.60;        // adx_14 >= this percentile ...
  double trend_er_pct = 0.60;         // ... and er_30 >= this percentile -> TREND
  double panic_vol_pct = 0.95;        // vol_cc_30 >= this percentile ...
  double panic_retz_pct = 0.95;       // ... and |ret_z_15| >= this percentile -> PANIC
  double illiquid_spread_pct = 0.98;  // cs_spread_bps >= this percentile -> ILLIQUID
  double illiquid_amihud_pct = 0.98;  // or amihud_60 >= this percentile -> ILLIQUID
  double illiquid_qvol_pct = 0.02;    // or bar quote volume (close*volume) <= this percentile -> ILLIQUID
  int min_dwell = 5;                  // bars a new label must persist before it is adopted (not ILLIQUID)
  size_t min_samples = 500;           // valid training rows needed to calibrate

  Status Validate() const;
};

// The calibrated thresholds of one symbol. Saved and loaded as bytes (JSON text).
struct RegimeThresholds {
  std::string symbol;
  double adx_trend = 0, er_trend = 0;
  double vol_panic = 0, retz_panic = 0;
  double spread_illiquid = 0, amihud_illiquid = 0, qvol_illiquid = 0;
  int min_dwell = 5;

  std::string Save() const;
  static Result<RegimeThresholds> Load(std::string_view bytes);
};

// Features the classifier reads, by default-recipe name.
inline constexpr std::array<std::string_view, 6> kRegimeFeatures = {
    features::kAdx14Column,  features::kEr30Column,      features::kVolCc30Column,
    features::kRetZ15Column, features::kSpreadBpsColumn, features::kAmihud60Column};

// Calibrates on rows [begin, end) of `frame`; `quote_volume[i]` = close*volume of row i (same length as frame).
Result<RegimeThresholds> CalibrateRegime(const features::FeatureFrame& frame, std::span<const double> quote_volume,
                                         size_t begin, size_t end, const std::string& symbol,
                                         const RegimeConfig& config = {});

// Linear-interpolated percentile (p in [0,1]) of the finite values of `v`; NaN when there are none.
double Percentile(std::vector<double> v, double p);

class RegimeClassifier {
 public:
  RegimeClassifier() = default;
  explicit RegimeClassifier(RegimeThresholds t) : t_(std::move(t)) {}

  // Resolves the feature names to column positions; fails naming the missing feature.
  Status Bind(const std::vector<std::string>& feature_names);
  // The instantaneous label of one row, or nullopt-like `ready=false` when an input is NaN (warm-up).
  struct Raw {
    bool valid = false;
    Regime label = Regime::kRange;
  };
  Raw RawLabel(std::span<const double> row, double quote_volume) const;
  // Feeds one bar; returns the label after hysteresis (a raw ILLIQUID bar switches at once). Before
  // the first valid row, ready() is false.
  Regime Update(std::span<const double> row, double quote_volume);
  bool ready() const { return ready_; }
  Regime current() const { return current_; }
  void Reset();
  const RegimeThresholds& thresholds() const { return t_; }

 private:
  RegimeThresholds t_;
  std::array<int, kRegimeFeatures.size()> idx_{};
  bool bound_ = false;
  bool ready_ = false;
  Regime current_ = Regime::kRange;
  Regime candidate_ = Regime::kRange;
  int candidate_count_ = 0;
};

}  // namespace huracan::regime
