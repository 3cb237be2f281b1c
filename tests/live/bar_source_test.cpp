#include "live/bar_source.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/time_units.h"
#include "data/catalog.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

constexpr int64_t kT0 = 1'760'140'800'000;  // 2025-10-11T00:00:00Z

std::vector<BarEvent> Drain(BarSource& source) {
  std::vector<BarEvent> out;
  while (true) {
    auto e = source.Next();
    EXPECT_TRUE(e.ok()) << e.error().message;
    if (!e.ok() || !e->has_value()) return out;
    out.push_back(**e);
  }
}

// A generic OHLCV CSV with bars at the given minute offsets from kT0, close = 100 + offset.
std::string WriteCsv(const std::string& dir, const std::string& name, const std::vector<int>& minutes) {
  std::string path = dir + "/" + name;
  std::ofstream out(path);
  out << "timestamp,open,high,low,close,volume\n";
  for (int m : minutes) {
    double c = 100 + m;
    out << kT0 + m * kMsPerMinute << "," << c << "," << c << "," << c << "," << c << ",1\n";
  }
  return path;
}

TEST(ReplaySource, ParsesSpeedAndBounds) {
  EXPECT_EQ(*ParseReplaySpeed("max"), 0.0);
  EXPECT_EQ(*ParseReplaySpeed("60"), 60.0);
  EXPECT_EQ(*ParseReplaySpeed("0.5"), 0.5);
  for (const char* bad : {"0", "-1", "fast", "", "1x", "nan"}) {
    auto r = ParseReplaySpeed(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("--speed"), std::string::npos);
  }
  EXPECT_EQ(*ParseReplayBound("2025-10-11", "--from"), kT0);
  EXPECT_EQ(*ParseReplayBound("2025-10-11T00:05Z", "--to"), kT0 + 5 * kMsPerMinute);
  auto bad = ParseReplayBound("yesterday", "--to");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("--to 'yesterday'"), std::string::npos);
}

TEST(ReplaySource, MergesTheEmbeddedSampleByTimeWithTiesBySymbolOrder) {
  SimulatedClock clock(0);
  ReplayOptions opts;
  opts.from_ms = kT0 + kMsPerDay + 60 * kMsPerMinute;
  opts.to_ms = kT0 + kMsPerDay + 70 * kMsPerMinute;
  auto src = ReplaySource::FromDataDir(testing::SampleDir(), "all", "1m", opts, clock);
  ASSERT_TRUE(src.ok()) << src.error().message;
  std::vector<BarEvent> events = Drain(**src);
  ASSERT_EQ(events.size(), 30u);  // 3 symbols x 10 bars
  const std::vector<std::string> order = {"BTCUSDT-PERP", "DOGEUSDT", "SOLUSDT"};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].bar.ts_ms, kT0 + kMsPerDay + static_cast<int64_t>(60 + i / 3) * kMsPerMinute) << i;
    EXPECT_EQ(events[i].symbol, order[i % 3]) << i;
  }
  EXPECT_EQ(clock.NowMs(), 0);  // max speed: no waiting
  // The values are the file's.
  auto btc = data::LoadBars(testing::SampleDir() + "/BTC-USDT-PERP_1m_20251011_20251108.parquet");
  ASSERT_TRUE(btc.ok());
  size_t i = 0;
  while (btc->ts_ms[i] != events[0].bar.ts_ms) ++i;
  EXPECT_EQ(events[0].bar.close, btc->close[i]);
  EXPECT_EQ(events[0].bar.volume, btc->volume[i]);
}

TEST(ReplaySource, SpeedReleasesEachBarAtItsScaledTimeOnTheClock) {
  const std::string dir = testing::MakeTempDir("replay");
  const std::string a = WriteCsv(dir, "AAA-USDT_1m_x.csv", {0, 1, 3, 4});
  const std::string b = WriteCsv(dir, "BBB-USDT_1m_x.csv", {1, 2, 3});
  SimulatedClock clock(5'000'000);
  ReplayOptions opts;
  opts.speed = 60;  // one minute of bars per second
  auto src = ReplaySource::FromFiles({b, a}, opts, clock);
  ASSERT_TRUE(src.ok()) << src.error().message;
  EXPECT_EQ((*src)->remaining(), 7u);
  struct Want {
    const char* symbol;
    int minute;
  };
  const Want want[] = {{"AAAUSDT", 0}, {"BBBUSDT", 1}, {"AAAUSDT", 1}, {"BBBUSDT", 2},
                       {"BBBUSDT", 3}, {"AAAUSDT", 3}, {"AAAUSDT", 4}};
  for (const Want& w : want) {
    auto e = (*src)->Next();
    ASSERT_TRUE(e.ok() && e->has_value());
    EXPECT_EQ((*e)->symbol, w.symbol);
    EXPECT_EQ((*e)->bar.ts_ms, kT0 + w.minute * kMsPerMinute);
    EXPECT_EQ((*e)->bar.close, 100 + w.minute);
    // Released at start + (t - t0) / 60 = start + minute seconds.
    EXPECT_EQ(clock.NowMs(), 5'000'000 + w.minute * kMsPerSecond);
  }
  auto end = (*src)->Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ((*src)->remaining(), 0u);
}

TEST(ReplaySource, BoundsAreHalfOpenAndFileOrderIsKept) {
  const std::string dir = testing::MakeTempDir("replay");
  // Out of order in the file: replayed as is (BarGuard judges it).
  const std::string a = WriteCsv(dir, "AAA-USDT_1m_x.csv", {0, 1, 2, 5, 3, 6});
  SimulatedClock clock(0);
  ReplayOptions opts;
  opts.from_ms = kT0 + kMsPerMinute;
  opts.to_ms = kT0 + 6 * kMsPerMinute;
  auto src = ReplaySource::FromFiles({a}, opts, clock);
  ASSERT_TRUE(src.ok());
  std::vector<int64_t> minutes;
  for (const BarEvent& e : Drain(**src)) minutes.push_back((e.bar.ts_ms - kT0) / kMsPerMinute);
  EXPECT_EQ(minutes, (std::vector<int64_t>{1, 2, 5, 3}));
}

TEST(ReplaySource, RefusesBadInputsNamingThem) {
  const std::string dir = testing::MakeTempDir("replay");
  const std::string unnamed = WriteCsv(dir, "candles.csv", {0});
  SimulatedClock clock(0);
  auto r = ReplaySource::FromFiles({unnamed}, {}, clock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(unnamed + ": cannot tell the symbol"), std::string::npos) << r.error().message;

  ReplayOptions backwards;
  backwards.from_ms = kT0 + kMsPerMinute;
  backwards.to_ms = kT0;
  EXPECT_FALSE(ReplaySource::FromFiles({}, backwards, clock).ok());

  auto unknown = ReplaySource::FromDataDir(testing::SampleDir(), "NOPEUSDT", "1m", {}, clock);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("NOPEUSDT"), std::string::npos) << unknown.error().message;
}

}  // namespace
}  // namespace huracan::live
