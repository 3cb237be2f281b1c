// meta_label: meta-labelling (Lopez de Prado). A high-recall primary signal comes from ten rule
// engines at their most permissive grid candidate (no fit needed: the classifier does the
// filtering); the primary direction is the sign of their vote sum. Each primary event is labelled
// by a triple barrier: take-profit max(sigma_h, cost), stop sigma_h (sigma_h = vol_cc_30 * sqrt h,
// touched by the bars' high/low, stop checked first), time barrier h = 30 minutes (then: net
// return > cost). An XGBoost classifier (binary:logistic, 60 rounds, depth 4) on every feature
// plus the primary direction and vote predicts P(label = 1); events with P >= threshold pass.
// Train on the first 70% of the window (purged by h), threshold and calibration on the rest.
#include <algorithm>
#include <array>
#include <cmath>

#include "engines/factories.h"
#include "engines/model_engine.h"
#include "ml/xgb.h"

namespace huracan::engines {
namespace {

constexpr uint32_t kMagic = 0x4c54454d;  // "METL"
constexpr uint32_t kVersion = 1;
constexpr int kHorizon = 30;
constexpr const char* kId = "meta_label";
constexpr double kThresholds[] = {0.5, 0.55, 0.6, 0.65};
constexpr int kExtra = 2;  // primary direction and vote appended to the features

using SpecFn = const RuleSpec& (*)();
constexpr SpecFn kPrimaries[] = {
    &TrendMaSpec,        &MomentumTsmomSpec, &DonchianBreakoutSpec, &VolatilityBreakoutSpec,
    &RangeBollingerSpec, &RsiReversalSpec,   &ZscoreReversionSpec,  &VwapReversionSpec,
    &TapeSpec,           &VolumeSpikeSpec};
constexpr size_t kNumPrimaries = std::size(kPrimaries);

struct Primary {
  const RuleSpec* spec = nullptr;
  std::vector<int> idx;
};

class MetaLabel : public Engine {
 public:
  std::string_view id() const override { return kId; }
  std::string_view family() const override { return "ml"; }
  std::vector<Regime> regimes() const override { return {Regime::kTrend, Regime::kRange, Regime::kPanic}; }
  int horizon_minutes() const override { return kHorizon; }
  bool active() const override { return fitted_ && (long_.on || short_.on); }

  std::vector<std::string> required_features() const override {
    std::vector<std::string> out = model_names_.empty() ? bound_names_ : model_names_;
    auto add = [&](const std::string& n) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    };
    add("vol_cc_30");
    for (SpecFn fn : kPrimaries)
      for (const auto& n : fn().features) add(n);
    return out;
  }

  Status Bind(const std::vector<std::string>& names) override {
    if (names.empty() || names.size() + kExtra > kMaxModelFeatures)
      return InvalidArgument("engine meta_label: bad number of features to bind");
    primaries_.clear();
    for (SpecFn fn : kPrimaries) {
      Primary p;
      p.spec = &fn();
      HURACAN_ASSIGN_OR_RETURN(p.idx, ResolveFeatures(p.spec->features, names, kId));
      primaries_.push_back(std::move(p));
    }
    HURACAN_ASSIGN_OR_RETURN(std::vector<int> vol, ResolveFeatures({"vol_cc_30"}, names, kId));
    vol_idx_ = vol[0];
    bound_names_ = names;
    return Resolve();
  }

  Status Fit(const TrainWindow& w) override {
    HURACAN_RETURN_IF_ERROR(ValidateWindow(w, kId));
    if (bound_names_.size() != w.features->cols() || primaries_.size() != kNumPrimaries)
      return FailedPrecondition("engine meta_label: Bind the frame's feature names before Fit");
    fitted_ = false;
    long_ = short_ = SideCal{};
    model_names_ = bound_names_;
    HURACAN_RETURN_IF_ERROR(Resolve());

    const data::BarSeries& bars = *w.bars;
    const features::FeatureFrame& f = *w.features;
    const int h = HorizonBars(bars, kHorizon);
    const std::vector<double> fwd = ForwardReturns(bars, w.begin, w.end, h);
    const double cost = w.round_trip_cost_bps;
    const double edge_floor = w.net_edge_floor_bps;
    const size_t split = w.begin + static_cast<size_t>(kTrainFraction * static_cast<double>(w.end - w.begin));

    struct Event {
      size_t t;
      int dir, vote;
      float label;
    };
    std::vector<Event> train, cal;
    double x[kMaxRuleFeatures];
    for (size_t t = w.begin; t < w.end; ++t) {
      if (fwd[t] != fwd[t]) continue;
      int vote = 0;
      for (const Primary& p : primaries_) {
        for (size_t k = 0; k < p.idx.size(); ++k) x[k] = f.columns[p.idx[k]][t];
        vote += p.spec->signal(x, p.spec->grid[p.spec->loose_candidate].data());
      }
      if (vote == 0) continue;
      int d = vote > 0 ? 1 : -1;
      double sigma = f.columns[vol_idx_][t] * std::sqrt(static_cast<double>(h));
      if (!(sigma > 0)) continue;
      Event e{t, d, vote, TripleBarrier(bars, t, h, d, sigma, cost, fwd[t])};
      if (t + h < split)
        train.push_back(e);
      else if (t >= split)
        cal.push_back(e);
    }
    if (train.size() < 200 || cal.size() < 100) return Status::Ok();  // too few primary events: off

    // Train the classifier on a deterministic subsample.
    std::vector<size_t> pick(train.size());
    for (size_t i = 0; i < pick.size(); ++i) pick[i] = i;
    pick = Subsample(pick, kMaxModelRows);
    const size_t nc = idx_.size() + kExtra;
    std::vector<float> xm(pick.size() * nc), y(pick.size());
    for (size_t r = 0; r < pick.size(); ++r) {
      const Event& e = train[pick[r]];
      for (size_t j = 0; j < idx_.size(); ++j) xm[r * nc + j] = static_cast<float>(f.columns[idx_[j]][e.t]);
      xm[r * nc + idx_.size()] = static_cast<float>(e.dir);
      xm[r * nc + idx_.size() + 1] = static_cast<float>(e.vote);
      y[r] = e.label;
    }
    HURACAN_ASSIGN_OR_RETURN(ml::XgbMatrix m, ml::XgbMatrix::FromDense(xm, pick.size(), nc, w.nthread));
    HURACAN_RETURN_IF_ERROR(m.SetLabels(y));
    ml::XgbParams p;
    p.objective = "binary:logistic";
    p.num_rounds = 60;
    p.max_depth = 4;
    p.eta = 0.1;
    p.min_child_weight = 5;
    p.seed = w.seed;
    p.nthread = w.nthread;
    HURACAN_ASSIGN_OR_RETURN(ml::XgbBooster b, ml::XgbBooster::Train(m, p));
    HURACAN_ASSIGN_OR_RETURN(std::string json, b.Save("json"));
    HURACAN_RETURN_IF_ERROR(LoadModel(json));

    // Out-of-sample threshold and calibration.
    std::vector<float> prob(cal.size());
    std::array<float, kMaxModelFeatures> row;
    for (size_t i = 0; i < cal.size(); ++i) {
      for (size_t j = 0; j < idx_.size(); ++j) row[j] = static_cast<float>(f.columns[idx_[j]][cal[i].t]);
      row[idx_.size()] = static_cast<float>(cal[i].dir);
      row[idx_.size() + 1] = static_cast<float>(cal[i].vote);
      prob[i] = forest_.Predict(row.data());
    }
    double best = 0.0;
    for (double thr : kThresholds) {
      SideStats lo, sh;
      size_t next_long = 0, next_short = 0;
      for (size_t i = 0; i < cal.size(); ++i) {
        if (!(prob[i] >= thr)) continue;
        size_t t = cal[i].t;
        if (cal[i].dir > 0 && t >= next_long)
          lo.Add(fwd[t], +1, cost), next_long = t + h;
        else if (cal[i].dir < 0 && t >= next_short)
          sh.Add(fwd[t], -1, cost), next_short = t + h;
      }
      double score = lo.score(+1, cost, edge_floor) + sh.score(-1, cost, edge_floor);
      if (score > best) {
        best = score;
        threshold_ = thr;
        long_ = Calibrate(lo, +1, cost, edge_floor);
        short_ = Calibrate(sh, -1, cost, edge_floor);
      }
    }
    fitted_ = best > 0;
    return Status::Ok();
  }

  EngineOutput Infer(const FeatureRow& row) const override {
    if (!fitted_) return Wait(kHorizon, "off");
    if (max_idx_ < 0 || static_cast<size_t>(max_idx_) >= row.values.size() || primaries_.empty())
      return Wait(kHorizon, "unbound");
    int vote = 0;
    double x[kMaxRuleFeatures];
    for (const Primary& p : primaries_) {
      for (size_t k = 0; k < p.idx.size(); ++k) x[k] = row.values[p.idx[k]];
      vote += p.spec->signal(x, p.spec->grid[p.spec->loose_candidate].data());
    }
    if (vote == 0) return Wait(kHorizon, "no primary");
    int d = vote > 0 ? 1 : -1;
    const SideCal& side = d > 0 ? long_ : short_;
    if (!side.on) return Wait(kHorizon, d > 0 ? "long side off" : "short side off");
    std::array<float, kMaxModelFeatures> f;
    for (size_t j = 0; j < idx_.size(); ++j) f[j] = static_cast<float>(row.values[idx_[j]]);
    f[idx_.size()] = static_cast<float>(d);
    f[idx_.size() + 1] = static_cast<float>(vote);
    float prob = forest_.Predict(f.data());
    if (!(prob >= threshold_)) return Wait(kHorizon, "filtered");
    return Speak(d, side, kHorizon, d > 0 ? "meta long" : "meta short");
  }

  std::string SaveParams() const override {
    ml::ByteWriter w;
    w.U32(kMagic);
    w.U32(kVersion);
    w.U8(fitted_ ? 1 : 0);
    w.Strs(model_names_);
    w.F64(threshold_);
    long_.Save(w);
    short_.Save(w);
    w.Str(fitted_ ? model_json_ : std::string());
    return w.Take();
  }

  Status LoadParams(std::string_view bytes) override {
    ml::ByteReader r(bytes, "engine meta_label params");
    if (r.U32() != kMagic || r.U32() != kVersion) return DataLoss("engine meta_label params: bad magic or version");
    bool fitted = r.U8() != 0;
    std::vector<std::string> names = r.Strs();
    double thr = r.F64();
    SideCal lo, sh;
    lo.Load(r);
    sh.Load(r);
    std::string model = r.Str();
    HURACAN_RETURN_IF_ERROR(r.Finish());
    if (fitted) {
      if (names.empty() || names.size() + kExtra > kMaxModelFeatures)
        return DataLoss("engine meta_label params: bad feature list");
      HURACAN_RETURN_IF_ERROR(LoadModel(model));
      if (static_cast<size_t>(forest_.num_features()) != names.size() + kExtra)
        return DataLoss("engine meta_label params: model and feature list disagree");
    }
    fitted_ = fitted;
    model_names_ = std::move(names);
    threshold_ = thr;
    long_ = lo;
    short_ = sh;
    return Resolve();
  }

 private:
  static float TripleBarrier(const data::BarSeries& bars, size_t t, int h, int d, double sigma, double cost,
                             double fwd) {
    const double entry = bars.close[t];
    const double tp = std::max(sigma, cost), sl = sigma;
    for (int i = 1; i <= h; ++i) {
      double hi = 1e4 * std::log(bars.high[t + i] / entry), lo = 1e4 * std::log(bars.low[t + i] / entry);
      double favourable = d > 0 ? hi : -lo, adverse = d > 0 ? -lo : hi;
      if (adverse >= sl) return 0.f;  // stop first when both are touched in one bar
      if (favourable >= tp) return 1.f;
    }
    return d * fwd > cost ? 1.f : 0.f;
  }

  Status LoadModel(std::string_view json) {
    HURACAN_ASSIGN_OR_RETURN(ml::XgbForest f, ml::XgbForest::FromJson(json));
    if (!f.logistic() || f.num_features() < 1 || static_cast<size_t>(f.num_features()) > kMaxModelFeatures)
      return DataLoss("engine meta_label: unexpected classifier model");
    forest_ = std::move(f);
    model_json_ = std::string(json);
    return Status::Ok();
  }

  Status Resolve() {
    idx_.clear();
    max_idx_ = -1;
    if (model_names_.empty() || bound_names_.empty()) return Status::Ok();
    HURACAN_ASSIGN_OR_RETURN(idx_, ResolveFeatures(model_names_, bound_names_, kId));
    for (int i : idx_) max_idx_ = std::max(max_idx_, i);
    for (const Primary& p : primaries_)
      for (int i : p.idx) max_idx_ = std::max(max_idx_, i);
    return Status::Ok();
  }

  std::vector<std::string> bound_names_, model_names_;
  std::vector<Primary> primaries_;
  std::vector<int> idx_;
  int vol_idx_ = -1;
  int max_idx_ = -1;
  bool fitted_ = false;
  double threshold_ = 0.5;
  SideCal long_, short_;
  ml::XgbForest forest_;
  std::string model_json_;
};

}  // namespace

std::unique_ptr<Engine> MakeMetaLabel() { return std::make_unique<MetaLabel>(); }

}  // namespace huracan::engines
