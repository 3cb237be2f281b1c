// Small fakes for pipeline and backtest unit tests: a hand-made feature frame and an engine that
// reads a "sig" column.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "data/bar_series.h"
#include "engines/engine.h"
#include "features/frame.h"
#include "regime/classifier.h"

namespace huracan::testfakes {

// Speaks buy when sig > 0, sell when sig < 0, with a fixed edge and horizon.
class SigEngine : public engines::Engine {
 public:
  SigEngine(std::string id, double edge, int horizon, std::string column = "sig")
      : id_(std::move(id)), col_name_(std::move(column)), edge_(edge), horizon_(horizon) {}
  std::string_view id() const override { return id_; }
  engines::EngineFamily family() const override { return engines::EngineFamily::kTrend; }
  std::vector<Regime> regimes() const override { return regimes_; }
  bool active() const override { return active_; }
  // Test knobs: the regimes it trades in, and whether it is active (a fit that found no edge).
  void set_regimes(std::vector<Regime> r) { regimes_ = std::move(r); }
  void set_active(bool a) { active_ = a; }
  int horizon_minutes() const override { return horizon_; }
  std::vector<std::string> required_features() const override { return {col_name_}; }
  Status Bind(const std::vector<std::string>& names) override {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == col_name_) {
        col_ = static_cast<int>(i);
        return Status::Ok();
      }
    return InvalidArgument("no column " + col_name_);
  }
  Status Fit(const engines::TrainWindow&) override { return Status::Ok(); }
  engines::EngineOutput Infer(const engines::FeatureRow& row) const override {
    engines::EngineOutput o;
    o.horizon_minutes = horizon_;
    const double s = row.values[static_cast<size_t>(col_)];
    if (s > 0) o.direction = Direction::kBuy, o.edge_bps_before_costs = edge_, o.confidence_0_1 = 0.8;
    if (s < 0) o.direction = Direction::kSell, o.edge_bps_before_costs = -edge_, o.confidence_0_1 = 0.8;
    return o;
  }
  std::string SaveParams() const override { return ""; }
  Status LoadParams(std::string_view) override { return Status::Ok(); }

 private:
  std::string id_, col_name_;
  double edge_;
  int horizon_;
  int col_ = -1;
  std::vector<Regime> regimes_ = {Regime::kTrend, Regime::kRange, Regime::kPanic};
  bool active_ = true;
};

// Thresholds that label every valid row RANGE (min dwell 1).
inline regime::RegimeThresholds AlwaysRange(const std::string& symbol) {
  regime::RegimeThresholds t;
  t.symbol = symbol;
  t.adx_trend = t.er_trend = t.vol_panic = t.retz_panic = t.spread_illiquid = t.amihud_illiquid = 1e300;
  t.qvol_illiquid = -1;
  t.min_dwell = 1;
  return t;
}

struct Market {
  data::BarSeries bars;
  features::FeatureFrame frame;
};

// `n` flat-ish 1m bars (close drifts by `drift` per bar) and a frame with the regime inputs, cost
// inputs and a "sig" column (all zero; set entries to make the fake engine speak).
inline Market MakeMarket(const std::string& symbol, size_t n, double drift = 0.0) {
  Market m;
  m.bars.symbol = symbol;
  m.bars.timeframe = "1m";
  double px = 100.0;
  for (size_t i = 0; i < n; ++i) {
    const double open = px;
    px = px * (1.0 + drift);
    const double close = px;
    m.bars.push_back(Bar{1'700'000'000'000 + static_cast<int64_t>(i) * 60'000, open, std::max(open, close) * 1.0001,
                         std::min(open, close) * 0.9999, close, 1000.0});
  }
  for (auto name : regime::kRegimeFeatures) m.frame.names.emplace_back(name);
  m.frame.names.push_back("sig");
  m.frame.names.push_back("sig2");
  m.frame.ts_ms = m.bars.ts_ms;
  m.frame.columns.assign(m.frame.names.size(), std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) {
    m.frame.columns[0][i] = 20;   // adx_14
    m.frame.columns[1][i] = 0.3;  // er_30
    m.frame.columns[2][i] = 2.0;  // vol_cc_30 (bps per bar)
    m.frame.columns[3][i] = 0.0;  // ret_z_15
    m.frame.columns[4][i] = 2.0;  // cs_spread_bps
    m.frame.columns[5][i] = 0.1;  // amihud_60
  }
  return m;
}

inline int Col(const features::FeatureFrame& f, const char* name) { return f.index_of(name); }

}  // namespace huracan::testfakes
