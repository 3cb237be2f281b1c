#include "backtest/backtester.h"

#include <cmath>

#include "core/clock.h"
#include "core/time_units.h"
#include "execution/executor.h"

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

// Forwards the executor's position events to the pipeline's guardrails.
class PipelineListener final : public execution::PositionListener {
 public:
  explicit PipelineListener(decision::DecisionPipeline* pipe) : pipe_(pipe) {}
  void OnPositionOpened(Direction d, int64_t ts_ms) override { pipe_->OnPositionOpened(d, ts_ms); }
  void OnPositionClosed(int64_t ts_ms, double pnl_quote) override { pipe_->OnPositionClosed(ts_ms, pnl_quote); }

 private:
  decision::DecisionPipeline* pipe_;
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
  PipelineListener listener(pipe.get());
  execution::Executor exec(execution::ExecutorConfig{.symbol = pc.symbol,
                                                     .timeframe_ms = tf_ms,
                                                     .costs = pipe->cost_model().config(),
                                                     .stop_sigmas = opts.stop_sigmas,
                                                     .take_profit_sigmas = opts.take_profit_sigmas,
                                                     .min_stop_bps = opts.min_stop_bps},
                           &listener);

  BacktestResult res;
  res.symbol = pc.symbol;
  res.bar_returns.assign(end - begin, 0.0);
  size_t ref_i = 0;
  for (size_t i = begin; i < end; ++i) {
    const Bar bar = bars.bar(i);
    // Fills and exits at the open, stop / take-profit intrabar, mark to close (execution::Executor).
    res.bar_returns[i - begin] = exec.OnBar(bar);
    // The decision at the close.
    Bar ref_bar;
    const Bar* rb = data::AlignedBar(ref, bar.ts_ms, &ref_i, &ref_bar);
    clock.Set(bar.ts_ms + tf_ms);
    HURACAN_RETURN_IF_ERROR(pipe->OnBar(bar, rb));
    exec.OnDecision(sink.last, pipe->market());
  }
  res.bar_returns[end - 1 - begin] += exec.EndOfData();
  res.trades = exec.TakeTrades();
  res.bars_in_position = exec.bars_in_position();

  const double days = static_cast<double>(end - begin) * static_cast<double>(tf_ms) / static_cast<double>(kMsPerDay);
  res.metrics =
      ComputeMetrics(res.trades, res.bar_returns, BarsPerYear(pc.timeframe), days, res.bars_in_position, opts.trials);
  // Why bars did not trade: the guardrail rejections plus the bars that ended before the
  // guardrails (warm-up, ILLIQUID, no engine, no signal, below the meta threshold).
  res.rejections = guard.rejections();
  for (const auto& [why, n] : pipe->wait_counts()) res.rejections[why] += n;
  // Maker entries that never traded through their limit (execution/executor.h).
  if (pipe->cost_model().config().maker_entry) res.rejections[execution::kMakerUnfilled] += exec.maker_unfilled();
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
