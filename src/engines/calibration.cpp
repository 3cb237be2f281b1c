#include "engines/calibration.h"

#include <algorithm>

#include "core/time_units.h"
#include "data/bar_series.h"

namespace huracan::engines {

void SideCal::Save(ml::ByteWriter& w) const {
  w.U8(on ? 1 : 0);
  w.F64(edge_bps);
  w.F64(confidence);
  w.I64(n);
  w.F64(mean_bps);
  w.F64(sd_bps);
  w.F64(hit_rate);
}

void SideCal::Load(ml::ByteReader& r) {
  on = r.U8() != 0;
  edge_bps = r.F64();
  confidence = r.F64();
  n = r.I64();
  mean_bps = r.F64();
  sd_bps = r.F64();
  hit_rate = r.F64();
}

SideCal Calibrate(const SideStats& s, int side, double cost_bps, double floor_bps) {
  SideCal c;
  c.n = s.n;
  c.mean_bps = s.mean();
  c.sd_bps = s.sd();
  c.hit_rate = s.n ? static_cast<double>(s.wins) / static_cast<double>(s.n) : 0.0;
  c.on = s.usable(side, cost_bps, floor_bps);
  if (!c.on) return c;
  const double shrink = Shrink(s.n);
  c.edge_bps = c.mean_bps * shrink;
  double se = c.sd_bps / std::sqrt(static_cast<double>(s.n));
  double t = se > 0 ? std::fabs(c.mean_bps) / se : 0.0;
  c.confidence = std::clamp(shrink * std::erf(t / (2.0 * std::sqrt(2.0))), 0.0, 1.0);
  return c;
}

int HorizonBars(const data::BarSeries& bars, int horizon_minutes) {
  int64_t tf = data::TimeframeMs(bars.timeframe);
  if (tf <= 0 && bars.size() >= 2) {
    // Unknown timeframe label: use the smallest positive step among the first bars.
    for (size_t i = 1; i < std::min<size_t>(bars.size(), 64); ++i) {
      int64_t d = bars.ts_ms[i] - bars.ts_ms[i - 1];
      if (d > 0 && (tf <= 0 || d < tf)) tf = d;
    }
  }
  if (tf <= 0) tf = kMsPerMinute;
  int64_t h = static_cast<int64_t>(horizon_minutes) * kMsPerMinute / tf;
  return static_cast<int>(std::max<int64_t>(1, h));
}

std::vector<double> ForwardReturns(const data::BarSeries& bars, size_t begin, size_t end, int h) {
  std::vector<double> out(bars.size(), features::kNaN);
  if (end > bars.size() || h < 1) return out;
  int64_t span_ms = 0;
  // Expected span of h bars, from the median-free smallest positive step near the start.
  for (size_t i = begin + 1; i < std::min(end, begin + 64); ++i) {
    int64_t d = bars.ts_ms[i] - bars.ts_ms[i - 1];
    if (d > 0 && (span_ms == 0 || d < span_ms)) span_ms = d;
  }
  int64_t max_span = span_ms > 0 ? 2 * span_ms * h : INT64_MAX;
  for (size_t t = begin; t + h < end; ++t) {
    double c0 = bars.close[t], c1 = bars.close[t + h];
    if (!(c0 > 0) || !(c1 > 0)) continue;
    if (bars.ts_ms[t + h] - bars.ts_ms[t] > max_span) continue;
    out[t] = 1e4 * std::log(c1 / c0);
  }
  return out;
}

std::string EngineContext(std::string_view id) { return "engine " + std::string(id); }
std::string ParamsContext(std::string_view id) { return EngineContext(id) + " params"; }

namespace {
Status CheckWindow(const TrainWindow& w) {
  if (!w.bars || !w.features) return InvalidArgument("training window without bars or features");
  if (w.bars->size() != w.features->rows())
    return InvalidArgument("bars (" + std::to_string(w.bars->size()) + ") and features (" +
                           std::to_string(w.features->rows()) + ") differ in rows");
  if (w.begin >= w.end || w.end > w.bars->size())
    return InvalidArgument("bad training window [" + std::to_string(w.begin) + ", " + std::to_string(w.end) + ") of " +
                           std::to_string(w.bars->size()) + " rows");
  for (const auto& col : w.features->columns)
    if (col.size() != w.features->rows()) return InvalidArgument("feature frame has a short column");
  if (!(w.round_trip_cost_bps >= 0)) return InvalidArgument("round_trip_cost_bps must be >= 0");
  if (!(w.net_edge_floor_bps >= 0)) return InvalidArgument("net_edge_floor_bps must be >= 0");
  return Status::Ok();
}
}  // namespace

Status ValidateWindow(const TrainWindow& w, std::string_view id) {
  return WithContext(CheckWindow(w), EngineContext(id));
}

Result<std::vector<int>> ResolveFeatures(const std::vector<std::string>& names,
                                         const std::vector<std::string>& frame_names, std::string_view id) {
  std::vector<int> idx;
  idx.reserve(names.size());
  for (const auto& n : names) {
    auto it = std::find(frame_names.begin(), frame_names.end(), n);
    if (it == frame_names.end())
      return WithContext(InvalidArgument("feature '" + n + "' not in the feature frame"), EngineContext(id));
    idx.push_back(static_cast<int>(it - frame_names.begin()));
  }
  return idx;
}

}  // namespace huracan::engines
