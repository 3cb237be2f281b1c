#include "execution/symbol_driver.h"

#include <utility>

#include "data/bar_series.h"

namespace huracan::execution {

// Keeps the last decision (and every decision when recording).
class SymbolDriver::Sink final : public decision::DecisionSink {
 public:
  explicit Sink(bool record) : record_(record) {}
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
class SymbolDriver::Listener final : public PositionListener {
 public:
  explicit Listener(decision::DecisionPipeline* pipe) : pipe_(pipe) {}
  void OnPositionOpened(Direction d, int64_t ts_ms) override { pipe_->OnPositionOpened(d, ts_ms); }
  void OnPositionClosed(int64_t ts_ms, double pnl_quote) override { pipe_->OnPositionClosed(ts_ms, pnl_quote); }

 private:
  decision::DecisionPipeline* pipe_;
};

SymbolDriver::~SymbolDriver() = default;

Result<std::unique_ptr<SymbolDriver>> SymbolDriver::Create(const SymbolDriverConfig& config,
                                                           std::unique_ptr<decision::FeatureSource> source,
                                                           std::vector<engines::Engine*> engines,
                                                           costs::Guardrails* guardrails) {
  std::unique_ptr<SymbolDriver> d(new SymbolDriver());
  d->tf_ms_ = data::TimeframeMs(config.pipeline.timeframe);
  d->sink_ = std::make_unique<Sink>(config.record_decisions);
  HURACAN_ASSIGN_OR_RETURN(
      d->pipe_, decision::DecisionPipeline::Create(config.pipeline, std::move(source), std::move(engines), &d->clock_,
                                                   d->sink_.get(), guardrails));
  d->listener_ = std::make_unique<Listener>(d->pipe_.get());
  d->exec_ = std::make_unique<Executor>(ExecutorConfig{.symbol = config.pipeline.symbol,
                                                       .timeframe_ms = d->tf_ms_,
                                                       .costs = d->pipe_->cost_model().config(),
                                                       .stop_sigmas = config.stop_sigmas,
                                                       .take_profit_sigmas = config.take_profit_sigmas,
                                                       .min_stop_bps = config.min_stop_bps,
                                                       .fixed = config.fixed_exits},
                                        d->listener_.get());
  return d;
}

Result<double> SymbolDriver::Step(const Bar& bar, const Bar* ref) {
  const double ret = exec_->OnBar(bar);
  clock_.Set(bar.ts_ms + tf_ms_);
  HURACAN_RETURN_IF_ERROR(pipe_->OnBar(bar, ref));
  exec_->OnDecision(sink_->last, pipe_->market());
  return ret;
}

const decision::Decision& SymbolDriver::last_decision() const { return sink_->last; }

std::vector<decision::Decision> SymbolDriver::TakeDecisions() { return std::exchange(sink_->all, {}); }

}  // namespace huracan::execution
