#include "backtest/backtester.h"

#include <cmath>

#include "core/time_units.h"
#include "execution/symbol_driver.h"

namespace huracan::backtest {
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
  costs::Guardrails guard(opts.guardrails);
  HURACAN_ASSIGN_OR_RETURN(auto driver, execution::SymbolDriver::Create(
                                            execution::SymbolDriverConfig{.pipeline = pc,
                                                                          .stop_sigmas = opts.stop_sigmas,
                                                                          .take_profit_sigmas = opts.take_profit_sigmas,
                                                                          .min_stop_bps = opts.min_stop_bps,
                                                                          .fixed_exits = opts.fixed_exits,
                                                                          .record_decisions = opts.record_decisions},
                                            std::move(source), std::move(engines), &guard));
  execution::Executor& exec = driver->executor();
  const decision::DecisionPipeline* pipe = &driver->pipeline();

  BacktestResult res;
  res.symbol = pc.symbol;
  res.bar_returns.assign(end - begin, 0.0);
  size_t ref_i = 0;
  for (size_t i = begin; i < end; ++i) {
    const Bar bar = bars.bar(i);
    Bar ref_bar;
    const Bar* rb = data::AlignedBar(ref, bar.ts_ms, &ref_i, &ref_bar);
    HURACAN_ASSIGN_OR_RETURN(res.bar_returns[i - begin], driver->Step(bar, rb));
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
  res.decisions = driver->TakeDecisions();
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
