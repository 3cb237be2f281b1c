#include "ml/xgb.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace huracan::ml {
namespace {

// Turns a non-zero XGBoost return code into an Error carrying XGBGetLastError().
Status Check(int rc, const char* call) {
  if (rc == 0) return Status::Ok();
  const char* msg = XGBGetLastError();
  return InvalidArgument(std::string("xgboost ") + call + ": " + (msg ? msg : "unknown error"));
}

#define HURACAN_XGB(call) HURACAN_RETURN_IF_ERROR(Check((call), #call))

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
XgbMatrix::~XgbMatrix() {
  if (h_) XGDMatrixFree(h_);
}

XgbMatrix& XgbMatrix::operator=(XgbMatrix&& o) noexcept {
  if (this != &o) {
    if (h_) XGDMatrixFree(h_);
    h_ = std::exchange(o.h_, nullptr);
  }
  return *this;
}

Result<XgbMatrix> XgbMatrix::FromDense(std::span<const float> data, size_t rows, size_t cols, int nthread) {
  if (rows == 0 || cols == 0)
    return InvalidArgument("xgboost matrix: empty (rows=" + std::to_string(rows) + ", cols=" + std::to_string(cols) +
                           ")");
  if (data.size() != rows * cols)
    return InvalidArgument("xgboost matrix: " + std::to_string(data.size()) + " values for " + std::to_string(rows) +
                           "x" + std::to_string(cols));
  XgbMatrix m;
  DMatrixHandle h = nullptr;
  HURACAN_XGB(XGDMatrixCreateFromMat_omp(data.data(), rows, cols, std::nanf(""), &h, nthread < 1 ? 1 : nthread));
  m.h_ = h;
  return m;
}

Status XgbMatrix::SetLabels(std::span<const float> labels) {
  HURACAN_XGB(XGDMatrixSetFloatInfo(h_, "label", labels.data(), labels.size()));
  return Status::Ok();
}

Status XgbMatrix::SetWeights(std::span<const float> weights) {
  HURACAN_XGB(XGDMatrixSetFloatInfo(h_, "weight", weights.data(), weights.size()));
  return Status::Ok();
}

Result<size_t> XgbMatrix::rows() const {
  bst_ulong n = 0;
  HURACAN_XGB(XGDMatrixNumRow(h_, &n));
  return static_cast<size_t>(n);
}

Result<size_t> XgbMatrix::cols() const {
  bst_ulong n = 0;
  HURACAN_XGB(XGDMatrixNumCol(h_, &n));
  return static_cast<size_t>(n);
}

// ---------------------------------------------------------------------------------------------
XgbBooster::~XgbBooster() {
  if (h_) XGBoosterFree(h_);
}

XgbBooster& XgbBooster::operator=(XgbBooster&& o) noexcept {
  if (this != &o) {
    if (h_) XGBoosterFree(h_);
    h_ = std::exchange(o.h_, nullptr);
  }
  return *this;
}

namespace {

// The training parameters of `p` on booster `h` (Train and Continue set the same ones).
Status SetTrainParams(BoosterHandle h, const XgbParams& p) {
  const std::pair<std::string, std::string> params[] = {
      {"booster", "gbtree"},
      {"tree_method", "hist"},
      {"objective", p.objective},
      {"max_depth", std::to_string(p.max_depth)},
      {"eta", FormatDouble(p.eta)},
      {"subsample", FormatDouble(p.subsample)},
      {"colsample_bytree", FormatDouble(p.colsample_bytree)},
      {"min_child_weight", FormatDouble(p.min_child_weight)},
      {"lambda", FormatDouble(p.lambda)},
      {"seed", std::to_string(p.seed)},
      {"nthread", std::to_string(p.nthread < 1 ? 1 : p.nthread)},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : params) HURACAN_XGB(XGBoosterSetParam(h, k.c_str(), v.c_str()));
  for (const auto& [k, v] : p.extra) HURACAN_XGB(XGBoosterSetParam(h, k.c_str(), v.c_str()));
  return Status::Ok();
}

}  // namespace

Result<XgbBooster> XgbBooster::Train(const XgbMatrix& train, const XgbParams& p) {
  if (!train.handle()) return InvalidArgument("xgboost train: empty matrix");
  if (p.num_rounds < 1) return InvalidArgument("xgboost train: num_rounds must be >= 1");
  XgbBooster b;
  DMatrixHandle mats[1] = {train.handle()};
  BoosterHandle h = nullptr;
  HURACAN_XGB(XGBoosterCreate(mats, 1, &h));
  b.h_ = h;
  HURACAN_RETURN_IF_ERROR(SetTrainParams(h, p));
  for (int it = 0; it < p.num_rounds; ++it) HURACAN_XGB(XGBoosterUpdateOneIter(h, it, train.handle()));
  return b;
}

Result<XgbBooster> XgbBooster::Continue(std::string_view model, const XgbMatrix& train, const XgbParams& p,
                                        int extra_rounds) {
  if (extra_rounds < 0) return InvalidArgument("xgboost continue: extra_rounds must be >= 0");
  if (extra_rounds == 0) return Load(model, p.nthread);
  if (model.empty()) return InvalidArgument("xgboost continue: empty model bytes");
  if (!train.handle()) return InvalidArgument("xgboost continue: empty matrix");
  XgbBooster b;
  DMatrixHandle mats[1] = {train.handle()};
  BoosterHandle h = nullptr;
  HURACAN_XGB(XGBoosterCreate(mats, 1, &h));
  b.h_ = h;
  HURACAN_XGB(XGBoosterLoadModelFromBuffer(h, model.data(), model.size()));
  HURACAN_RETURN_IF_ERROR(SetTrainParams(h, p));
  HURACAN_XGB(XGBoosterSetParam(h, "seed_per_iteration", "1"));
  HURACAN_ASSIGN_OR_RETURN(const int done, b.BoostedRounds());
  for (int it = done; it < done + extra_rounds; ++it) HURACAN_XGB(XGBoosterUpdateOneIter(h, it, train.handle()));
  return b;
}

Result<XgbBooster> XgbBooster::Load(std::string_view bytes, int nthread) {
  if (bytes.empty()) return InvalidArgument("xgboost load: empty model bytes");
  XgbBooster b;
  BoosterHandle h = nullptr;
  HURACAN_XGB(XGBoosterCreate(nullptr, 0, &h));
  b.h_ = h;
  HURACAN_XGB(XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()));
  HURACAN_XGB(XGBoosterSetParam(h, "nthread", std::to_string(nthread < 1 ? 1 : nthread).c_str()));
  return b;
}

Result<std::vector<float>> XgbBooster::Predict(const XgbMatrix& m, bool output_margin) const {
  if (!h_) return FailedPrecondition("xgboost predict: no model");
  if (!m.handle()) return InvalidArgument("xgboost predict: empty matrix");
  bst_ulong len = 0;
  const float* out = nullptr;
  HURACAN_XGB(XGBoosterPredict(h_, m.handle(), output_margin ? 1 : 0, 0, 0, &len, &out));
  return std::vector<float>(out, out + len);
}

Result<std::string> XgbBooster::Save(std::string_view format) const {
  if (!h_) return FailedPrecondition("xgboost save: no model");
  if (format != "ubj" && format != "json")
    return InvalidArgument("xgboost save: format must be ubj or json, got '" + std::string(format) + "'");
  std::string config = "{\"format\": \"" + std::string(format) + "\"}";
  bst_ulong len = 0;
  const char* out = nullptr;
  HURACAN_XGB(XGBoosterSaveModelToBuffer(h_, config.c_str(), &len, &out));
  return std::string(out, len);
}

Result<int> XgbBooster::BoostedRounds() const {
  if (!h_) return FailedPrecondition("xgboost: no model");
  int n = 0;
  HURACAN_XGB(XGBoosterBoostedRounds(h_, &n));
  return n;
}

// ---------------------------------------------------------------------------------------------
Result<XgbForest> XgbForest::FromJson(std::string_view model_json) {
  try {
    auto j = nlohmann::json::parse(model_json);
    const auto& learner = j.at("learner");
    const auto& lmp = learner.at("learner_model_param");
    std::string objective = learner.at("objective").at("name").get<std::string>();
    XgbForest f;
    if (objective == "binary:logistic" || objective == "reg:logistic") {
      f.logistic_ = true;
    } else if (objective != "reg:squarederror") {
      return Unimplemented("xgboost model: objective '" + objective + "' not supported by the compiled forest");
    }
    if (std::stoi(lmp.at("num_class").get<std::string>()) > 1)
      return Unimplemented("xgboost model: multi-class models not supported");
    float base_score = std::stof(lmp.at("base_score").get<std::string>());
    // XGBoost 1.7 keeps base_score in probability space and converts it with the objective's ProbToMargin.
    f.base_margin_ = f.logistic_ ? -std::log(1.0f / base_score - 1.0f) : base_score;
    f.num_features_ = std::stoi(lmp.at("num_feature").get<std::string>());
    const auto& gb = learner.at("gradient_booster");
    if (gb.at("name").get<std::string>() != "gbtree")
      return Unimplemented("xgboost model: booster '" + gb.at("name").get<std::string>() + "' not supported");
    for (const auto& t : gb.at("model").at("trees")) {
      const auto& left = t.at("left_children");
      const auto& right = t.at("right_children");
      const auto& split_idx = t.at("split_indices");
      const auto& split_cond = t.at("split_conditions");
      const auto& dleft = t.at("default_left");
      size_t n = left.size();
      if (right.size() != n || split_idx.size() != n || split_cond.size() != n || dleft.size() != n)
        return DataLoss("xgboost model: tree arrays of different lengths");
      int32_t base = static_cast<int32_t>(f.nodes_.size());
      f.roots_.push_back(base);
      for (size_t i = 0; i < n; ++i) {
        Node node;
        int l = left[i].get<int>(), r = right[i].get<int>();
        if (l >= 0) {
          // Children come after their parent, which also rules out cycles.
          if (static_cast<size_t>(l) >= n || static_cast<size_t>(l) <= i || r < 0 || static_cast<size_t>(r) >= n ||
              static_cast<size_t>(r) <= i)
            return DataLoss("xgboost model: child index out of range");
          node.left = base + l;
          node.right = base + r;
          node.feature = split_idx[i].get<int>();
          if (node.feature < 0 || node.feature >= f.num_features_)
            return DataLoss("xgboost model: split feature out of range");
        }
        node.value = static_cast<float>(split_cond[i].get<double>());
        node.default_left = dleft[i].get<int>() != 0;
        f.nodes_.push_back(node);
      }
    }
    return f;
  } catch (const std::exception& e) {
    return DataLoss(std::string("xgboost model json: ") + e.what());
  }
}

float XgbForest::PredictMargin(const float* x) const {
  float sum = base_margin_;
  const Node* nodes = nodes_.data();
  for (int32_t root : roots_) {
    int32_t i = root;
    while (nodes[i].left >= 0) {
      const Node& n = nodes[i];
      float v = x[n.feature];
      i = std::isnan(v) ? (n.default_left ? n.left : n.right) : (v < n.value ? n.left : n.right);
    }
    sum += nodes[i].value;
  }
  return sum;
}

float XgbForest::Predict(const float* x) const {
  float m = PredictMargin(x);
  return logistic_ ? 1.0f / (1.0f + std::exp(-m)) : m;
}

}  // namespace huracan::ml
