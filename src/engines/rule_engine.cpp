#include "engines/rule_engine.h"

#include <algorithm>

namespace huracan::engines {
namespace {
constexpr uint32_t kRuleMagic = 0x31455248;  // "HRE1"
constexpr uint32_t kRuleVersion = 1;
}  // namespace

bool CanSplit(size_t begin, size_t end, int h) {
  const size_t split = SplitRow(begin, end), hb = static_cast<size_t>(std::max(h, 1));
  return split > begin + hb && end - split >= static_cast<size_t>(kMinTrades) * hb;
}

std::vector<RuleParams> Grid(std::initializer_list<double> p0, std::initializer_list<double> p1,
                             std::initializer_list<double> p2, std::initializer_list<double> p3) {
  std::vector<RuleParams> grid;
  grid.reserve(p0.size() * p1.size() * p2.size() * p3.size());
  for (double a : p0)
    for (double b : p1)
      for (double c : p2)
        for (double d : p3) grid.push_back({a, b, c, d});
  return grid;
}

Status RuleEngine::Bind(const std::vector<std::string>& feature_names) {
  HURACAN_ASSIGN_OR_RETURN(idx_, ResolveFeatures(spec_.features, feature_names, spec_.id));
  max_idx_ = idx_.empty() ? -1 : *std::max_element(idx_.begin(), idx_.end());
  return Status::Ok();
}

namespace {
// The non-overlapping trades of one candidate on rows [w.begin, w.end), given the forward returns.
CandidateResult EvaluateCandidate(const RuleSpec& spec, const std::vector<int>& idx, const TrainWindow& w,
                                  const std::vector<double>& fwd, int h, const RuleParams& params) {
  const size_t nf = spec.features.size();
  std::array<const double*, kMaxRuleFeatures> cols{};
  for (size_t k = 0; k < nf; ++k) cols[k] = w.features->columns[idx[k]].data();
  const double cost = w.round_trip_cost_bps;
  TwoSidedTrades trades(w.begin);
  double x[kMaxRuleFeatures];
  for (size_t t = w.begin; t < w.end; ++t) {
    double f = fwd[t];
    if (f != f) continue;
    for (size_t k = 0; k < nf; ++k) x[k] = cols[k][t];
    trades.Add(spec.signal(x, params.data()), t, h, f, cost);
  }
  return CandidateResult{trades.long_stats, trades.short_stats, trades.score(cost, w.net_edge_floor_bps)};
}

// A side switched off: its statistics stay, its edge and confidence are 0 (as Calibrate leaves a
// side that is not usable).
SideCal SwitchedOff(SideCal c) {
  c.on = false;
  c.edge_bps = c.confidence = 0.0;
  return c;
}
}  // namespace

std::vector<CandidateResult> EvaluateGrid(const RuleSpec& spec, const std::vector<int>& idx, const TrainWindow& w) {
  const int h = HorizonBars(*w.bars, spec.horizon_minutes);
  const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, h);
  std::vector<CandidateResult> out(spec.grid.size());
  for (size_t c = 0; c < spec.grid.size(); ++c) out[c] = EvaluateCandidate(spec, idx, w, fwd, h, spec.grid[c]);
  return out;
}

Result<CandidateResult> RuleEngine::UngatedTrades(const TrainWindow& window) const {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(window, spec_.id));
  if (ungated_ < 0 || idx_.size() != spec_.features.size() || max_idx_ >= static_cast<int>(window.features->cols()))
    return WithContext(FailedPrecondition("no ungated candidate: Bind and Fit first"), EngineContext(spec_.id));
  TrainWindow w = window;
  w.round_trip_cost_bps = 0.0;
  w.net_edge_floor_bps = 0.0;
  const int h = HorizonBars(*w.bars, spec_.horizon_minutes);
  return EvaluateCandidate(spec_, idx_, w, ForwardReturns(*w.bars, w.begin, w.end, h), h,
                           spec_.grid[static_cast<size_t>(ungated_)]);
}

Status RuleEngine::Fit(const TrainWindow& w) {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, spec_.id));
  if (idx_.size() != spec_.features.size() || max_idx_ >= static_cast<int>(w.features->cols()))
    return WithContext(FailedPrecondition("Bind the feature names before Fit"), EngineContext(spec_.id));
  candidate_ = -1;
  params_ = RuleParams{};
  long_ = short_ = SideCal{};
  // Selection on the first part [w.begin, split) (labels purged: they end before split),
  // calibration on the rest [split, w.end). A window too short for both parts selects on all of
  // it (for the diagnostic candidate) and leaves the engine off.
  const int h = HorizonBars(*w.bars, spec_.horizon_minutes);
  const size_t split = SplitRow(w.begin, w.end);
  const bool splits = CanSplit(w.begin, w.end, h);
  TrainWindow sel = w;
  if (splits) sel.end = split;
  std::vector<CandidateResult> res = EvaluateGrid(spec_, idx_, sel);
  // The diagnostic candidate: n and the sum of returns do not depend on the cost, so the grid
  // score at cost 0 and floor 0 comes from the same statistics.
  ungated_ = static_cast<int>(spec_.loose_candidate);
  double best_ungated = 0.0;
  for (size_t c = 0; c < res.size(); ++c) {
    const double s = res[c].long_stats.score(+1, 0.0, 0.0) + res[c].short_stats.score(-1, 0.0, 0.0);
    if (s > best_ungated) best_ungated = s, ungated_ = static_cast<int>(c);
  }
  if (!splits) return Status::Ok();
  int chosen = -1;
  double best = 0.0;
  for (size_t c = 0; c < res.size(); ++c)
    if (res[c].score > best) best = res[c].score, chosen = static_cast<int>(c);  // ties: first wins
  if (chosen < 0) return Status::Ok();  // no candidate is profitable net of costs: engine is off
  // Calibration: the chosen candidate's trades on the later rows only. A side is on only when it
  // was usable where it was chosen and is still usable there.
  TrainWindow cal = w;
  cal.begin = split;
  const CandidateResult later = EvaluateCandidate(spec_, idx_, cal, ForwardReturns(*w.bars, cal.begin, cal.end, h), h,
                                                  spec_.grid[static_cast<size_t>(chosen)]);
  const double cost = w.round_trip_cost_bps, floor = w.net_edge_floor_bps;
  SideCal lo = Calibrate(later.long_stats, +1, cost, floor);
  SideCal sh = Calibrate(later.short_stats, -1, cost, floor);
  if (!res[chosen].long_stats.usable(+1, cost, floor)) lo = SwitchedOff(lo);
  if (!res[chosen].short_stats.usable(-1, cost, floor)) sh = SwitchedOff(sh);
  if (!lo.on && !sh.on) return Status::Ok();  // nothing survives calibration: engine is off
  candidate_ = chosen;
  params_ = spec_.grid[static_cast<size_t>(chosen)];
  long_ = lo;
  short_ = sh;
  return Status::Ok();
}

Status RuleEngine::Recalibrate(const TrainWindow& w) {
  HURACAN_RETURN_IF_ERROR(ValidateWindow(w, spec_.id));
  if (idx_.size() != spec_.features.size() || max_idx_ >= static_cast<int>(w.features->cols()))
    return WithContext(FailedPrecondition("Bind the feature names before Recalibrate"), EngineContext(spec_.id));
  if (candidate_ < 0) return Status::Ok();
  const int h = HorizonBars(*w.bars, spec_.horizon_minutes);
  const CandidateResult fresh =
      EvaluateCandidate(spec_, idx_, w, ForwardReturns(*w.bars, w.begin, w.end, h), h, params_);
  long_ = Calibrate(fresh.long_stats, +1, w.round_trip_cost_bps, w.net_edge_floor_bps);
  short_ = Calibrate(fresh.short_stats, -1, w.round_trip_cost_bps, w.net_edge_floor_bps);
  return Status::Ok();
}

EngineOutput RuleEngine::Infer(const FeatureRow& row) const {
  const int hm = spec_.horizon_minutes;
  if (candidate_ < 0) return Wait(hm, "off");
  if (max_idx_ < 0 || static_cast<size_t>(max_idx_) >= row.values.size()) return Wait(hm, "unbound");
  double x[kMaxRuleFeatures];
  for (size_t k = 0; k < idx_.size(); ++k) x[k] = row.values[idx_[k]];
  int s = spec_.signal(x, params_.data());
  if (s > 0) return SpeakIfOn(+1, long_, hm, spec_.buy_reason);
  if (s < 0) return SpeakIfOn(-1, short_, hm, spec_.sell_reason);
  return Wait(hm, "no signal");
}

std::string RuleEngine::SaveParams() const {
  ml::ByteWriter w;
  w.U32(kRuleMagic);
  w.U32(kRuleVersion);
  w.Str(spec_.id);
  w.I64(candidate_);
  w.F64s(std::vector<double>(params_.begin(), params_.end()));
  long_.Save(w);
  short_.Save(w);
  return w.Take();
}

Status RuleEngine::LoadParams(std::string_view bytes) {
  const std::string what = ParamsContext(spec_.id);
  ml::ByteReader r(bytes, what);
  if (r.U32() != kRuleMagic) return WithContext(DataLoss("not rule-engine parameters"), what);
  uint32_t version = r.U32();
  if (version != kRuleVersion) return WithContext(DataLoss("unsupported version " + std::to_string(version)), what);
  std::string id = r.Str();
  if (r.ok() && id != spec_.id) return WithContext(InvalidArgument("bytes belong to engine '" + id + "'"), what);
  int64_t cand = r.I64();
  std::vector<double> p = r.F64s();
  SideCal lo, sh;
  lo.Load(r);
  sh.Load(r);
  HURACAN_RETURN_IF_ERROR(r.Finish());
  if (p.size() != kMaxRuleParams) return WithContext(DataLoss("wrong parameter count"), what);
  if (cand < -1 || cand >= static_cast<int64_t>(spec_.grid.size()))
    return WithContext(DataLoss("candidate out of range"), what);
  candidate_ = static_cast<int>(cand);
  ungated_ = -1;
  std::copy(p.begin(), p.end(), params_.begin());
  long_ = lo;
  short_ = sh;
  return Status::Ok();
}

}  // namespace huracan::engines
