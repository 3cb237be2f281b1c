#include "backtest/backtester.h"

#include <cmath>

#include "core/clock.h"
#include "core/time_units.h"

namespace huracan::backtest {
namespace {

class LastDecisionSink final : public decision::DecisionSink {
 public:
  explicit LastDecisionSink(bool record) : record_(record) {}
  void OnDecision(const decision::Decision& d) override {
    last = d;
    if (record_) all.push_back(d);
  }
  decision::Decision last;
  std::vector<decision::Decision> all;

 private:
  bool record_;
};

struct Position {
  int dir = 0;
  double entry_price = 0;
  double mark = 0;
  size_t entry_idx = 0;
  size_t exit_due_idx = 0;
  double stop = 0, take_profit = 0;
  Trade trade;
  costs::CostBreakdown entry_cost;
};

}  // namespace

Status BacktestOptions::Validate() const {
  HURACAN_RETURN_IF_ERROR(guardrails.Validate());
  if (!(stop_sigmas > 0) || !(take_profit_sigmas > 0) || !(min_stop_bps > 0))
    return InvalidArgument("backtest: stop/take-profit settings must be > 0");
  return Status::Ok();
}

double BarsPerYear(const std::string& timeframe) {
  const int64_t ms = data::TimeframeMs(timeframe);
  return ms > 0 ? 365.0 * static_cast<double>(kMsPerDay) / static_cast<double>(ms)
                : 365.0 * static_cast<double>(kMinutesPerDay);
}

Result<BacktestResult> RunBacktest(const data::BarSeries& bars, const data::BarSeries* ref,
                                   std::unique_ptr<decision::FeatureSource> source,
                                   std::vector<engines::Engine*> engines, decision::PipelineMode mode,
                                   const BacktestOptions& opts, size_t begin, size_t end) {
  HURACAN_RETURN_IF_ERROR(opts.Validate());
  end = std::min(end, bars.size());
  if (begin >= end) return InvalidArgument("backtest of " + bars.symbol + ": empty evaluation window");
  decision::PipelineConfig pc = opts.pipeline;
  pc.mode = mode;
  if (pc.symbol.empty()) pc.symbol = bars.symbol;
  if (!bars.timeframe.empty()) pc.timeframe = bars.timeframe;
  const int64_t tf_ms = data::TimeframeMs(pc.timeframe);
  SimulatedClock clock(bars.ts_ms[begin]);
  LastDecisionSink sink(opts.record_decisions);
  costs::Guardrails guard(opts.guardrails);
  HURACAN_ASSIGN_OR_RETURN(auto pipe,
                           decision::DecisionPipeline::Create(pc, std::move(source), engines, &clock, &sink, &guard));
  const costs::CostModel& cost = pipe->cost_model();
  const double notional = pc.costs.notional;

  BacktestResult res;
  res.symbol = pc.symbol;
  res.bar_returns.assign(end - begin, 0.0);
  Position pos;
  bool pending_exit = false;
  bool pending_entry = false;
  decision::Decision entry_decision;
  costs::MarketSnapshot entry_snap, last_snap;
  size_t ref_i = 0;

  auto close_position = [&](size_t i, double px, int64_t ts, const char* why) {
    Trade& t = pos.trade;
    t.exit_ts_ms = ts;
    t.exit_price = px;
    t.exit_reason = why;
    const costs::CostBreakdown out = cost.Side(last_snap, /*entry=*/false);
    const double minutes = static_cast<double>(ts - t.entry_ts_ms) / static_cast<double>(kMsPerMinute);
    t.funding_bps = cost.FundingBps(last_snap.perp, minutes);
    t.gross_bps = pos.dir * (px / pos.entry_price - 1.0) * 1e4;
    t.fees_bps = pos.entry_cost.fees_bps + out.fees_bps + t.funding_bps;
    t.spread_bps = pos.entry_cost.spread_bps + out.spread_bps;
    t.slippage_bps = pos.entry_cost.slippage_bps + out.slippage_bps;
    t.net_bps = t.gross_bps - t.fees_bps - t.spread_bps - t.slippage_bps;
    res.bar_returns[i - begin] += pos.dir * (px - pos.mark) / pos.entry_price - (out.total() + t.funding_bps) * 1e-4;
    pipe->OnPositionClosed(ts, notional * t.net_bps * 1e-4);
    res.trades.push_back(std::move(t));
    pos = Position{};
  };

  for (size_t i = begin; i < end; ++i) {
    const Bar bar = bars.bar(i);
    // 1. At the open: exits first (horizon, opposite signal), then the pending entry.
    if (pos.dir != 0 && (pending_exit || i >= pos.exit_due_idx))
      close_position(i, bar.open, bar.ts_ms, pending_exit ? "opposite_signal" : "horizon");
    pending_exit = false;
    if (pending_entry && pos.dir == 0) {
      const int dir = static_cast<int>(entry_decision.direction);
      pos.dir = dir;
      pos.entry_price = pos.mark = bar.open;
      pos.entry_idx = i;
      const int64_t hb =
          std::max<int64_t>(1, (int64_t{entry_decision.horizon_minutes} * kMsPerMinute + tf_ms - 1) / tf_ms);
      pos.exit_due_idx = i + static_cast<size_t>(hb);
      const double sigma = std::isfinite(entry_snap.sigma_bar_bps) ? entry_snap.sigma_bar_bps : 0.0;
      const double scale = sigma * std::sqrt(static_cast<double>(hb));
      const double stop_bps = std::max(opts.min_stop_bps, opts.stop_sigmas * scale);
      const double tp_bps = std::max(opts.min_stop_bps, opts.take_profit_sigmas * scale);
      pos.stop = bar.open * (1.0 - dir * stop_bps * 1e-4);
      pos.take_profit = bar.open * (1.0 + dir * tp_bps * 1e-4);
      pos.entry_cost = cost.Side(entry_snap, /*entry=*/true);
      pos.trade = Trade{};
      pos.trade.symbol = pc.symbol;
      pos.trade.direction = entry_decision.direction;
      pos.trade.signal_ts_ms = entry_decision.ts_ms;
      pos.trade.entry_ts_ms = bar.ts_ms;
      pos.trade.entry_price = bar.open;
      pos.trade.horizon_minutes = entry_decision.horizon_minutes;
      pos.trade.engines = entry_decision.engines;
      res.bar_returns[i - begin] -= pos.entry_cost.total() * 1e-4;
      pipe->OnPositionOpened(entry_decision.direction, bar.ts_ms);
    }
    pending_entry = false;
    // 2. Intrabar stop / take-profit (stop first: the conservative assumption), else mark to close.
    if (pos.dir != 0) {
      const bool long_side = pos.dir > 0;
      const bool stop_hit = long_side ? bar.low <= pos.stop : bar.high >= pos.stop;
      const bool tp_hit = long_side ? bar.high >= pos.take_profit : bar.low <= pos.take_profit;
      if (stop_hit) {
        const double px = long_side ? std::min(bar.open, pos.stop) : std::max(bar.open, pos.stop);
        close_position(i, px, bar.ts_ms, "stop");
      } else if (tp_hit) {
        const double px = long_side ? std::max(bar.open, pos.take_profit) : std::min(bar.open, pos.take_profit);
        close_position(i, px, bar.ts_ms, "take_profit");
      } else {
        res.bar_returns[i - begin] += pos.dir * (bar.close - pos.mark) / pos.entry_price;
        pos.mark = bar.close;
        ++res.bars_in_position;
      }
    }
    // 3. The decision at the close.
    Bar ref_bar;
    const Bar* rb = data::AlignedBar(ref, bar.ts_ms, &ref_i, &ref_bar);
    clock.Set(bar.ts_ms + tf_ms);
    HURACAN_RETURN_IF_ERROR(pipe->OnBar(bar, rb));
    last_snap = pipe->market();
    const decision::Decision& d = sink.last;
    if (pos.dir != 0 && static_cast<int>(d.signal) == -pos.dir) pending_exit = true;
    if (d.direction != Direction::kWait && static_cast<int>(d.direction) != pos.dir) {
      pending_entry = true;
      entry_decision = d;
      entry_snap = last_snap;
    }
  }
  if (pos.dir != 0) close_position(end - 1, bars.close[end - 1], bars.ts_ms[end - 1] + tf_ms, "end_of_data");

  const double days = static_cast<double>(end - begin) * static_cast<double>(tf_ms) / static_cast<double>(kMsPerDay);
  res.metrics =
      ComputeMetrics(res.trades, res.bar_returns, BarsPerYear(pc.timeframe), days, res.bars_in_position, opts.trials);
  // Why bars did not trade: the guardrail rejections plus the bars that ended before the
  // guardrails (warm-up, ILLIQUID, no engine, no signal, below the meta threshold).
  res.rejections = guard.rejections();
  for (const auto& [why, n] : pipe->wait_counts()) res.rejections[why] += n;
  res.decisions = std::move(sink.all);
  res.meta_state = pipe->meta().Save();
  return res;
}

Result<BacktestResult> RunBacktestOnFrame(const data::BarSeries& bars, const features::FeatureFrame& frame,
                                          std::vector<engines::Engine*> engines, decision::PipelineMode mode,
                                          const BacktestOptions& opts, size_t begin, size_t end) {
  if (frame.rows() != bars.size())
    return InvalidArgument("backtest of " + bars.symbol + ": feature frame has " + std::to_string(frame.rows()) +
                           " rows for " + std::to_string(bars.size()) + " bars");
  auto source = std::make_unique<decision::FrameFeatureSource>(&frame, begin);
  return RunBacktest(bars, nullptr, std::move(source), std::move(engines), mode, opts, begin, end);
}

}  // namespace huracan::backtest
