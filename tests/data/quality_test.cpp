#include "data/quality.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "data/catalog.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

constexpr int64_t kT0 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr int64_t kMin = 60'000;

// A clean 1m random-walk-ish series.
BarSeries Clean(size_t n) {
  BarSeries s;
  s.symbol = "TESTUSDT";
  s.timeframe = "1m";
  double price = 100;
  for (size_t i = 0; i < n; ++i) {
    double next = price * (1 + 0.001 * std::sin(static_cast<double>(i)));
    Bar b{kT0 + static_cast<int64_t>(i) * kMin, price, std::max(price, next) * 1.0005,
          std::min(price, next) * 0.9995,       next,  10 + static_cast<double>(i % 7)};
    s.push_back(b);
    price = next;
  }
  return s;
}

void Erase(BarSeries& s, size_t begin, size_t end) {
  auto cut = [&](auto& v) { v.erase(v.begin() + begin, v.begin() + end); };
  cut(s.ts_ms);
  cut(s.open);
  cut(s.high);
  cut(s.low);
  cut(s.close);
  cut(s.volume);
}

bool Mentions(const std::vector<std::string>& lines, const std::string& word) {
  for (const auto& l : lines) {
    if (l.find(word) != std::string::npos) return true;
  }
  return false;
}

TEST(Quality, CleanSeriesHasNoFindings) {
  BarSeries s = Clean(500);
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(r.rows, 500u);
  EXPECT_EQ(r.timeframe_ms, kMin);
  EXPECT_EQ(r.median_step_ms, kMin);
  EXPECT_EQ(r.first_ts_ms, kT0);
  EXPECT_EQ(r.last_ts_ms, kT0 + 499 * kMin);
  EXPECT_EQ(r.exact_duplicates + r.conflicting_duplicates + r.out_of_order + r.gaps + r.bad_prices + r.high_below_low +
                r.envelope_violations + r.bad_volume + r.stale_runs + r.misaligned,
            0u);
  EXPECT_TRUE(r.repairs.empty());
  EXPECT_FALSE(r.refused());
  EXPECT_EQ(out->ts_ms, s.ts_ms);
  EXPECT_EQ(out->close, s.close);
}

TEST(Quality, ExactDuplicatesAreDropped) {
  BarSeries s = Clean(100);
  s.push_back(s.bar(10));
  s.push_back(s.bar(10));
  s.push_back(s.bar(99));
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(r.exact_duplicates, 3u);
  EXPECT_EQ(r.conflicting_duplicates, 0u);
  EXPECT_EQ(r.out_of_order, 1u);  // the first copy of bar 10 steps back after bar 99
  EXPECT_TRUE(Mentions(r.repairs, "dropped 3 exact duplicates"));
  EXPECT_TRUE(Mentions(r.repairs, "sorted"));
  EXPECT_EQ(out->ts_ms, Clean(100).ts_ms);
  EXPECT_EQ(r.rows_out, 100u);
}

TEST(Quality, ConflictingDuplicatesAreRefused) {
  BarSeries s = Clean(100);
  Bar b = s.bar(20);
  b.close *= 1.01;
  s.push_back(b);
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.conflicting_duplicates, 1u);
  EXPECT_NE(out.error().message.find("TESTUSDT 1m"), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("1 conflicting duplicate"), std::string::npos) << out.error().message;
}

TEST(Quality, APriceJumpIsRefusedNamingItsRow) {
  BarSeries s = Clean(100);
  for (auto* col : {&s.open, &s.high, &s.low, &s.close}) (*col)[40] *= 1000;
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(r.price_jumps, 1u);  // up at bar 40, back down at bar 41: one spike
  EXPECT_NE(out.error().message.find("1 closes jump"), std::string::npos) << out.error().message;
  ASSERT_NE(r.FirstRefusedBar(), nullptr);
  EXPECT_EQ(r.FirstRefusedBar()->row, 40u);
  EXPECT_EQ(r.FirstRefusedBar()->Describe().substr(0, 32), "row 40 (2025-01-01T00:40:00Z): c");
  // A lasting level change (a crash) is a real move: accepted.
  BarSeries crash = Clean(100);
  for (size_t i = 40; i < crash.size(); ++i)
    for (auto* col : {&crash.open, &crash.high, &crash.low, &crash.close}) (*col)[i] /= 10;
  crash.open[40] = crash.high[40] = crash.close[39];
  EXPECT_TRUE(CheckAndRepair(crash, QualityPolicy{}).ok());
  // Within the bound (x4 is |ln| 1.39 < 1.5), and with the check off: accepted.
  BarSeries mild = Clean(100);
  for (auto* col : {&mild.open, &mild.high, &mild.low, &mild.close}) (*col)[40] *= 4;
  EXPECT_TRUE(CheckAndRepair(mild, QualityPolicy{}).ok());
  QualityPolicy off;
  off.max_abs_log_return = 0;
  EXPECT_TRUE(CheckAndRepair(s, off).ok());
  off.max_abs_log_return = -1;
  EXPECT_FALSE(off.Validate().ok());
}

TEST(Quality, RepairedBarsAreListedWithTheirTime) {
  BarSeries s = Clean(2000);  // one bad volume in 2000 bars: under max_bad_volume_fraction
  s.volume[30] = -1;
  QualityReport r;
  ASSERT_TRUE(CheckAndRepair(s, QualityPolicy{}, &r).ok());
  ASSERT_EQ(r.bad_bars.size(), 1u);
  EXPECT_EQ(r.bad_bars[0].row, 30u);
  EXPECT_EQ(r.bad_bars[0].ts_ms, kT0 + 30 * kMin);
  EXPECT_FALSE(r.bad_bars[0].refusing);
}

TEST(Quality, OutOfOrderBarsAreSorted) {
  BarSeries s = Clean(50);
  BarSeries shuffled = s;
  std::swap(shuffled.ts_ms[5], shuffled.ts_ms[6]);
  std::swap(shuffled.close[5], shuffled.close[6]);
  std::swap(shuffled.open[5], shuffled.open[6]);
  std::swap(shuffled.high[5], shuffled.high[6]);
  std::swap(shuffled.low[5], shuffled.low[6]);
  std::swap(shuffled.volume[5], shuffled.volume[6]);
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(shuffled, QualityPolicy{}, &r);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(r.out_of_order, 1u);
  EXPECT_EQ(out->ts_ms, s.ts_ms);
  EXPECT_EQ(out->close, s.close);
  EXPECT_EQ(out->volume, s.volume);
}

TEST(Quality, GapsCountedWithTheLongest) {
  BarSeries s = Clean(200);
  Erase(s, 50, 52);  // 2 missing
  Erase(s, 10, 15);  // 5 missing, after the bar at index 9
  QualityReport r = AnalyzeQuality(s, QualityPolicy{});
  EXPECT_EQ(r.gaps, 2u);
  EXPECT_EQ(r.missing_bars, 7u);
  EXPECT_EQ(r.longest_gap_ms, 6 * kMin);
  EXPECT_EQ(r.longest_gap_start_ms, kT0 + 9 * kMin);
  // 7 of 200 expected bars missing: 3.5% passes the 5% default, fails a 1% policy.
  EXPECT_TRUE(CheckAndRepair(s, QualityPolicy{}).ok());
  QualityPolicy strict;
  strict.max_missing_fraction = 0.01;
  QualityReport rs;
  Result<BarSeries> refused = CheckAndRepair(s, strict, &rs);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Mentions(rs.refusals, "7 missing bars in 2 gaps"));
}

TEST(Quality, GapsRelativeToTheTimeframe) {
  BarSeries s = Clean(10);
  s.timeframe = "";  // unknown: the median step (1m) is used
  EXPECT_EQ(AnalyzeQuality(s, QualityPolicy{}).gaps, 0u);
  QualityPolicy every_30s;
  every_30s.timeframe_ms = 30'000;  // the same bars are each one 30 s bar apart
  QualityReport r = AnalyzeQuality(s, every_30s);
  EXPECT_EQ(r.gaps, 9u);
  EXPECT_EQ(r.missing_bars, 9u);
}

TEST(Quality, NonPositiveAndNanPricesAreRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  BarSeries s = Clean(100);
  s.open[3] = 0;
  s.low[4] = -1;
  s.close[5] = nan;
  s.high[6] = inf;
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(r.bad_prices, 4u);
  EXPECT_NE(out.error().message.find("4 bars with a non-positive, NaN or infinite price"), std::string::npos);
}

TEST(Quality, HighBelowLowIsRefused) {
  BarSeries s = Clean(100);
  std::swap(s.high[7], s.low[7]);
  QualityReport r;
  ASSERT_FALSE(CheckAndRepair(s, QualityPolicy{}, &r).ok());
  EXPECT_EQ(r.high_below_low, 1u);
  EXPECT_TRUE(Mentions(r.refusals, "high < low"));
}

TEST(Quality, SmallEnvelopeMissIsWidenedLargeIsRefused) {
  BarSeries s = Clean(100);
  s.high[8] = std::max(s.open[8], s.close[8]) * (1 - 1e-4);  // high a hair below the body
  s.low[9] = std::min(s.open[9], s.close[9]) * (1 + 2e-4);   // low a hair above the body
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(r.envelope_violations, 2u);
  EXPECT_NEAR(r.worst_envelope_miss, 2e-4, 1e-9);
  EXPECT_TRUE(Mentions(r.repairs, "widened high/low to contain open/close on 2 bars"));
  EXPECT_EQ(out->high[8], std::max(s.open[8], s.close[8]));
  EXPECT_EQ(out->low[9], std::min(s.open[9], s.close[9]));

  s.open[8] = 100, s.close[8] = 105, s.high[8] = 101, s.low[8] = 99;  // close 4% above high: not a rounding slip
  QualityReport r2;
  ASSERT_FALSE(CheckAndRepair(s, QualityPolicy{}, &r2).ok());
  EXPECT_TRUE(Mentions(r2.refusals, "high/low miss open/close"));
}

TEST(Quality, NegativeVolumeRepairedBelowThresholdRefusedAbove) {
  BarSeries s = Clean(5000);
  s.volume[100] = -1;
  s.volume[200] = std::numeric_limits<double>::quiet_NaN();
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(s, QualityPolicy{}, &r);  // 2/5000 = 0.04% <= 0.1%
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(r.bad_volume, 2u);
  EXPECT_EQ(out->volume[100], 0.0);
  EXPECT_EQ(out->volume[200], 0.0);
  EXPECT_TRUE(Mentions(r.repairs, "set 2 negative or NaN volumes to 0"));

  for (size_t i = 0; i < 10; ++i) s.volume[300 + i] = -0.5;  // 12/5000 = 0.24%
  QualityReport r2;
  Result<BarSeries> refused = CheckAndRepair(s, QualityPolicy{}, &r2);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(r2.bad_volume, 12u);
  EXPECT_TRUE(Mentions(r2.refusals, "negative or NaN volume"));
}

TEST(Quality, StaleLastBarAgainstNow) {
  BarSeries s = Clean(100);
  int64_t last_close = kT0 + 100 * kMin;
  QualityPolicy policy;
  policy.now_ms = last_close + 2 * kMin;  // within the default 3 bars
  QualityReport fresh;
  ASSERT_TRUE(CheckAndRepair(s, policy, &fresh).ok());
  EXPECT_FALSE(fresh.stale);
  EXPECT_EQ(fresh.last_bar_age_ms, 2 * kMin);

  policy.now_ms = last_close + 3600'000;
  QualityReport old;
  Result<BarSeries> out = CheckAndRepair(s, policy, &old);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(old.stale);
  EXPECT_NE(out.error().message.find("stale"), std::string::npos);
  policy.max_staleness_ms = 2 * 3600'000;
  EXPECT_TRUE(CheckAndRepair(s, policy).ok());
}

TEST(Quality, StaleRunsOfUnchangedCloseWithZeroVolume) {
  BarSeries s = Clean(1000);
  for (size_t i = 100; i < 140; ++i) {  // 40 flat bars after bar 99
    s.open[i] = s.high[i] = s.low[i] = s.close[i] = s.close[99];
    s.volume[i] = 0;
  }
  for (size_t i = 500; i < 510; ++i) {  // 10 flat bars: too short to count
    s.open[i] = s.high[i] = s.low[i] = s.close[i] = s.close[499];
    s.volume[i] = 0;
  }
  QualityReport r;
  ASSERT_TRUE(CheckAndRepair(s, QualityPolicy{}, &r).ok());  // 4% of bars < 10%
  EXPECT_EQ(r.stale_runs, 1u);
  EXPECT_EQ(r.stale_run_bars, 40u);
  EXPECT_EQ(r.longest_stale_run, 40u);

  BarSeries short_series = s.slice(0, 300);  // 40 of 300 = 13% > 10%
  QualityReport r2;
  ASSERT_FALSE(CheckAndRepair(short_series, QualityPolicy{}, &r2).ok());
  EXPECT_TRUE(Mentions(r2.refusals, "stale runs"));
}

TEST(Quality, MisalignedTimestampsAreReported) {
  BarSeries s = Clean(10);
  s.ts_ms[4] += 1;
  EXPECT_EQ(AnalyzeQuality(s, QualityPolicy{}).misaligned, 1u);
}

TEST(Quality, EmptyAndTooShortSeriesAreRefused) {
  BarSeries empty;
  QualityReport r;
  Result<BarSeries> out = CheckAndRepair(empty, QualityPolicy{}, &r);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Mentions(r.refusals, "fewer than the minimum"));
  QualityPolicy p;
  p.min_rows = 200;
  EXPECT_FALSE(CheckAndRepair(Clean(100), p).ok());
}

TEST(Quality, PolicyValidation) {
  EXPECT_TRUE(QualityPolicy{}.Validate().ok());
  QualityPolicy p;
  p.max_missing_fraction = 1.5;
  EXPECT_FALSE(p.Validate().ok());
  EXPECT_FALSE(CheckAndRepair(Clean(10), p).ok());
  p = QualityPolicy{};
  p.stale_run_min_bars = 1;
  EXPECT_FALSE(p.Validate().ok());
  p = QualityPolicy{};
  p.envelope_tolerance = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(p.Validate().ok());
}

TEST(Quality, TextReportListsRepairsAndRefusals) {
  BarSeries s = Clean(100);
  s.push_back(s.bar(3));
  QualityReport r;
  ASSERT_TRUE(CheckAndRepair(s, QualityPolicy{}, &r).ok());
  std::string text = r.ToText();
  EXPECT_NE(text.find("duplicates: 1 exact, 0 conflicting"), std::string::npos) << text;
  EXPECT_NE(text.find("repair: dropped 1 exact duplicates"), std::string::npos) << text;
}

// Values a damaged file can carry: the report must stay defined (this runs under UBSan too).
TEST(Quality, ExtremeTimestampsAndValuesStayDefined) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BarSeries s;
  s.timeframe = "1m";
  s.push_back(Bar{INT64_MAX, nan, nan, nan, nan, nan});
  s.push_back(Bar{INT64_MIN, 1, 1, 1, 1, -1});
  s.push_back(Bar{0, 1e308, 1e308, 1e-308, 1, 1e308});
  s.push_back(Bar{INT64_MAX, 1, 1, 1, 1, 1});
  QualityPolicy p;
  p.now_ms = INT64_MIN;
  QualityReport r;
  EXPECT_FALSE(CheckAndRepair(s, p, &r).ok());
  EXPECT_EQ(r.gaps, 2u);
  EXPECT_EQ(r.conflicting_duplicates, 1u);
  EXPECT_EQ(r.bad_prices, 1u);
  EXPECT_FALSE(r.ToText().empty());
  p.now_ms = INT64_MAX;
  p.timeframe_ms = 0;
  s.timeframe = "";
  EXPECT_FALSE(CheckAndRepair(s, p, &r).ok());
  EXPECT_FALSE(r.ToText().empty());
}

// The embedded sample passes the default rules untouched.
TEST(Quality, EmbeddedSamplePasses) {
  auto files = ::huracan::testing::ListFiles(::huracan::testing::SampleDir(), ".parquet");
  ASSERT_EQ(files.size(), 3u);
  for (const std::string& f : files) {
    Result<BarSeries> bars = LoadBars(f);
    ASSERT_TRUE(bars.ok()) << bars.error().message;
    QualityReport r;
    Result<BarSeries> out = CheckAndRepair(*bars, QualityPolicy{}, &r);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->size(), bars->size()) << f;
    EXPECT_EQ(r.timeframe_ms, 60'000) << f;
  }
}

}  // namespace
}  // namespace huracan::data
