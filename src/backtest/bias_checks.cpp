#include "backtest/bias_checks.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/clock.h"
#include "decision/feature_source.h"
#include "decision/pipeline.h"
#include "features/builder.h"

namespace huracan::backtest {
namespace {

data::BarSeries Prefix(const data::BarSeries& s, int64_t before_ts) {
  size_t n = 0;
  while (n < s.size() && s.ts_ms[n] < before_ts) ++n;
  return s.slice(0, n);
}

bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-6 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
}

void Note(BiasReport& r, std::string s) {
  if (r.examples.size() < 5) r.examples.push_back(std::move(s));
}

}  // namespace

std::string BiasReport::ToString(const std::string& what) const {
  std::string s = what + ": " + (passed ? "PASS" : "FAIL") + " (" + std::to_string(compared) + " decisions compared, " +
                  std::to_string(mismatches) + " mismatches; points";
  for (size_t p : points) {
    s += ' ';
    s += std::to_string(p);
  }
  s += ")\n";
  for (const auto& e : examples) {
    s += "  ";
    s += e;
    s += '\n';
  }
  return s;
}

bool WarmupEquivalent(const decision::Decision& a, const decision::Decision& b) {
  return a.ts_ms == b.ts_ms && a.regime_ready == b.regime_ready && a.regime == b.regime && a.signal == b.signal &&
         a.engines == b.engines && a.horizon_minutes == b.horizon_minutes && Close(a.edge_bps, b.edge_bps) &&
         Close(a.confidence, b.confidence) && Close(a.net_edge_bps, b.net_edge_bps);
}

Result<BiasReport> CheckLookahead(const data::BarSeries& bars, const data::BarSeries* ref, const DecisionRunner& runner,
                                  const DecisionRunner& full_runner, std::vector<double> cut_fractions) {
  if (bars.size() < 10) return InvalidArgument("lookahead check of " + bars.symbol + ": too few bars");
  HURACAN_ASSIGN_OR_RETURN(std::vector<decision::Decision> full, full_runner(bars, ref));
  if (full.size() != bars.size())
    return Internal("lookahead check: the full run gave " + std::to_string(full.size()) + " decisions for " +
                    std::to_string(bars.size()) + " bars");
  BiasReport rep;
  for (double f : cut_fractions) {
    const size_t cut =
        std::clamp<size_t>(static_cast<size_t>(f * static_cast<double>(bars.size())), 1, bars.size() - 1);
    rep.points.push_back(cut);
    const data::BarSeries head = bars.slice(0, cut);
    data::BarSeries ref_head;
    if (ref) ref_head = Prefix(*ref, bars.ts_ms[cut]);
    HURACAN_ASSIGN_OR_RETURN(std::vector<decision::Decision> part, runner(head, ref ? &ref_head : nullptr));
    if (part.size() != cut) {
      ++rep.mismatches;
      Note(rep, "cut " + std::to_string(cut) + ": " + std::to_string(part.size()) + " decisions for " +
                    std::to_string(cut) + " bars");
      continue;
    }
    for (size_t i = 0; i < cut; ++i) {
      ++rep.compared;
      const std::string a = full[i].Serialize(), b = part[i].Serialize();
      if (a != b) {
        ++rep.mismatches;
        Note(rep, "cut " + std::to_string(cut) + " bar " + std::to_string(i) + ": full [" + a + "] vs truncated [" + b +
                      "]");
      }
    }
  }
  rep.passed = rep.mismatches == 0 && rep.compared > 0;
  return rep;
}

Result<BiasReport> CheckWarmup(const data::BarSeries& bars, const data::BarSeries* ref, const DecisionRunner& runner,
                               std::vector<size_t> offsets, size_t warmup_bars) {
  if (offsets.empty()) return InvalidArgument("warm-up check: no offsets");
  std::sort(offsets.begin(), offsets.end());
  const size_t start = offsets.back() + warmup_bars;
  if (start >= bars.size())
    return FailedPrecondition("warm-up check of " + bars.symbol + ": " + std::to_string(bars.size()) +
                              " bars are too few for offset " + std::to_string(offsets.back()) + " + warm-up " +
                              std::to_string(warmup_bars));
  BiasReport rep;
  rep.points = offsets;
  std::vector<std::vector<decision::Decision>> runs;
  for (size_t off : offsets) {
    const data::BarSeries tail = bars.slice(off, bars.size());
    HURACAN_ASSIGN_OR_RETURN(std::vector<decision::Decision> d, runner(tail, ref));
    if (d.size() != tail.size()) return Internal("warm-up check: decision count differs from bar count");
    runs.push_back(std::move(d));
  }
  for (size_t i = start; i < bars.size(); ++i) {
    const decision::Decision& a = runs[0][i - offsets[0]];
    for (size_t k = 1; k < runs.size(); ++k) {
      const decision::Decision& b = runs[k][i - offsets[k]];
      ++rep.compared;
      if (!WarmupEquivalent(a, b)) {
        ++rep.mismatches;
        Note(rep, "bar " + std::to_string(i) + " offset " + std::to_string(offsets[k]) + ": [" + a.Serialize() +
                      "] vs [" + b.Serialize() + "]");
      }
    }
  }
  rep.passed = rep.mismatches == 0 && rep.compared > 0;
  return rep;
}

DecisionRunner MakePipelineRunner(RunnerConfig cfg, costs::CostOverrides costs) {
  return
      [cfg, costs](const data::BarSeries& bars, const data::BarSeries* ref) -> Result<std::vector<decision::Decision>> {
        if (!cfg.recipe) return InvalidArgument("pipeline runner: no recipe");
        std::unique_ptr<decision::FeatureSource> source;
        features::FeatureFrame frame;
        if (cfg.streaming) {
          HURACAN_ASSIGN_OR_RETURN(source, decision::StreamFeatureSource::Create(*cfg.recipe));
        } else {
          HURACAN_ASSIGN_OR_RETURN(frame, features::BuildFeatures(*cfg.recipe, bars, ref));
          source = std::make_unique<decision::FrameFeatureSource>(&frame, 0);
        }
        decision::PipelineConfig pc;
        pc.symbol = bars.symbol.empty() ? "UNKNOWN" : bars.symbol;
        if (!bars.timeframe.empty()) pc.timeframe = bars.timeframe;
        pc.regime = cfg.regime;
        pc.meta_learning = cfg.meta_learning;
        pc.costs = costs.ForSymbol(pc.symbol);
        const int64_t tf = data::TimeframeMs(pc.timeframe);
        SimulatedClock clock(0);
        decision::VectorSink sink;
        costs::Guardrails guard;
        HURACAN_ASSIGN_OR_RETURN(
            auto pipe, decision::DecisionPipeline::Create(pc, std::move(source), cfg.engines, &clock, &sink, &guard));
        size_t ri = 0;
        for (size_t i = 0; i < bars.size(); ++i) {
          const Bar bar = bars.bar(i);
          Bar rbar;
          const Bar* rb = data::AlignedBar(ref, bar.ts_ms, &ri, &rbar);
          clock.Set(bar.ts_ms + tf);
          HURACAN_RETURN_IF_ERROR(pipe->OnBar(bar, rb));
        }
        return std::move(sink.decisions);
      };
}

}  // namespace huracan::backtest
