#include "regime/classifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace huracan::regime {
namespace {

// A frame with only the classifier's inputs, filled from simple generators.
struct Synthetic {
  features::FeatureFrame frame;
  std::vector<double> qvol;
};

Synthetic MakeFrame(size_t n, uint32_t seed, double adx_mu, double spread_mu) {
  Synthetic s;
  for (auto name : kRegimeFeatures) s.frame.names.emplace_back(name);
  s.frame.columns.assign(kRegimeFeatures.size(), std::vector<double>(n));
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  for (size_t r = 0; r < n; ++r) {
    s.frame.ts_ms.push_back(static_cast<int64_t>(r) * 60000);
    s.frame.columns[0][r] = adx_mu + 8 * z(rng);                        // adx_14
    s.frame.columns[1][r] = std::clamp(0.3 + 0.15 * z(rng), 0.0, 1.0);  // er_30
    s.frame.columns[2][r] = 10 * std::exp(0.3 * z(rng));                // vol_cc_30
    s.frame.columns[3][r] = z(rng);                                     // ret_z_15
    s.frame.columns[4][r] = spread_mu * std::exp(0.3 * z(rng));         // cs_spread_bps
    s.frame.columns[5][r] = 0.5 * std::exp(0.3 * z(rng));               // amihud_60
    s.qvol.push_back(1e5 * std::exp(0.5 * z(rng)));
  }
  return s;
}

std::vector<double> Row(const features::FeatureFrame& f, size_t r) {
  std::vector<double> out;
  for (const auto& c : f.columns) out.push_back(c[r]);
  return out;
}

// Hand-made classifier inputs relative to calibrated thresholds (kRegimeFeatures order): a calm
// bar (RANGE), a trending one (TREND) and a spread blow-out (ILLIQUID).
std::vector<double> CalmRow(const RegimeThresholds& t) {
  return {t.adx_trend - 5, t.er_trend - 0.1, t.vol_panic / 2, 0.0, t.spread_illiquid / 2, t.amihud_illiquid / 2};
}
std::vector<double> TrendRow(const RegimeThresholds& t) {
  std::vector<double> r = CalmRow(t);
  r[0] = t.adx_trend + 5;
  r[1] = t.er_trend + 0.05;
  return r;
}
std::vector<double> WideSpreadRow(const RegimeThresholds& t) {
  std::vector<double> r = CalmRow(t);
  r[4] = t.spread_illiquid * 3;
  return r;
}

TEST(Regime, PercentileInterpolatesAndIgnoresNaN) {
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4, std::nan("")}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(Percentile({10, 0}, 1.0), 10.0);
  EXPECT_TRUE(std::isnan(Percentile({std::nan("")}, 0.5)));
}

TEST(Regime, CalibrationIsPerSymbol) {
  Synthetic a = MakeFrame(4000, 1, 20, 5);
  Synthetic b = MakeFrame(4000, 2, 35, 20);
  auto ta = CalibrateRegime(a.frame, a.qvol, 0, 4000, "AAA-USDT");
  auto tb = CalibrateRegime(b.frame, b.qvol, 0, 4000, "BBB-USDT");
  ASSERT_TRUE(ta.ok()) << ta.error().message;
  ASSERT_TRUE(tb.ok()) << tb.error().message;
  EXPECT_EQ(ta->symbol, "AAA-USDT");
  // Each symbol's thresholds follow its own distribution.
  EXPECT_NEAR(ta->adx_trend, 20 + 8 * 0.253, 1.0);
  EXPECT_NEAR(tb->adx_trend, 35 + 8 * 0.253, 1.0);
  EXPECT_GT(tb->spread_illiquid, 3 * ta->spread_illiquid);
  // Only the training window counts.
  auto half = CalibrateRegime(a.frame, a.qvol, 0, 1000, "AAA-USDT");
  ASSERT_TRUE(half.ok());
  EXPECT_NE(half->adx_trend, ta->adx_trend);
}

TEST(Regime, CalibrationRefusesMissingFeatureAndShortWindow) {
  Synthetic a = MakeFrame(100, 1, 20, 5);
  EXPECT_FALSE(CalibrateRegime(a.frame, a.qvol, 0, 100, "X").ok());  // < min_samples
  a.frame.names[4] = "something_else";
  auto r = CalibrateRegime(a.frame, a.qvol, 0, 100, "X", RegimeConfig{.min_samples = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cs_spread_bps"), std::string::npos);
}

TEST(Regime, ThresholdsRoundTripAsBytes) {
  Synthetic a = MakeFrame(2000, 3, 25, 8);
  auto t = CalibrateRegime(a.frame, a.qvol, 0, 2000, "SOL-USDT");
  ASSERT_TRUE(t.ok());
  auto back = RegimeThresholds::Load(t->Save());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->Save(), t->Save());
  EXPECT_EQ(back->adx_trend, t->adx_trend);
  EXPECT_EQ(back->qvol_illiquid, t->qvol_illiquid);
  EXPECT_FALSE(RegimeThresholds::Load("{\"format\":\"huracan.regime.v1\"}").ok());
  EXPECT_FALSE(RegimeThresholds::Load("not json").ok());
}

TEST(Regime, HysteresisStopsFlappingOnNoise) {
  Synthetic a = MakeFrame(20000, 4, 25, 5);
  auto t = CalibrateRegime(a.frame, a.qvol, 0, 20000, "AAA-USDT");
  ASSERT_TRUE(t.ok());
  RegimeClassifier raw_only(*t);
  ASSERT_TRUE(raw_only.Bind(a.frame.names).ok());
  RegimeClassifier c(*t);
  ASSERT_TRUE(c.Bind(a.frame.names).ok());
  int raw_switches = 0, switches = 0, illiquid_entries = 0;
  Regime prev_raw = Regime::kRange, prev = Regime::kRange;
  int run = 0;
  int min_run = 1 << 30;
  for (size_t r = 0; r < a.frame.rows(); ++r) {
    auto row = Row(a.frame, r);
    auto raw = raw_only.RawLabel(row, a.qvol[r]);
    Regime lab = c.Update(row, a.qvol[r]);
    if (r > 0 && raw.label != prev_raw) ++raw_switches;
    if (r > 0 && lab != prev) {
      if (lab == Regime::kIlliquid) {
        ++illiquid_entries;
        EXPECT_EQ(raw.label, Regime::kIlliquid) << r;  // entered only on an illiquid bar
      } else if (prev == Regime::kIlliquid) {
        EXPECT_GE(run, t->min_dwell) << r;  // left only after the dwell
      } else {
        ++switches;
        min_run = std::min(min_run, run);
      }
      run = 0;
    }
    ++run;
    prev_raw = raw.label;
    prev = lab;
  }
  // i.i.d. noise flips the raw label thousands of times; the dwell filter almost never switches
  // between tradable regimes (ILLIQUID is entered at once by design, leaving it takes the dwell).
  EXPECT_GT(raw_switches, 2000);
  EXPECT_LT(switches, raw_switches / 20);
  EXPECT_GT(illiquid_entries, 0);
  EXPECT_GE(min_run, 1);
}

TEST(Regime, IlliquidIsEnteredAtOnceAndLeftAfterTheDwell) {
  Synthetic a = MakeFrame(3000, 5, 25, 5);
  auto t = CalibrateRegime(a.frame, a.qvol, 0, 3000, "AAA-USDT", RegimeConfig{.min_dwell = 4});
  ASSERT_TRUE(t.ok());
  RegimeClassifier c(*t);
  ASSERT_TRUE(c.Bind(a.frame.names).ok());
  const std::vector<double> calm = CalmRow(*t), wide = WideSpreadRow(*t), trend = TrendRow(*t);
  EXPECT_EQ(c.Update(calm, 1e6), Regime::kRange);
  // One illiquid bar: ILLIQUID on that very bar, from RANGE and from TREND alike.
  EXPECT_EQ(c.Update(wide, 1e6), Regime::kIlliquid);
  // Leaving needs min_dwell (4) consecutive bars of the new label.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Update(calm, 1e6), Regime::kIlliquid) << i;
  EXPECT_EQ(c.Update(calm, 1e6), Regime::kRange);
  // A single illiquid bar inside the way out restarts the dwell.
  EXPECT_EQ(c.Update(calm, t->qvol_illiquid * 0.5), Regime::kIlliquid);  // volume dried up
  for (int i = 0; i < 2; ++i) EXPECT_EQ(c.Update(trend, 1e6), Regime::kIlliquid);
  EXPECT_EQ(c.Update(wide, 1e6), Regime::kIlliquid);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Update(trend, 1e6), Regime::kIlliquid);
  EXPECT_EQ(c.Update(trend, 1e6), Regime::kTrend);
  EXPECT_EQ(c.Update(wide, 1e6), Regime::kIlliquid);  // from TREND, at once too
  // The first valid bar may already be ILLIQUID.
  RegimeClassifier d(*t);
  ASSERT_TRUE(d.Bind(a.frame.names).ok());
  EXPECT_EQ(d.Update(wide, 1e6), Regime::kIlliquid);
}

TEST(Regime, NewLabelNeedsMinDwell) {
  Synthetic a = MakeFrame(3000, 5, 25, 5);
  auto t = CalibrateRegime(a.frame, a.qvol, 0, 3000, "AAA-USDT", RegimeConfig{.min_dwell = 4});
  ASSERT_TRUE(t.ok());
  RegimeClassifier c(*t);
  ASSERT_TRUE(c.Bind(a.frame.names).ok());
  const std::vector<double> calm = CalmRow(*t), trend = TrendRow(*t);
  EXPECT_FALSE(c.ready());
  EXPECT_EQ(c.Update(calm, 1e6), Regime::kRange);
  EXPECT_TRUE(c.ready());
  // Three trend bars, then calm again: not enough to switch.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Update(trend, 1e6), Regime::kRange);
  EXPECT_EQ(c.Update(calm, 1e6), Regime::kRange);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Update(trend, 1e6), Regime::kRange);
  EXPECT_EQ(c.Update(trend, 1e6), Regime::kTrend);  // 4th consecutive bar
}

TEST(Regime, DetectsIlliquidAndPanic) {
  Synthetic a = MakeFrame(5000, 6, 25, 5);
  auto t = CalibrateRegime(a.frame, a.qvol, 0, 5000, "AAA-USDT", RegimeConfig{.min_dwell = 3});
  ASSERT_TRUE(t.ok());
  RegimeClassifier c(*t);
  ASSERT_TRUE(c.Bind(a.frame.names).ok());
  const std::vector<double> calm = CalmRow(*t);
  EXPECT_EQ(c.Update(calm, 1e6), Regime::kRange);
  // Spread blow-out -> ILLIQUID at once.
  const std::vector<double> wide = WideSpreadRow(*t);
  EXPECT_EQ(c.RawLabel(wide, 1e6).label, Regime::kIlliquid);
  c.Update(wide, 1e6);
  EXPECT_EQ(c.current(), Regime::kIlliquid);
  // Volume drying up alone is also ILLIQUID.
  EXPECT_EQ(c.RawLabel(calm, t->qvol_illiquid * 0.5).label, Regime::kIlliquid);
  EXPECT_EQ(c.RawLabel(calm, 0.0).label, Regime::kIlliquid);
  // Crash: high vol and a large return z-score.
  std::vector<double> crash = calm;
  crash[2] = t->vol_panic * 2;
  crash[3] = -(t->retz_panic + 1);
  EXPECT_EQ(c.RawLabel(crash, 1e6).label, Regime::kPanic);
  // NaN input (warm-up) keeps the label.
  std::vector<double> nan = calm;
  nan[0] = std::nan("");
  EXPECT_FALSE(c.RawLabel(nan, 1e6).valid);
  EXPECT_EQ(c.Update(nan, 1e6), Regime::kIlliquid);
}

}  // namespace
}  // namespace huracan::regime
