// ridge: ridge regression of the 30-minute forward return (bps) on every feature of the frame,
// standardised (ml::Ridge, Eigen). The penalty is chosen with the threshold, out of sample:
// lambda = alpha * n_train with alpha in {0.001, 0.1, 10}.
#include "ml/ridge.h"

#include "engines/engine_table.h"
#include "engines/model_engine.h"

namespace huracan::engines {
namespace {

constexpr double kAlphas[] = {0.001, 0.1, 10.0};

class RidgeEngine : public ScoreModelEngine {
 public:
  std::string_view id() const override { return "ridge"; }
  int horizon_minutes() const override { return 30; }

 protected:
  int candidates() const override { return static_cast<int>(std::size(kAlphas)); }

  Status TrainCandidate(int c, const ModelData& d, const TrainWindow&) override {
    HURACAN_ASSIGN_OR_RETURN(model_,
                             ml::Ridge::Fit(d.x, d.y, d.rows, d.cols, kAlphas[c] * static_cast<double>(d.rows)));
    return Status::Ok();
  }

  double PredictGathered(const double* x) const override { return model_.Predict(x); }
  std::string SaveModel() const override { return model_.Save(); }
  size_t model_cols() const override { return model_.cols(); }
  Status LoadModel(std::string_view bytes) override {
    HURACAN_ASSIGN_OR_RETURN(model_, ml::Ridge::Load(bytes));
    return Status::Ok();
  }
  const char* buy_reason() const override { return "ridge up"; }
  const char* sell_reason() const override { return "ridge down"; }

 private:
  ml::Ridge model_;
};

}  // namespace

std::unique_ptr<Engine> MakeRidge() { return std::make_unique<RidgeEngine>(); }

}  // namespace huracan::engines
