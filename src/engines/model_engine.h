// Shared machinery of the two score-model engines (gbdt, ridge): a model predicts the forward
// return in bps from every feature of the frame; Fit trains it on the first 70% of the window
// (purged by the label horizon), then picks the |prediction| threshold on the last 30% on net
// performance and calibrates edge/confidence there, out of sample.
#pragma once

#include <iterator>
#include <string>
#include <vector>

#include "engines/calibration.h"
#include "engines/engine.h"
#include "ml/bytes.h"
#include "ml/xgb.h"

namespace huracan::engines {

inline constexpr size_t kMaxModelRows = 50000;    // training rows (every k-th row beyond this)
inline constexpr size_t kMinModelRows = 200;      // fewer training rows: no model (Fit) or no extra trees
inline constexpr size_t kMaxModelFeatures = 512;  // Infer gathers into a stack buffer of this size
inline constexpr double kThresholdQuantiles[] = {0.80, 0.90, 0.95, 0.98};

// Training rows for a model, row-major, with the label horizon already purged.
struct ModelData {
  std::vector<double> x;  // rows * cols
  std::vector<double> y;  // forward return, bps (winsorised at 4 sd)
  size_t rows = 0, cols = 0;
};

class ScoreModelEngine : public Engine {
 public:
  std::vector<Regime> regimes() const override { return {Regime::kTrend, Regime::kRange, Regime::kPanic}; }
  EngineFamily family() const override { return EngineFamily::kMl; }
  std::vector<std::string> required_features() const override;
  bool active() const override { return fitted_ && (long_.on || short_.on); }
  // Every model candidate at every threshold quantile.
  int trials() const override { return candidates() * static_cast<int>(std::size(kThresholdQuantiles)); }

  Status Bind(const std::vector<std::string>& feature_names) override;
  Status Fit(const TrainWindow& window) override;
  // The mechanic's fine-tune (docs/MECHANIC.md): keeps the model and its threshold; the trades
  // above the threshold on the whole window give each side's edge and confidence. An unfitted
  // engine stays off.
  Status Recalibrate(const TrainWindow& window);
  // The mechanic's warm start: ContinueModel on every labelled row of the window (labels as Fit's);
  // the threshold and the calibration are kept (Recalibrate after it). An unfitted engine adds none.
  Result<int> WarmStart(const TrainWindow& window, int extra_trees) override;
  EngineOutput Infer(const FeatureRow& row) const override;
  std::string SaveParams() const override;
  Status LoadParams(std::string_view bytes) override;

  double threshold() const { return threshold_; }
  const SideCal& long_side() const { return long_; }
  const SideCal& short_side() const { return short_; }
  // The model's prediction for one row (bps), NaN when unbound or unfitted.
  double Score(const FeatureRow& row) const;

 protected:
  // Model hooks. Train may try several settings (e.g. ridge lambdas): it is given the calibration
  // rows too and returns the index of the candidate it kept; `candidates()` says how many exist.
  virtual int candidates() const { return 1; }
  virtual Status TrainCandidate(int candidate, const ModelData& train, const TrainWindow& w) = 0;
  // Continues the kept model by `extra_trees` trees on `train` and returns the trees it added;
  // a model without trees (ridge) keeps the default: none.
  virtual Result<int> ContinueModel(const ModelData& /*train*/, const TrainWindow& /*w*/, int /*extra_trees*/) {
    return 0;
  }
  virtual double PredictGathered(const double* x) const = 0;  // x: model features in model order
  virtual std::string SaveModel() const = 0;
  virtual Status LoadModel(std::string_view bytes) = 0;
  virtual size_t model_cols() const = 0;  // features the loaded model expects
  virtual const char* buy_reason() const = 0;
  virtual const char* sell_reason() const = 0;

 private:
  Status Resolve();
  Status CheckBound(const TrainWindow& w, const char* call) const;

  std::vector<std::string> bound_names_;  // names given to Bind
  std::vector<std::string> model_names_;  // the model's features, in model order
  std::vector<int> idx_;                  // frame column of each model feature
  int max_idx_ = -1;
  bool fitted_ = false;
  double threshold_ = 0.0;
  SideCal long_, short_;
};

// Helpers shared with meta_label.
// The fitted state both model-engine kinds save after their header: whether a model was kept, its
// feature names in model order, the threshold, both sides' calibration and the model's own bytes
// (empty when not fitted).
struct ModelState {
  bool fitted = false;
  std::vector<std::string> names;
  double threshold = 0.0;
  SideCal long_side, short_side;
  std::string model;

  void Save(ml::ByteWriter& w) const;
  void Load(ml::ByteReader& r);
};

// The XGBoost settings of gbdt and meta_label: the given objective, depth and min_child_weight, 60
// rounds, eta 0.1, seed and nthread from the window; the ml::XgbParams defaults otherwise. Fit and
// the warm start use the same.
ml::XgbParams ModelXgbParams(const TrainWindow& w, const char* objective, int max_depth, double min_child_weight);
// Trains a booster on row-major float rows `x` with labels `y` and returns its JSON model.
Result<std::string> TrainXgbJson(const std::vector<float>& x, const std::vector<float>& y, size_t rows, size_t cols,
                                 const ml::XgbParams& p);

// The warm start's counterpart of TrainXgbJson: `extra_rounds` more trees on the JSON model `model`
// (ml::XgbBooster::Continue), returned as JSON.
Result<std::string> ContinueXgbJson(std::string_view model, const std::vector<float>& x, const std::vector<float>& y,
                                    size_t rows, size_t cols, const ml::XgbParams& p, int extra_rounds);

// Gathers rows `rows` of the frame columns `idx` into a row-major matrix.
std::vector<double> GatherRows(const features::FeatureFrame& f, const std::vector<int>& idx,
                               const std::vector<size_t>& rows);
// Every k-th element so that at most `max_n` remain (deterministic).
std::vector<size_t> Subsample(const std::vector<size_t>& rows, size_t max_n);

}  // namespace huracan::engines
