// meta_label: meta-labelling (Lopez de Prado). A high-recall primary signal comes from ten rule
// engines at their most permissive grid candidate (no fit needed: the classifier does the
// filtering); the primary direction is the sign of their vote sum. Each primary event is labelled
// by a triple barrier: take-profit max(sigma_h, cost), stop sigma_h (sigma_h = vol_cc_30 * sqrt h,
// touched by the bars' high/low, stop checked first), time barrier h = 30 minutes (then: net
// return > cost). An XGBoost classifier (binary:logistic, 60 rounds, depth 4) on every feature
// plus the primary direction and vote predicts P(label = 1); events with P >= threshold pass.
// Train on the first 70% of the window (purged by h), threshold and calibration on the rest.
// The mechanic's warm start adds trees to the classifier on the window's events (same settings);
// the threshold and the calibration are kept (meta_label has no re-calibration).
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "engines/engine_table.h"
#include "engines/model_engine.h"

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
  EngineFamily family() const override { return EngineFamily::kMl; }
  std::vector<Regime> regimes() const override { return {Regime::kTrend, Regime::kRange, Regime::kPanic}; }
  int horizon_minutes() const override { return kHorizon; }
  bool active() const override { return fitted_ && (long_.on || short_.on); }
  int trials() const override { return static_cast<int>(std::size(kThresholds)); }

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
      return WithContext(InvalidArgument("bad number of features to bind"), EngineContext(kId));
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
      return WithContext(FailedPrecondition("Bind the frame's feature names before Fit"), EngineContext(kId));
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
    const size_t split = SplitRow(w.begin, w.end);

    std::vector<Event> train, cal;
    for (const Event& e : Events(w, fwd, h)) {
      if (e.t + h < split)
        train.push_back(e);
      else if (e.t >= split)
        cal.push_back(e);
    }
    if (train.size() < kMinModelRows || cal.size() < 100) return Status::Ok();  // too few primary events: off

    const Rows rows = TrainingRows(f, train);
    HURACAN_ASSIGN_OR_RETURN(std::string json, TrainXgbJson(rows.x, rows.y, rows.n, rows.cols, Params(w)));
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
      TwoSidedTrades trades(0);
      for (size_t i = 0; i < cal.size(); ++i)
        if (prob[i] >= thr) trades.Add(cal[i].dir, cal[i].t, h, fwd[cal[i].t], cost);
      double score = trades.score(cost, edge_floor);
      if (score > best) {
        best = score;
        threshold_ = thr;
        long_ = Calibrate(trades.long_stats, +1, cost, edge_floor);
        short_ = Calibrate(trades.short_stats, -1, cost, edge_floor);
      }
    }
    fitted_ = best > 0;
    return Status::Ok();
  }

  Result<int> WarmStart(const TrainWindow& w, int extra_trees) override {
    HURACAN_RETURN_IF_ERROR(ValidateWindow(w, kId));
    if (!fitted_ || extra_trees <= 0) return 0;
    if (max_idx_ < 0 || max_idx_ >= static_cast<int>(w.features->cols()) || primaries_.size() != kNumPrimaries)
      return WithContext(FailedPrecondition("Bind the frame's feature names before WarmStart"), EngineContext(kId));
    const int h = HorizonBars(*w.bars, kHorizon);
    const std::vector<Event> events = Events(w, ForwardReturns(*w.bars, w.begin, w.end, h), h);
    if (events.size() < kMinModelRows) return 0;
    const Rows rows = TrainingRows(*w.features, events);
    HURACAN_ASSIGN_OR_RETURN(std::string json,
                             ContinueXgbJson(model_json_, rows.x, rows.y, rows.n, rows.cols, Params(w), extra_trees));
    const size_t before = forest_.num_trees();
    HURACAN_RETURN_IF_ERROR(LoadModel(json));
    return static_cast<int>(forest_.num_trees() - before);
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
    if (!side.on) return SideOff(d, kHorizon);
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
    ModelState{.fitted = fitted_,
               .names = model_names_,
               .threshold = threshold_,
               .long_side = long_,
               .short_side = short_,
               .model = fitted_ ? model_json_ : std::string()}
        .Save(w);
    return w.Take();
  }

  Status LoadParams(std::string_view bytes) override {
    const std::string what = ParamsContext(kId);
    ml::ByteReader r(bytes, what);
    if (r.U32() != kMagic || r.U32() != kVersion) return WithContext(DataLoss("bad magic or version"), what);
    ModelState s;
    s.Load(r);
    HURACAN_RETURN_IF_ERROR(r.Finish());
    if (s.fitted) {
      if (s.names.empty() || s.names.size() + kExtra > kMaxModelFeatures)
        return WithContext(DataLoss("bad feature list"), what);
      HURACAN_RETURN_IF_ERROR(LoadModel(s.model));
      if (static_cast<size_t>(forest_.num_features()) != s.names.size() + kExtra)
        return WithContext(DataLoss("model and feature list disagree"), what);
    }
    fitted_ = s.fitted;
    model_names_ = std::move(s.names);
    threshold_ = s.threshold;
    long_ = s.long_side;
    short_ = s.short_side;
    return Resolve();
  }

 private:
  struct Event {
    size_t t;
    int dir, vote;
    float label;
  };
  // The classifier's rows: the model features, the primary direction and vote; labels.
  struct Rows {
    std::vector<float> x, y;
    size_t n = 0, cols = 0;
  };

  static ml::XgbParams Params(const TrainWindow& w) { return ModelXgbParams(w, "binary:logistic", 4, 5); }

  // The primary events of the window's labelled rows (fwd = ForwardReturns over the window), in time
  // order, each with its triple-barrier label.
  std::vector<Event> Events(const TrainWindow& w, const std::vector<double>& fwd, int h) const {
    const data::BarSeries& bars = *w.bars;
    const features::FeatureFrame& f = *w.features;
    std::vector<Event> out;
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
      out.push_back(Event{t, d, vote, TripleBarrier(bars, t, h, d, sigma, w.round_trip_cost_bps, fwd[t])});
    }
    return out;
  }

  // The classifier's training rows from a deterministic subsample of `events`.
  Rows TrainingRows(const features::FeatureFrame& f, const std::vector<Event>& events) const {
    std::vector<size_t> pick(events.size());
    for (size_t i = 0; i < pick.size(); ++i) pick[i] = i;
    pick = Subsample(pick, kMaxModelRows);
    Rows r;
    r.n = pick.size();
    r.cols = idx_.size() + kExtra;
    r.x.resize(r.n * r.cols);
    r.y.resize(r.n);
    for (size_t i = 0; i < r.n; ++i) {
      const Event& e = events[pick[i]];
      float* row = &r.x[i * r.cols];
      for (size_t j = 0; j < idx_.size(); ++j) row[j] = static_cast<float>(f.columns[idx_[j]][e.t]);
      row[idx_.size()] = static_cast<float>(e.dir);
      row[idx_.size() + 1] = static_cast<float>(e.vote);
      r.y[i] = e.label;
    }
    return r;
  }

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
      return WithContext(DataLoss("unexpected classifier model"), EngineContext(kId));
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
