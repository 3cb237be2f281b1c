#include "decision/pipeline.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/time_units.h"
#include "data/bar_series.h"
#include "features/columns.h"

namespace huracan::decision {

Status PipelineConfig::Validate() const {
  if (symbol.empty()) return InvalidArgument("pipeline: symbol is empty");
  if (data::TimeframeMs(timeframe) <= 0)
    return InvalidArgument("pipeline for " + symbol + ": bad timeframe '" + timeframe + "'");
  HURACAN_RETURN_IF_ERROR(meta.Validate());
  HURACAN_RETURN_IF_ERROR(costs.Validate());
  if (adv_window_bars < 1 || adv_min_bars < 1) return InvalidArgument("pipeline: ADV windows must be >= 1");
  if (regime.min_dwell < 1) return InvalidArgument("pipeline for " + symbol + ": regime thresholds not calibrated");
  return Status::Ok();
}

Result<std::unique_ptr<DecisionPipeline>> DecisionPipeline::Create(PipelineConfig config,
                                                                   std::unique_ptr<FeatureSource> source,
                                                                   std::vector<engines::Engine*> engines,
                                                                   const Clock* clock, DecisionSink* sink,
                                                                   costs::Guardrails* guardrails) {
  HURACAN_RETURN_IF_ERROR(config.Validate());
  if (!source || !clock || !sink) return InvalidArgument("pipeline: source, clock and sink are required");
  if (config.mode == PipelineMode::kSignals && (!engines.empty() || !config.signals))
    return InvalidArgument("pipeline for " + config.symbol + ": signals mode takes a signal table and no engines");
  if (config.mode == PipelineMode::kSingleEngine && engines.size() != 1)
    return InvalidArgument("pipeline for " + config.symbol + ": single-engine mode needs exactly one engine");
  std::unique_ptr<DecisionPipeline> p(new DecisionPipeline());
  const auto& names = source->names();
  for (engines::Engine* e : engines) {
    if (!e) return InvalidArgument("pipeline: null engine");
    HURACAN_RETURN_IF_ERROR_CTX(e->Bind(names), "pipeline for " + config.symbol);
  }
  std::sort(engines.begin(), engines.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
  for (size_t i = 1; i < engines.size(); ++i)
    if (engines[i]->id() == engines[i - 1]->id())
      return InvalidArgument("pipeline: engine '" + std::string(engines[i]->id()) + "' given twice");
  for (engines::Engine* e : engines) {
    p->engine_ids_.emplace_back(e->id());
    uint8_t mask = 0;
    for (Regime r : e->regimes()) mask |= static_cast<uint8_t>(1u << static_cast<unsigned>(r));
    p->regime_mask_.push_back(mask);
  }
  p->engines_ = std::move(engines);
  if (config.meta_state.empty()) {
    HURACAN_ASSIGN_OR_RETURN(meta::MetaCombiner m, meta::MetaCombiner::Create(config.meta, p->engine_ids_));
    p->meta_ = std::make_unique<meta::MetaCombiner>(std::move(m));
  } else {
    HURACAN_ASSIGN_OR_RETURN(meta::MetaCombiner m, meta::MetaCombiner::Load(config.meta_state));
    p->meta_ = std::make_unique<meta::MetaCombiner>(std::move(m));
  }
  p->regime_ = regime::RegimeClassifier(config.regime);
  HURACAN_RETURN_IF_ERROR(p->regime_.Bind(names));
  auto find = [&](std::string_view n) {
    auto it = std::find(names.begin(), names.end(), n);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  p->spread_idx_ = find(features::kSpreadBpsColumn);
  p->sigma_idx_ = find(features::kVolCc30Column);
  if (p->spread_idx_ < 0 || p->sigma_idx_ < 0)
    return InvalidArgument("pipeline for " + config.symbol + ": recipe lacks " +
                           std::string(features::kSpreadBpsColumn) + " or " + std::string(features::kVolCc30Column) +
                           " (costs)");
  p->tf_ms_ = data::TimeframeMs(config.timeframe);
  p->market_.bars_per_day = static_cast<double>(kMsPerDay) / static_cast<double>(p->tf_ms_);
  p->market_.perp = config.symbol.ends_with("-PERP");
  p->cost_ = costs::CostModel(config.costs);
  p->qv_ring_.assign(static_cast<size_t>(config.adv_window_bars), 0.0);
  p->source_ = std::move(source);
  p->clock_ = clock;
  p->sink_ = sink;
  if (guardrails) {
    p->guard_ = guardrails;
  } else {
    p->own_guard_ = std::make_unique<costs::Guardrails>();
    p->guard_ = p->own_guard_.get();
  }
  p->config_ = std::move(config);
  p->votes_.reserve(p->engines_.size());
  p->outs_.resize(p->engines_.size());
  p->d_.symbol = p->config_.symbol;
  return p;
}

std::map<std::string, int64_t> DecisionPipeline::wait_counts() const {
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i < kWaitKinds; ++i)
    if (waits_[i] > 0) out[kWaitReasons[i]] = waits_[i];
  return out;
}

double DecisionPipeline::AdvQuote() const {
  if (qv_count_ < static_cast<size_t>(config_.adv_min_bars)) return 0.0;
  return qv_sum_ / static_cast<double>(qv_count_) * market_.bars_per_day;
}

void DecisionPipeline::ResolveOutcomes(int64_t close_ms, double close) {
  while (!pending_.empty() && pending_.top().due_ms <= close_ms) {
    const Pending p = pending_.top();
    pending_.pop();
    if (!(close > 0) || !(p.entry_close > 0)) continue;
    const double ret_bps = p.sign * 1e4 * std::log(close / p.entry_close);
    meta_->RecordOutcome(engine_ids_[static_cast<size_t>(p.engine)], ret_bps - p.cost_bps);
  }
}

void DecisionPipeline::GuardAndEmit(const costs::Candidate& cand) {
  const std::string_view why = guard_->Check(cand, clock_->NowMs());
  if (why.empty()) {
    d_.direction = d_.signal;
    d_.reason = outcome::kTrade;
  } else {
    d_.reason.assign(why);
  }
  sink_->OnDecision(d_);
}

void DecisionPipeline::SignalDecision(const Bar& bar, int64_t close_ms) {
  Decision& d = d_;
  d = Decision{};
  d.ts_ms = bar.ts_ms;
  d.symbol = config_.symbol;
  auto it = config_.signals->find(bar.ts_ms);
  const SignalRow* row = it == config_.signals->end() ? nullptr : &it->second;
  if (row != nullptr) {
    // An entry signal; else an exit signal for the side held (the executor exits at the next open).
    const Direction held = guard_->position(config_.symbol);
    if (row->enter_long || row->enter_short)
      d.signal = row->enter_long ? Direction::kBuy : Direction::kSell;
    else if (row->exit_long && held == Direction::kBuy)
      d.signal = Direction::kSell;
    else if (row->exit_short && held == Direction::kSell)
      d.signal = Direction::kBuy;
    d.tag = row->tag;
  }
  if (row == nullptr || !(row->enter_long || row->enter_short)) {
    d.reason = outcome::kNoSignal;
    ++waits_[kWaitNoSignal];
    sink_->OnDecision(d);
    return;
  }
  const costs::Candidate cand{.symbol = config_.symbol,
                              .bar_close_ms = close_ms,
                              .direction = d.signal,
                              .perp = market_.perp,
                              .engine_checks = false};
  GuardAndEmit(cand);
}

Status DecisionPipeline::OnBar(const Bar& bar, const Bar* ref) {
  if (bar.ts_ms <= last_ts_)
    return InvalidArgument("pipeline for " + config_.symbol + ": bar " + std::to_string(bar.ts_ms) +
                           " is not after the previous bar " + std::to_string(last_ts_));
  last_ts_ = bar.ts_ms;
  HURACAN_ASSIGN_OR_RETURN(std::span<const double> row, source_->Next(bar, ref));
  const int64_t close_ms = bar.ts_ms + tf_ms_;

  // ADV from the rolling quote volume; re-summed once per lap so rounding cannot drift.
  const double qv = std::isfinite(bar.close * bar.volume) ? bar.close * bar.volume : 0.0;
  qv_sum_ += qv - qv_ring_[qv_pos_];
  qv_ring_[qv_pos_] = qv;
  qv_pos_ = (qv_pos_ + 1) % qv_ring_.size();
  qv_count_ = std::min(qv_count_ + 1, qv_ring_.size());
  if (qv_pos_ == 0) qv_sum_ = std::accumulate(qv_ring_.begin(), qv_ring_.end(), 0.0);
  market_.price = bar.close;
  market_.spread_bps = row[static_cast<size_t>(spread_idx_)];
  market_.sigma_bar_bps = row[static_cast<size_t>(sigma_idx_)];
  market_.adv_quote = AdvQuote();

  if (config_.mode == PipelineMode::kSignals) {
    SignalDecision(bar, close_ms);
    return Status::Ok();
  }
  const bool combined = config_.mode == PipelineMode::kCombined;
  if (combined && config_.meta_learning) ResolveOutcomes(close_ms, bar.close);

  const Regime regime = regime_.Update(row, qv);
  Decision& d = d_;
  d.ts_ms = bar.ts_ms;
  d.direction = d.signal = Direction::kWait;
  d.edge_bps = d.net_edge_bps = d.confidence = 0;
  d.horizon_minutes = 0;
  d.regime = regime;
  d.regime_ready = regime_.ready();
  d.engines.clear();
  d.cost = {};
  if (!regime_.ready()) {
    d.reason = outcome::kWarmup;
    ++waits_[kWaitWarmup];
    sink_->OnDecision(d);
    return Status::Ok();
  }
  if (regime == Regime::kIlliquid) {
    d.reason = outcome::kRegimeIlliquid;
    ++waits_[kWaitIlliquid];
    sink_->OnDecision(d);
    return Status::Ok();
  }

  // Engines allowed in this regime, in id order.
  votes_.clear();
  const engines::FeatureRow frow{row, bar.ts_ms, bar};
  const uint8_t bit = static_cast<uint8_t>(1u << static_cast<unsigned>(regime));
  size_t active = 0, allowed = 0;
  for (size_t i = 0; i < engines_.size(); ++i) {
    if (!engines_[i]->active()) continue;
    ++active;
    if (!(regime_mask_[i] & bit)) continue;
    ++allowed;
    outs_[i] = engines_[i]->Infer(frow);
    const engines::EngineOutput& o = outs_[i];
    if (o.direction == Direction::kWait || !std::isfinite(o.edge_bps_before_costs) || o.horizon_minutes <= 0) continue;
    const double sign = static_cast<int>(o.direction);
    votes_.push_back(meta::Vote{engine_ids_[i], o.direction, sign * std::fabs(o.edge_bps_before_costs),
                                std::isfinite(o.confidence_0_1) ? o.confidence_0_1 : 0.0, o.horizon_minutes});
  }

  if (combined) {
    const meta::Combined c = meta_->Combine(votes_);
    d.signal = c.direction;
    d.edge_bps = c.edge_bps;
    d.confidence = c.confidence;
    d.horizon_minutes = c.horizon_minutes;
    if (config_.meta_learning) {
      for (const meta::Vote& v : votes_) {
        const size_t i =
            static_cast<size_t>(std::lower_bound(engine_ids_.begin(), engine_ids_.end(), v.id) - engine_ids_.begin());
        const double rt = cost_.round_trip_cost_bps(market_, v.horizon_minutes);
        pending_.push(Pending{close_ms + int64_t{v.horizon_minutes} * kMsPerMinute, seq_++, static_cast<int>(i),
                              static_cast<int>(v.direction), bar.close, rt});
      }
    }
  } else if (!votes_.empty()) {
    const meta::Vote& v = votes_.front();
    d.signal = v.direction;
    d.edge_bps = v.edge_bps;
    d.confidence = v.confidence;
    d.horizon_minutes = v.horizon_minutes;
  }
  if (d.signal == Direction::kWait) {
    const size_t why = !votes_.empty() ? kWaitBelowThreshold
                       : allowed > 0   ? kWaitNoSignal
                       : active > 0    ? kWaitRegimeNoEngine
                                       : kWaitEnginesOff;
    d.reason = kWaitReasons[why];
    ++waits_[why];
    sink_->OnDecision(d);
    return Status::Ok();
  }
  for (const meta::Vote& v : votes_)
    if (v.direction == d.signal) d.engines.emplace_back(v.id);

  d.cost = cost_.RoundTrip(market_, d.horizon_minutes);
  d.net_edge_bps = std::fabs(d.edge_bps) - d.cost.total();
  const costs::Candidate cand{.symbol = config_.symbol,
                              .bar_close_ms = close_ms,
                              .direction = d.signal,
                              .perp = market_.perp,
                              .spread_bps = market_.spread_bps,
                              .net_edge_bps = d.net_edge_bps,
                              .net_edge_floor_bps = config_.costs.net_edge_floor_bps,
                              .min_notional_ok = cost_.RoundQuantity(config_.costs.notional, bar.close).ok()};
  GuardAndEmit(cand);
  return Status::Ok();
}

}  // namespace huracan::decision
