#include "backtest/signals.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "engines/rule_engine.h"

namespace huracan::backtest {

double SideSignals::gap_bps() const {
  return signals > 0 ? round_trip_cost_bps - shrunk_edge_bps : std::numeric_limits<double>::infinity();
}

double EngineSignals::gap_bps() const { return std::min(long_side.gap_bps(), short_side.gap_bps()); }

FitCosts MakeFitCosts(double round_trip_cost_bps, const costs::CostConfig& cc) {
  const double entry_fee = cc.maker_entry ? cc.maker_fee_bps : cc.taker_fee_bps;
  return FitCosts{round_trip_cost_bps, cc.net_edge_floor_bps, entry_fee + cc.taker_fee_bps};
}

SideSignals SideSignalsFrom(const engines::SideStats& s, int side, const FitCosts& fc) {
  SideSignals o;
  o.signals = s.n;
  if (s.n == 0) return o;
  const double n = static_cast<double>(s.n);
  o.mean_fwd_bps = side * s.mean();
  o.hit_rate = static_cast<double>(s.wins) / n;
  const double sd = s.sd();
  if (s.n >= 2 && sd > 0) o.t_stat = o.mean_fwd_bps / (sd / std::sqrt(n));
  o.shrunk_edge_bps = o.mean_fwd_bps * engines::Shrink(s.n);
  o.round_trip_cost_bps = fc.round_trip_cost_bps + fc.net_edge_floor_bps;
  const double non_fee = fc.round_trip_cost_bps - fc.fees_bps;
  const double fee = (o.shrunk_edge_bps - non_fee - fc.net_edge_floor_bps) / 2.0;
  if (s.n >= engines::kMinTrades && fee >= 0) o.break_even_fee_bps = fee;
  return o;
}

EngineSignals EngineSignalsOn(const engines::Engine& engine, const data::BarSeries& bars,
                              const features::FeatureFrame& frame, size_t begin, size_t end, const FitCosts& fc) {
  EngineSignals out;
  out.on = engine.active();
  const auto* rule = dynamic_cast<const engines::RuleEngine*>(&engine);
  if (rule == nullptr || rule->ungated_candidate() < 0) return out;
  engines::TrainWindow w;
  w.bars = &bars;
  w.features = &frame;
  w.begin = begin;
  w.end = end;
  Result<engines::CandidateResult> r = rule->UngatedTrades(w);
  if (!r.ok()) return out;
  out.long_side = SideSignalsFrom(r->long_stats, +1, fc);
  out.short_side = SideSignalsFrom(r->short_stats, -1, fc);
  return out;
}

namespace {
nlohmann::ordered_json SideJson(const SideSignals& s) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["signals"] = s.signals;
  j["mean_fwd_bps"] = JsonNumber<ordered_json>(s.mean_fwd_bps);
  j["hit_rate"] = JsonNumber<ordered_json>(s.hit_rate);
  j["t_stat"] = JsonNumber<ordered_json>(s.t_stat);
  j["shrunk_edge_bps"] = JsonNumber<ordered_json>(s.shrunk_edge_bps);
  j["round_trip_cost_bps"] = JsonNumber<ordered_json>(s.round_trip_cost_bps);
  j["break_even_fee_bps"] = JsonNumber<ordered_json>(s.break_even_fee_bps);
  return j;
}
}  // namespace

nlohmann::ordered_json EngineSignalsToJson(const EngineSignals& s) {
  nlohmann::ordered_json j;
  j["on"] = s.on;
  j["long"] = SideJson(s.long_side);
  j["short"] = SideJson(s.short_side);
  return j;
}

std::vector<std::string> SortedByGap(const std::map<std::string, EngineSignals>& signals) {
  std::vector<std::pair<double, std::string>> keyed;
  for (const auto& [id, s] : signals) keyed.emplace_back(s.gap_bps(), id);
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ids;
  for (auto& [gap, id] : keyed) ids.push_back(std::move(id));
  return ids;
}

nlohmann::json ClosestSideJson(const std::map<std::string, EngineSignals>& signals) {
  const std::vector<std::string> ids = SortedByGap(signals);
  if (ids.empty()) return nullptr;
  const EngineSignals& e = signals.at(ids.front());
  const bool long_closer = e.long_side.gap_bps() <= e.short_side.gap_bps();
  const SideSignals& s = long_closer ? e.long_side : e.short_side;
  if (s.signals == 0) return nullptr;
  nlohmann::json j;
  j["engine"] = ids.front();
  j["side"] = long_closer ? "long" : "short";
  j["signals"] = s.signals;
  j["shrunk_edge_bps"] = JsonNumber<nlohmann::json>(s.shrunk_edge_bps);
  j["round_trip_cost_bps"] = JsonNumber<nlohmann::json>(s.round_trip_cost_bps);
  j["gap_bps"] = JsonNumber<nlohmann::json>(s.gap_bps());
  j["break_even_fee_bps"] = JsonNumber<nlohmann::json>(s.break_even_fee_bps);
  return j;
}

}  // namespace huracan::backtest
