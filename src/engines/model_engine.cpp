#include "engines/model_engine.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace huracan::engines {
namespace {
constexpr uint32_t kMagic = 0x314c444d;  // "MDL1"
constexpr uint32_t kVersion = 1;
}  // namespace

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
  if (names.empty()) return InvalidArgument("engine " + std::string(id()) + ": no features to bind");
  if (names.size() > kMaxModelFeatures)
    return InvalidArgument("engine " + std::string(id()) + ": more than " + std::to_string(kMaxModelFeatures) +
                           " features");
  bound_names_ = names;
  return Resolve();
}

Status ScoreModelEngine::Fit(const TrainWindow& w) {
  const std::string who = "engine " + std::string(id());
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, id()));
  if (bound_names_.empty() || bound_names_.size() != w.features->cols())
    return FailedPrecondition(who + ": Bind the frame's feature names before Fit");
  fitted_ = false;
  long_ = short_ = SideCal{};
  model_names_ = bound_names_;
  HURACAN_RETURN_IF_ERROR(Resolve());

  const int h = HorizonBars(*w.bars, horizon_minutes());
  const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, h);
  const size_t split = w.begin + static_cast<size_t>(kTrainFraction * static_cast<double>(w.end - w.begin));
  std::vector<size_t> train_rows, cal_rows;
  for (size_t t = w.begin; t < w.end; ++t) {
    if (fwd[t] != fwd[t]) continue;
    if (t + h < split)
      train_rows.push_back(t);  // purged: the label ends before calibration starts
    else if (t >= split)
      cal_rows.push_back(t);
  }
  if (train_rows.size() < 200 || cal_rows.size() < 100) return Status::Ok();  // too little data: off
  train_rows = Subsample(train_rows, kMaxModelRows);

  ModelData data;
  data.cols = idx_.size();
  data.rows = train_rows.size();
  data.x = GatherRows(*w.features, idx_, train_rows);
  data.y.reserve(data.rows);
  double s = 0, ss = 0;
  for (size_t t : train_rows) s += fwd[t], ss += fwd[t] * fwd[t];
  double n = static_cast<double>(data.rows), m = s / n;
  double sd = std::sqrt(std::max(0.0, ss / n - m * m));
  for (size_t t : train_rows) data.y.push_back(std::clamp(fwd[t], m - 4 * sd, m + 4 * sd));

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
      SideStats lo, sh;
      size_t next_long = 0, next_short = 0;
      for (size_t i = 0; i < cal_rows.size(); ++i) {
        size_t t = cal_rows[i];
        if (preds[i] > thr && t >= next_long)
          lo.Add(fwd[t], +1, cost), next_long = t + h;
        else if (preds[i] < -thr && t >= next_short)
          sh.Add(fwd[t], -1, cost), next_short = t + h;
      }
      double score = lo.score(+1, cost, edge_floor) + sh.score(-1, cost, edge_floor);
      if (score > best) {
        best = score;
        threshold_ = thr;
        long_ = Calibrate(lo, +1, cost, edge_floor);
        short_ = Calibrate(sh, -1, cost, edge_floor);
        best_model = SaveModel();
      }
    }
  }
  if (best_model.empty()) return Status::Ok();  // nothing beats costs out of sample: off
  HURACAN_RETURN_IF_ERROR(LoadModel(best_model));
  fitted_ = true;
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
  if (p > threshold_) return long_.on ? Speak(+1, long_, hm, buy_reason()) : Wait(hm, "long side off");
  if (p < -threshold_) return short_.on ? Speak(-1, short_, hm, sell_reason()) : Wait(hm, "short side off");
  return Wait(hm, "weak forecast");
}

std::string ScoreModelEngine::SaveParams() const {
  ml::ByteWriter w;
  w.U32(kMagic);
  w.U32(kVersion);
  w.Str(id());
  w.U8(fitted_ ? 1 : 0);
  w.Strs(model_names_);
  w.F64(threshold_);
  long_.Save(w);
  short_.Save(w);
  w.Str(fitted_ ? SaveModel() : std::string());
  return w.Take();
}

Status ScoreModelEngine::LoadParams(std::string_view bytes) {
  const std::string what = "engine " + std::string(id()) + " params";
  ml::ByteReader r(bytes, what);
  if (r.U32() != kMagic) return DataLoss(what + ": not model-engine parameters");
  if (r.U32() != kVersion) return DataLoss(what + ": unsupported version");
  std::string eid = r.Str();
  if (r.ok() && eid != id()) return InvalidArgument(what + ": bytes belong to engine '" + eid + "'");
  bool fitted = r.U8() != 0;
  std::vector<std::string> names = r.Strs();
  double thr = r.F64();
  SideCal lo, sh;
  lo.Load(r);
  sh.Load(r);
  std::string model = r.Str();
  HURACAN_RETURN_IF_ERROR(r.Finish());
  if (fitted) {
    if (names.empty() || names.size() > kMaxModelFeatures) return DataLoss(what + ": bad feature list");
    HURACAN_RETURN_IF_ERROR(LoadModel(model));
    if (model_cols() != names.size()) return DataLoss(what + ": model and feature list disagree");
  }
  fitted_ = fitted;
  model_names_ = std::move(names);
  threshold_ = thr;
  long_ = lo;
  short_ = sh;
  return Resolve();
}

}  // namespace huracan::engines
