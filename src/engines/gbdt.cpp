// gbdt: XGBoost regressor of the 30-minute forward return (bps) on every feature of the frame.
// Trained through ml::XgbBooster (hist, 60 rounds, depth 5, eta 0.1, subsample/colsample 0.8,
// min_child_weight 50, seed and nthread from the TrainWindow); inference runs on the compiled
// forest (ml::XgbForest), which evaluates the trees exactly as XGBoost's CPU predictor. The
// mechanic's warm start continues the booster with the same settings (ContinueModel).
#include <array>

#include "engines/engine_table.h"
#include "engines/model_engine.h"

namespace huracan::engines {
namespace {

class Gbdt : public ScoreModelEngine {
 public:
  std::string_view id() const override { return "gbdt"; }
  int horizon_minutes() const override { return 30; }

 protected:
  Status TrainCandidate(int, const ModelData& d, const TrainWindow& w) override {
    std::vector<float> x(d.x.begin(), d.x.end());
    std::vector<float> y(d.y.begin(), d.y.end());
    HURACAN_ASSIGN_OR_RETURN(std::string json, TrainXgbJson(x, y, d.rows, d.cols, Params(w)));
    return LoadModel(json);
  }

  Result<int> ContinueModel(const ModelData& d, const TrainWindow& w, int extra_trees) override {
    std::vector<float> x(d.x.begin(), d.x.end());
    std::vector<float> y(d.y.begin(), d.y.end());
    HURACAN_ASSIGN_OR_RETURN(std::string json,
                             ContinueXgbJson(model_json_, x, y, d.rows, d.cols, Params(w), extra_trees));
    const size_t before = forest_.num_trees();
    HURACAN_RETURN_IF_ERROR(LoadModel(json));
    return static_cast<int>(forest_.num_trees() - before);
  }

  double PredictGathered(const double* x) const override {
    std::array<float, kMaxModelFeatures> f;
    const int n = forest_.num_features();
    for (int j = 0; j < n; ++j) f[j] = static_cast<float>(x[j]);
    return forest_.Predict(f.data());
  }

  std::string SaveModel() const override { return model_json_; }
  size_t model_cols() const override { return static_cast<size_t>(forest_.num_features()); }

  Status LoadModel(std::string_view bytes) override {
    HURACAN_ASSIGN_OR_RETURN(ml::XgbForest f, ml::XgbForest::FromJson(bytes));
    if (f.num_features() < 1 || static_cast<size_t>(f.num_features()) > kMaxModelFeatures)
      return WithContext(DataLoss("model has " + std::to_string(f.num_features()) + " features"), EngineContext(id()));
    forest_ = std::move(f);
    model_json_ = std::string(bytes);
    return Status::Ok();
  }

  static ml::XgbParams Params(const TrainWindow& w) { return ModelXgbParams(w, "reg:squarederror", 5, 50); }

  const char* buy_reason() const override { return "gbdt up"; }
  const char* sell_reason() const override { return "gbdt down"; }

 private:
  ml::XgbForest forest_;
  std::string model_json_;  // XGBoost's own JSON model, kept untouched
};

}  // namespace

std::unique_ptr<Engine> MakeGbdt() { return std::make_unique<Gbdt>(); }

}  // namespace huracan::engines
