// One thin RAII layer over the XGBoost C API (v1.7). Every return code is checked and
// XGBGetLastError() is copied into our Error. Seed and thread count are always passed explicitly.
//
// Inference on the hot path does not go through XGBoost: XgbForest compiles the booster's JSON
// model into flat arrays and evaluates it the way XGBoost's CPU predictor does (float features,
// `x < split` goes left, NaN follows the default child, leaves summed in float in tree order).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace huracan::ml {

// A dense float matrix in XGBoost (row-major input, NaN = missing). Move-only.
class XgbMatrix {
 public:
  XgbMatrix() = default;
  ~XgbMatrix();
  XgbMatrix(XgbMatrix&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  XgbMatrix& operator=(XgbMatrix&& o) noexcept;
  XgbMatrix(const XgbMatrix&) = delete;
  XgbMatrix& operator=(const XgbMatrix&) = delete;

  // `data` holds rows*cols floats, row-major.
  static Result<XgbMatrix> FromDense(std::span<const float> data, size_t rows, size_t cols, int nthread);
  Status SetLabels(std::span<const float> labels);
  Status SetWeights(std::span<const float> weights);
  Result<size_t> rows() const;
  Result<size_t> cols() const;
  void* handle() const { return h_; }

 private:
  void* h_ = nullptr;
};

struct XgbParams {
  std::string objective = "reg:squarederror";  // or "binary:logistic"
  int num_rounds = 80;
  int max_depth = 5;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 5.0;
  double lambda = 1.0;
  uint64_t seed = 42;
  int nthread = 1;
  // Extra key/value parameters, passed verbatim after the ones above.
  std::vector<std::pair<std::string, std::string>> extra;
};

class XgbBooster {
 public:
  XgbBooster() = default;
  ~XgbBooster();
  XgbBooster(XgbBooster&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  XgbBooster& operator=(XgbBooster&& o) noexcept;
  XgbBooster(const XgbBooster&) = delete;
  XgbBooster& operator=(const XgbBooster&) = delete;

  // Trains `params.num_rounds` rounds of tree_method=hist on `train` (labels must be set).
  static Result<XgbBooster> Train(const XgbMatrix& train, const XgbParams& params);
  // Loads a model saved by Save ("ubj" or "json" bytes; the format is detected by XGBoost).
  static Result<XgbBooster> Load(std::string_view bytes, int nthread = 1);
  // Training continuation (a warm start): loads `model` (bytes saved by Save), sets `params` (those
  // it was trained with; num_rounds is not used) and boosts `extra_rounds` more trees on `train`,
  // numbered after the model's own rounds. The existing trees and base score are kept. The random
  // stream is seeded from `params.seed` and the round number (XGBoost's seed_per_iteration), so the
  // result does not depend on what the process trained before. extra_rounds = 0 loads the model as
  // it is.
  static Result<XgbBooster> Continue(std::string_view model, const XgbMatrix& train, const XgbParams& params,
                                     int extra_rounds);

  // Predictions (transformed by the objective, or raw margins).
  Result<std::vector<float>> Predict(const XgbMatrix& m, bool output_margin = false) const;
  // format: "ubj" or "json".
  Result<std::string> Save(std::string_view format = "ubj") const;
  Result<int> BoostedRounds() const;
  void* handle() const { return h_; }

 private:
  void* h_ = nullptr;
};

// A compiled copy of a booster's trees for fast single-row inference.
class XgbForest {
 public:
  // Parses XgbBooster::Save("json") output. Supports gbtree with one output group and the
  // objectives reg:squarederror, reg:logistic and binary:logistic.
  static Result<XgbForest> FromJson(std::string_view model_json);

  // Raw margin for one row of `num_features()` float values (NaN = missing).
  float PredictMargin(const float* x) const;
  // Margin transformed by the objective (sigmoid for logistic objectives).
  float Predict(const float* x) const;
  int num_features() const { return num_features_; }
  size_t num_trees() const { return roots_.size(); }
  bool logistic() const { return logistic_; }

 private:
  struct Node {
    int32_t left = -1;  // -1 for a leaf
    int32_t right = -1;
    int32_t feature = 0;
    float value = 0.f;  // split threshold, or leaf value
    bool default_left = false;
  };
  std::vector<Node> nodes_;
  std::vector<int32_t> roots_;
  float base_margin_ = 0.f;
  bool logistic_ = false;
  int num_features_ = 0;
};

}  // namespace huracan::ml
