#include "backtest/walk_forward.h"

#include <algorithm>
#include <cmath>

#include "core/time_units.h"
#include "engines/registry.h"
#include "features/columns.h"
#include "regime/classifier.h"

namespace huracan::backtest {

std::vector<engines::Engine*> FittedEngines::ptrs() const {
  std::vector<engines::Engine*> out;
  for (const auto& e : engines) out.push_back(e.get());
  return out;
}

int FittedEngines::max_horizon_minutes() const {
  int h = 0;
  for (const auto& e : engines) h = std::max(h, e->horizon_minutes());
  return h;
}

double TypicalRoundTripBps(const data::BarSeries& bars, const features::FeatureFrame& frame, size_t begin, size_t end,
                           const costs::CostConfig& cc) {
  end = std::min(end, frame.rows());
  std::vector<double> spread, sigma;
  double qv = 0;
  size_t nq = 0;
  const int si = frame.index_of(features::kSpreadBpsColumn), vi = frame.index_of(features::kVolCc30Column);
  for (size_t r = begin; r < end; ++r) {
    if (si >= 0) spread.push_back(frame.columns[static_cast<size_t>(si)][r]);
    if (vi >= 0) sigma.push_back(frame.columns[static_cast<size_t>(vi)][r]);
    const double q = bars.close[r] * bars.volume[r];
    if (std::isfinite(q)) qv += q, ++nq;
  }
  const int64_t tf = data::TimeframeMs(bars.timeframe.empty() ? "1m" : bars.timeframe);
  costs::MarketSnapshot m;
  m.bars_per_day = static_cast<double>(kMsPerDay) / static_cast<double>(tf > 0 ? tf : kMsPerMinute);
  m.price = end > begin ? bars.close[end - 1] : 0;
  m.spread_bps = regime::Percentile(spread, 0.5);
  m.sigma_bar_bps = regime::Percentile(sigma, 0.5);
  m.adv_quote = nq ? qv / static_cast<double>(nq) * m.bars_per_day : 0;
  m.perp = bars.is_perp();
  return costs::CostModel(cc).round_trip_cost_bps(m, 60);
}

int64_t FittedEngines::trials() const {
  int64_t n = 0;
  for (const auto& e : engines) n += e->trials();
  return n;
}

Result<FittedEngines> FitEngines(const std::vector<std::string>& ids, const data::BarSeries& bars,
                                 const features::FeatureFrame& frame, size_t begin, size_t end,
                                 double round_trip_cost_bps, uint64_t seed, int nthread, double net_edge_floor_bps) {
  FittedEngines out;
  engines::TrainWindow w{&bars, &frame, begin, end, round_trip_cost_bps, seed, nthread, net_edge_floor_bps};
  for (const std::string& id : ids) {
    HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<engines::Engine> e, engines::CreateEngine(id));
    Status st = e->Bind(frame.names);
    if (st.ok()) st = e->Fit(w);
    if (!st.ok()) {
      out.failures[id] = st.error().message;
      continue;
    }
    out.engines.push_back(std::move(e));
  }
  return out;
}

namespace {
// A single-engine run without a trade whose bars all ended before the cost gate (the engine never
// spoke, or was off): no cost setting can change it.
bool NeverReachedTheCostModel(const BacktestResult& r) {
  namespace oc = decision::outcome;
  if (!r.trades.empty()) return false;
  for (const auto& [why, n] : r.rejections)
    if (n > 0 && why != oc::kWarmup && why != oc::kRegimeIlliquid && why != oc::kEnginesOff &&
        why != oc::kRegimeNoEngine && why != oc::kNoSignal)
      return false;
  return true;
}
}  // namespace

Result<FittedFold> FitFold(const data::BarSeries& bars, const features::FeatureFrame& frame,
                           const std::vector<std::string>& engine_ids, const Fold& fold, const FoldOptions& opts) {
  if (!(fold.train_begin < fold.train_end && fold.train_end <= fold.test_begin && fold.test_begin < fold.test_end &&
        fold.test_end <= bars.size()))
    return InvalidArgument("fold for " + bars.symbol + ": bad window boundaries");
  FittedFold out;
  out.fold = fold;
  std::vector<double> qv(bars.size());
  for (size_t i = 0; i < bars.size(); ++i) qv[i] = bars.close[i] * bars.volume[i];
  HURACAN_ASSIGN_OR_RETURN(
      out.regime, regime::CalibrateRegime(frame, qv, fold.train_begin, fold.train_end, bars.symbol, opts.regime));
  const double rt = TypicalRoundTripBps(bars, frame, fold.train_begin, fold.train_end, opts.backtest.pipeline.costs);
  HURACAN_ASSIGN_OR_RETURN(
      out.fitted, FitEngines(engine_ids, bars, frame, fold.train_begin, fold.train_end, rt, opts.seed, opts.nthread,
                             opts.backtest.pipeline.costs.net_edge_floor_bps));
  out.fit_costs = MakeFitCosts(rt, opts.backtest.pipeline.costs);
  return out;
}

Result<FoldResult> EvaluateFold(const data::BarSeries& bars, const features::FeatureFrame& frame, const FittedFold& fit,
                                const FoldOptions& opts, const FoldResult* same_fit) {
  const Fold& fold = fit.fold;
  FoldResult res;
  res.fold = fold;
  res.regime = fit.regime;
  res.fit_failures = fit.fitted.failures;
  if (same_fit != nullptr) {
    res.signals = same_fit->signals;
  } else {
    for (const engines::Engine* e : fit.fitted.ptrs())
      res.signals.emplace(std::string(e->id()),
                          EngineSignalsOn(*e, bars, frame, fold.test_begin, fold.test_end, fit.fit_costs));
  }
  BacktestOptions bo = opts.backtest;
  bo.pipeline.regime = res.regime;
  if (bo.pipeline.symbol.empty()) bo.pipeline.symbol = bars.symbol;
  for (engines::Engine* e : fit.fitted.ptrs()) res.trials[std::string(e->id())] = e->trials();
  if (opts.per_engine) {
    for (engines::Engine* e : fit.fitted.ptrs()) {
      const std::string id(e->id());
      auto prev = same_fit != nullptr ? same_fit->engines.find(id) : res.engines.end();
      if (same_fit != nullptr && prev != same_fit->engines.end() && NeverReachedTheCostModel(prev->second)) {
        res.engines.emplace(id, prev->second);
        continue;
      }
      bo.trials = e->trials();
      HURACAN_ASSIGN_OR_RETURN(BacktestResult r,
                               RunBacktestOnFrame(bars, frame, {e}, decision::PipelineMode::kSingleEngine, bo,
                                                  fold.test_begin, fold.test_end));
      res.engines.emplace(std::string(e->id()), std::move(r));
    }
  }
  bo.trials = fit.fitted.trials();
  HURACAN_ASSIGN_OR_RETURN(res.combined,
                           RunBacktestOnFrame(bars, frame, fit.fitted.ptrs(), decision::PipelineMode::kCombined, bo,
                                              fold.test_begin, fold.test_end));
  return res;
}

Result<FoldResult> RunFold(const data::BarSeries& bars, const features::FeatureFrame& frame,
                           const std::vector<std::string>& engine_ids, const Fold& fold, const FoldOptions& opts) {
  HURACAN_ASSIGN_OR_RETURN(FittedFold fit, FitFold(bars, frame, engine_ids, fold, opts));
  return EvaluateFold(bars, frame, fit, opts);
}

Status WalkForwardConfig::Validate() const {
  if (train_bars < 100) return InvalidArgument("walk-forward: train_bars must be >= 100");
  if (test_bars < 1 || min_test_bars < 1) return InvalidArgument("walk-forward: test_bars must be >= 1");
  if (min_folds < 1) return InvalidArgument("walk-forward: min_folds must be >= 1");
  return Status::Ok();
}

Result<std::vector<Fold>> MakeFolds(size_t n, const WalkForwardConfig& cfg, size_t horizon) {
  HURACAN_RETURN_IF_ERROR(cfg.Validate());
  const size_t gap = std::max(cfg.purge_bars, horizon) + std::max(cfg.embargo_bars, horizon);
  if (n < cfg.train_bars + gap + cfg.min_test_bars)
    return FailedPrecondition("walk-forward: " + std::to_string(n) + " bars cannot hold a train window of " +
                              std::to_string(cfg.train_bars) + ", a gap of " + std::to_string(gap) +
                              " and a test window of " + std::to_string(cfg.min_test_bars));
  size_t test = cfg.test_bars;
  size_t step = cfg.step_bars ? cfg.step_bars : test;
  const size_t avail = n - cfg.train_bars - gap;
  // Shrink test and step so that min_folds folds fit, but never below min_test_bars.
  const size_t folds_now = avail < test ? 0 : 1 + (avail - test) / step;
  if (folds_now < static_cast<size_t>(cfg.min_folds)) {
    test = step = std::max(cfg.min_test_bars, avail / static_cast<size_t>(cfg.min_folds));
  }
  std::vector<Fold> folds;
  for (size_t k = 0;; ++k) {
    Fold f;
    f.train_begin = cfg.anchored ? 0 : k * step;
    f.train_end = k * step + cfg.train_bars;
    f.test_begin = f.train_end + gap;
    f.test_end = f.test_begin + test;
    if (f.test_end > n) break;
    folds.push_back(f);
  }
  if (folds.empty()) return FailedPrecondition("walk-forward: no fold fits in " + std::to_string(n) + " bars");
  return folds;
}

Result<WalkForwardResult> RunWalkForward(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                         const std::vector<std::string>& engine_ids, const WalkForwardConfig& cfg,
                                         const FoldOptions& opts) {
  int horizon_min = 0;
  for (const auto& id : engine_ids) {
    HURACAN_ASSIGN_OR_RETURN(engines::EngineInfo info, engines::GetEngineInfo(id));
    horizon_min = std::max(horizon_min, info.horizon_minutes);
  }
  const int64_t tf = std::max<int64_t>(1, data::TimeframeMs(bars.timeframe.empty() ? "1m" : bars.timeframe));
  const size_t horizon_bars = static_cast<size_t>((int64_t{horizon_min} * kMsPerMinute + tf - 1) / tf);
  HURACAN_ASSIGN_OR_RETURN(std::vector<Fold> folds, MakeFolds(bars.size(), cfg, horizon_bars));
  WalkForwardResult out;
  std::map<std::string, std::pair<std::vector<Trade>, std::vector<double>>> per_engine;
  std::map<std::string, int64_t> per_engine_pos;
  std::vector<double> comb_returns;
  int64_t comb_pos = 0, comb_trials = 1;
  std::map<std::string, int64_t> per_engine_trials;
  double days = 0;
  for (const Fold& f : folds) {
    HURACAN_ASSIGN_OR_RETURN(FoldResult fr, RunFold(bars, frame, engine_ids, f, opts));
    days += static_cast<double>(f.test_end - f.test_begin) * static_cast<double>(tf) / static_cast<double>(kMsPerDay);
    for (const auto& [id, r] : fr.engines) {
      auto& acc = per_engine[id];
      acc.first.insert(acc.first.end(), r.trades.begin(), r.trades.end());
      acc.second.insert(acc.second.end(), r.bar_returns.begin(), r.bar_returns.end());
      per_engine_pos[id] += r.bars_in_position;
    }
    out.trades.insert(out.trades.end(), fr.combined.trades.begin(), fr.combined.trades.end());
    comb_returns.insert(comb_returns.end(), fr.combined.bar_returns.begin(), fr.combined.bar_returns.end());
    comb_pos += fr.combined.bars_in_position;
    int64_t fold_trials = 0;
    for (const auto& [id, n] : fr.trials) {
      fold_trials += n;
      per_engine_trials[id] = std::max(per_engine_trials[id], n);
    }
    comb_trials = std::max(comb_trials, fold_trials);
    for (const auto& [why, n] : fr.combined.rejections) out.rejections[why] += n;
    out.folds.push_back(std::move(fr));
  }
  const double bpy = BarsPerYear(bars.timeframe.empty() ? "1m" : bars.timeframe);
  for (const auto& [id, acc] : per_engine)
    out.engines[id] = ComputeMetrics(acc.first, acc.second, bpy, days, per_engine_pos[id], per_engine_trials[id]);
  out.combined = ComputeMetrics(out.trades, comb_returns, bpy, days, comb_pos, comb_trials);
  return out;
}

}  // namespace huracan::backtest
