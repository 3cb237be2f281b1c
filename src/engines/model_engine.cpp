#include "engines/model_engine.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace huracan::engines {
namespace {
constexpr uint32_t kMagic = 0x314c444d;  // "MDL1"
constexpr uint32_t kVersion = 1;
}  // namespace

void ModelState::Save(ml::ByteWriter& w) const {
  w.U8(fitted ? 1 : 0);
  w.Strs(names);
  w.F64(threshold);
  long_side.Save(w);
  short_side.Save(w);
  w.Str(model);
}

void ModelState::Load(ml::ByteReader& r) {
  fitted = r.U8() != 0;
  names = r.Strs();
  threshold = r.F64();
  long_side.Load(r);
  short_side.Load(r);
  model = r.Str();
}

ml::XgbParams ModelXgbParams(const TrainWindow& w, const char* objective, int max_depth, double min_child_weight) {
  ml::XgbParams p;
  p.objective = objective;
  p.max_depth = max_depth;
  p.min_child_weight = min_child_weight;
  p.num_rounds = 60;
  p.eta = 0.1;
  p.seed = w.seed;
  p.nthread = w.nthread;
  return p;
}

namespace {

Result<ml::XgbMatrix> LabelledMatrix(const std::vector<float>& x, const std::vector<float>& y, size_t rows, size_t cols,
                                     int nthread) {
  HURACAN_ASSIGN_OR_RETURN(ml::XgbMatrix m, ml::XgbMatrix::FromDense(x, rows, cols, nthread));
  HURACAN_RETURN_IF_ERROR(m.SetLabels(y));
  return m;
}

// Training rows `rows` of the window: the model features and the forward return, winsorised at 4 sd.
ModelData MakeModelData(const features::FeatureFrame& f, const std::vector<int>& idx, const std::vector<size_t>& rows,
                        const std::vector<double>& fwd) {
  ModelData data;
  data.cols = idx.size();
  data.rows = rows.size();
  data.x = GatherRows(f, idx, rows);
  data.y.reserve(data.rows);
  double s = 0, ss = 0;
  for (size_t t : rows) s += fwd[t], ss += fwd[t] * fwd[t];
  double n = static_cast<double>(data.rows), m = s / n;
  double sd = std::sqrt(std::max(0.0, ss / n - m * m));
  for (size_t t : rows) data.y.push_back(std::clamp(fwd[t], m - 4 * sd, m + 4 * sd));
  return data;
}

}  // namespace

Result<std::string> TrainXgbJson(const std::vector<float>& x, const std::vector<float>& y, size_t rows, size_t cols,
                                 const ml::XgbParams& p) {
  HURACAN_ASSIGN_OR_RETURN(ml::XgbMatrix m, LabelledMatrix(x, y, rows, cols, p.nthread));
  HURACAN_ASSIGN_OR_RETURN(ml::XgbBooster b, ml::XgbBooster::Train(m, p));
  return b.Save("json");
}

Result<std::string> ContinueXgbJson(std::string_view model, const std::vector<float>& x, const std::vector<float>& y,
                                    size_t rows, size_t cols, const ml::XgbParams& p, int extra_rounds) {
  HURACAN_ASSIGN_OR_RETURN(ml::XgbMatrix m, LabelledMatrix(x, y, rows, cols, p.nthread));
  HURACAN_ASSIGN_OR_RETURN(ml::XgbBooster b, ml::XgbBooster::Continue(model, m, p, extra_rounds));
  return b.Save("json");
}

std::vector<double> GatherRows(const features::FeatureFrame& f, const std::vector<int>& idx,
                               const std::vector<size_t>& rows) {
  const size_t nc = idx.size();
  std::vector<double> x(rows.size() * nc);
  for (size_t j = 0; j < nc; ++j) {
    const double* col = f.columns[idx[j]].data();
    for (size_t i = 0; i < rows.size(); ++i) x[i * nc + j] = col[rows[i]];
  }
  return x;
}

std::vector<size_t> Subsample(const std::vector<size_t>& rows, size_t max_n) {
  if (rows.size() <= max_n || max_n == 0) return rows;
  size_t k = (rows.size() + max_n - 1) / max_n;
  std::vector<size_t> out;
  out.reserve(rows.size() / k + 1);
  for (size_t i = 0; i < rows.size(); i += k) out.push_back(rows[i]);
  return out;
}

std::vector<std::string> ScoreModelEngine::required_features() const {
  return model_names_.empty() ? bound_names_ : model_names_;
}

Status ScoreModelEngine::Resolve() {
  idx_.clear();
  max_idx_ = -1;
  if (model_names_.empty() || bound_names_.empty()) return Status::Ok();
  HURACAN_ASSIGN_OR_RETURN(idx_, ResolveFeatures(model_names_, bound_names_, id()));
  max_idx_ = *std::max_element(idx_.begin(), idx_.end());
  return Status::Ok();
}

Status ScoreModelEngine::Bind(const std::vector<std::string>& names) {
  if (names.empty()) return WithContext(InvalidArgument("no features to bind"), EngineContext(id()));
  if (names.size() > kMaxModelFeatures)
    return WithContext(InvalidArgument("more than " + std::to_string(kMaxModelFeatures) + " features"),
                       EngineContext(id()));
  bound_names_ = names;
  return Resolve();
}

Status ScoreModelEngine::Fit(const TrainWindow& w) {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, id()));
  if (bound_names_.empty() || bound_names_.size() != w.features->cols())
    return WithContext(FailedPrecondition("Bind the frame's feature names before Fit"), EngineContext(id()));
  fitted_ = false;
  long_ = short_ = SideCal{};
  model_names_ = bound_names_;
  HURACAN_RETURN_IF_ERROR(Resolve());

  const int h = HorizonBars(*w.bars, horizon_minutes());
  const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, h);
  const size_t split = SplitRow(w.begin, w.end);
  std::vector<size_t> train_rows, cal_rows;
  for (size_t t = w.begin; t < w.end; ++t) {
    if (fwd[t] != fwd[t]) continue;
    if (t + h < split)
      train_rows.push_back(t);  // purged: the label ends before calibration starts
    else if (t >= split)
      cal_rows.push_back(t);
  }
  if (train_rows.size() < kMinModelRows || cal_rows.size() < 100) return Status::Ok();  // too little data: off
  train_rows = Subsample(train_rows, kMaxModelRows);
  const ModelData data = MakeModelData(*w.features, idx_, train_rows, fwd);

  const double cost = w.round_trip_cost_bps;
  const double edge_floor = w.net_edge_floor_bps;
  double best = 0.0;
  std::string best_model;
  std::vector<double> preds(cal_rows.size());
  std::vector<double> xrow(idx_.size());
  for (int c = 0; c < candidates(); ++c) {
    HURACAN_RETURN_IF_ERROR(TrainCandidate(c, data, w));
    for (size_t i = 0; i < cal_rows.size(); ++i) {
      for (size_t j = 0; j < idx_.size(); ++j) xrow[j] = w.features->columns[idx_[j]][cal_rows[i]];
      preds[i] = PredictGathered(xrow.data());
    }
    std::vector<double> mag;
    mag.reserve(preds.size());
    for (double p : preds)
      if (std::isfinite(p)) mag.push_back(std::fabs(p));
    if (mag.empty()) continue;
    std::sort(mag.begin(), mag.end());
    for (double q : kThresholdQuantiles) {
      double thr = mag[std::min(mag.size() - 1, static_cast<size_t>(q * static_cast<double>(mag.size())))];
      TwoSidedTrades trades(0);
      for (size_t i = 0; i < cal_rows.size(); ++i)
        trades.Add(Follow(preds[i], thr), cal_rows[i], h, fwd[cal_rows[i]], cost);
      double score = trades.score(cost, edge_floor);
      if (score > best) {
        best = score;
        threshold_ = thr;
        long_ = Calibrate(trades.long_stats, +1, cost, edge_floor);
        short_ = Calibrate(trades.short_stats, -1, cost, edge_floor);
        best_model = SaveModel();
      }
    }
  }
  if (best_model.empty()) return Status::Ok();  // nothing beats costs out of sample: off
  HURACAN_RETURN_IF_ERROR(LoadModel(best_model));
  fitted_ = true;
  return Status::Ok();
}

Status ScoreModelEngine::CheckBound(const TrainWindow& w, const char* call) const {
  if (max_idx_ < 0 || max_idx_ >= static_cast<int>(w.features->cols()))
    return WithContext(FailedPrecondition(std::string("Bind the frame's feature names before ") + call),
                       EngineContext(id()));
  return Status::Ok();
}

Result<int> ScoreModelEngine::WarmStart(const TrainWindow& w, int extra_trees) {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, id()));
  if (!fitted_ || extra_trees <= 0) return 0;
  HURACAN_RETURN_IF_ERROR(CheckBound(w, "WarmStart"));
  const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, HorizonBars(*w.bars, horizon_minutes()));
  std::vector<size_t> rows;
  for (size_t t = w.begin; t < w.end; ++t)
    if (fwd[t] == fwd[t]) rows.push_back(t);
  if (rows.size() < kMinModelRows) return 0;
  return ContinueModel(MakeModelData(*w.features, idx_, Subsample(rows, kMaxModelRows), fwd), w, extra_trees);
}

Status ScoreModelEngine::Recalibrate(const TrainWindow& w) {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, id()));
  if (!fitted_) return Status::Ok();
  HURACAN_RETURN_IF_ERROR(CheckBound(w, "Recalibrate"));
  const int h = HorizonBars(*w.bars, horizon_minutes());
  const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, h);
  const double cost = w.round_trip_cost_bps;
  TwoSidedTrades trades(0);
  std::vector<double> xrow(idx_.size());
  for (size_t t = w.begin; t < w.end; ++t) {
    if (fwd[t] != fwd[t]) continue;
    for (size_t j = 0; j < idx_.size(); ++j) xrow[j] = w.features->columns[idx_[j]][t];
    trades.Add(Follow(PredictGathered(xrow.data()), threshold_), t, h, fwd[t], cost);
  }
  long_ = Calibrate(trades.long_stats, +1, cost, w.net_edge_floor_bps);
  short_ = Calibrate(trades.short_stats, -1, cost, w.net_edge_floor_bps);
  return Status::Ok();
}

double ScoreModelEngine::Score(const FeatureRow& row) const {
  if (!fitted_ || max_idx_ < 0 || static_cast<size_t>(max_idx_) >= row.values.size()) return features::kNaN;
  std::array<double, kMaxModelFeatures> x;
  for (size_t j = 0; j < idx_.size(); ++j) x[j] = row.values[idx_[j]];
  return PredictGathered(x.data());
}

EngineOutput ScoreModelEngine::Infer(const FeatureRow& row) const {
  const int hm = horizon_minutes();
  if (!fitted_) return Wait(hm, "off");
  double p = Score(row);
  if (p != p) return Wait(hm, "unbound");
  if (p > threshold_) return SpeakIfOn(+1, long_, hm, buy_reason());
  if (p < -threshold_) return SpeakIfOn(-1, short_, hm, sell_reason());
  return Wait(hm, "weak forecast");
}

std::string ScoreModelEngine::SaveParams() const {
  ml::ByteWriter w;
  w.U32(kMagic);
  w.U32(kVersion);
  w.Str(id());
  ModelState{.fitted = fitted_,
             .names = model_names_,
             .threshold = threshold_,
             .long_side = long_,
             .short_side = short_,
             .model = fitted_ ? SaveModel() : std::string()}
      .Save(w);
  return w.Take();
}

Status ScoreModelEngine::LoadParams(std::string_view bytes) {
  const std::string what = ParamsContext(id());
  ml::ByteReader r(bytes, what);
  if (r.U32() != kMagic) return WithContext(DataLoss("not model-engine parameters"), what);
  if (r.U32() != kVersion) return WithContext(DataLoss("unsupported version"), what);
  std::string eid = r.Str();
  if (r.ok() && eid != id()) return WithContext(InvalidArgument("bytes belong to engine '" + eid + "'"), what);
  ModelState s;
  s.Load(r);
  HURACAN_RETURN_IF_ERROR(r.Finish());
  if (s.fitted) {
    if (s.names.empty() || s.names.size() > kMaxModelFeatures) return WithContext(DataLoss("bad feature list"), what);
    HURACAN_RETURN_IF_ERROR(LoadModel(s.model));
    if (model_cols() != s.names.size()) return WithContext(DataLoss("model and feature list disagree"), what);
  }
  fitted_ = s.fitted;
  model_names_ = std::move(s.names);
  threshold_ = s.threshold;
  long_ = s.long_side;
  short_ = s.short_side;
  return Resolve();
}

}  // namespace huracan::engines
