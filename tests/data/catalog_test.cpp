#include "data/catalog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "data/csv.h"
#include "data/timestamps.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

using ::huracan::testing::MakeTempDir;
using ::huracan::testing::SampleDir;

TEST(Catalog, ParseMarketBothForms) {
  auto m = ParseMarket("BTC-USDT-PERP");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->base, "BTC");
  EXPECT_EQ(m->quote, "USDT");
  EXPECT_TRUE(m->perp);
  EXPECT_EQ(m->id(), "BTCUSDT-PERP");
  EXPECT_EQ(m->stem(), "BTC-USDT-PERP");
  EXPECT_EQ(ParseMarket("btcusdt-perp"), m);
  EXPECT_EQ(ParseMarket("ADA-USDT")->id(), "ADAUSDT");
  EXPECT_EQ(ParseMarket("ETHUSDC")->stem(), "ETH-USDC");
  EXPECT_EQ(ParseMarket("1000SATS-USDT")->base, "1000SATS");
  EXPECT_EQ(ParseMarket("BTCFDUSD")->quote, "FDUSD");  // longest known quote wins over USD
  EXPECT_EQ(ParseMarket("ETHBTC")->stem(), "ETH-BTC");
  EXPECT_FALSE(ParseMarket("USDT"));  // nothing left for the base
  EXPECT_FALSE(ParseMarket("FOO"));
  EXPECT_FALSE(ParseMarket("BTC--USDT"));
  EXPECT_FALSE(ParseMarket("BTC-USDT-X"));
  EXPECT_FALSE(ParseMarket("BTC/USDT"));
  EXPECT_FALSE(ParseMarket(""));
}

TEST(Catalog, ParseDataFileNames) {
  auto a = ParseDataFileName("/data/1m/BTC-USDT-PERP_1m_20250611_20251108.parquet");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->market.id(), "BTCUSDT-PERP");
  EXPECT_EQ(a->timeframe, "1m");
  EXPECT_EQ(a->format, "parquet");
  auto b = ParseDataFileName("ADA-USDT_1d_whatever.csv");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->market.id(), "ADAUSDT");
  EXPECT_EQ(b->timeframe, "1d");
  EXPECT_EQ(b->format, "csv");
  auto c = ParseDataFileName("ETH-USDC-PERP_1h.parquet");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->market.id(), "ETHUSDC-PERP");
  // Binance's dump names.
  auto d = ParseDataFileName("BTCUSDT-1m-2025-01.csv");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->market.stem(), "BTC-USDT");
  EXPECT_EQ(d->timeframe, "1m");
  auto e = ParseDataFileName("SOLUSDT-5m-2025-01-02.csv");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->market.id(), "SOLUSDT");
  EXPECT_EQ(e->timeframe, "5m");
  for (const char* bad : {"README.md", "BTC-USDT_xx_1.parquet", "foo.parquet", "BTC-USDT_1m_x.json",
                          "BTCUSDT-1M-2025-01.csv", "BTCUSDT-1m-25-01.csv", "_1m_.parquet"}) {
    EXPECT_FALSE(ParseDataFileName(bad)) << bad;
  }
  EXPECT_EQ(NormalisedFileName(*ParseMarket("BTC-USDT-PERP"), "1m", 1'749'640'620'000, 1'762'646'340'000),
            "BTC-USDT-PERP_1m_20250611_20251108.parquet");
}

TEST(Catalog, ScanTheSample) {
  auto entries = ScanDataDir(SampleDir());
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].symbol(), "BTCUSDT-PERP");
  EXPECT_EQ((*entries)[1].symbol(), "DOGEUSDT");
  EXPECT_EQ((*entries)[2].symbol(), "SOLUSDT");
  for (const auto& e : *entries) EXPECT_EQ(e.name.timeframe, "1m");
  EXPECT_TRUE(ScanDataDir(SampleDir(), "1h")->empty());
  auto missing = ScanDataDir("/nonexistent/folder");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("/nonexistent/folder"), std::string::npos);
}

TEST(Catalog, LoadBarsDispatchesOnExtension) {
  std::string dir = MakeTempDir("catalog");
  std::string csv = dir + "/ETH-USDT_1h_x.csv";
  std::ofstream(csv) << "timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n";
  auto bars = LoadBars(csv);
  ASSERT_TRUE(bars.ok()) << bars.error().message;
  EXPECT_EQ(bars->symbol, "ETHUSDT");
  EXPECT_EQ(bars->timeframe, "1h");
  EXPECT_EQ(bars->size(), 1u);

  std::string txt = dir + "/notes.txt";
  std::ofstream(txt) << "hello";
  auto unknown = LoadBars(txt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find(txt), std::string::npos);
  EXPECT_NE(unknown.error().message.find("expected .parquet or .csv"), std::string::npos);
  auto missing = LoadBars(dir + "/nope.parquet");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.parquet"), std::string::npos);
  auto folder = LoadBars(dir);
  ASSERT_FALSE(folder.ok());

  auto sample = LoadBars(SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet");
  ASSERT_TRUE(sample.ok()) << sample.error().message;
  EXPECT_EQ(sample->symbol, "SOLUSDT");
  EXPECT_EQ(sample->timeframe, "1m");
  EXPECT_EQ(sample->size(), 28u * 1440u);
}

TEST(Catalog, MedianDailyQuoteVolume) {
  BarSeries s;
  const int64_t day0 = UtcDay(1'735'689'600'000);
  // 5 days; quote volume per day = 100 * (d + 1), two bars each; day index 2 left empty.
  for (int64_t d = 0; d < 5; ++d) {
    if (d == 2) continue;
    for (int64_t k = 0; k < 2; ++k)
      s.push_back(Bar{(day0 + d) * 86'400'000 + k * 60'000, 10, 10, 10, 10, 5.0 * (d + 1)});
  }
  // Window of the 5 days: {100, 200, 0, 400, 500} -> median 200.
  EXPECT_DOUBLE_EQ(MedianDailyQuoteVolume(s, day0 + 4, 5), 200.0);
  // Window of the last 4 days: {200, 0, 400, 500} -> (200 + 400) / 2.
  EXPECT_DOUBLE_EQ(MedianDailyQuoteVolume(s, day0 + 4, 4), 300.0);
  // A window after the data: all zero.
  EXPECT_DOUBLE_EQ(MedianDailyQuoteVolume(s, day0 + 100, 30), 0.0);
}

// Three CSV symbols with known liquidity: C > A > B.
std::vector<CatalogEntry> CraftedCatalog() {
  std::string dir = MakeTempDir("select");
  auto write = [&](const std::string& name, double volume) {
    std::ofstream out(dir + "/" + name);
    out << "timestamp,open,high,low,close,volume\n";
    for (int d = 0; d < 40; ++d) out << 1'735'689'600'000 + d * 86'400'000LL << ",2,2,2,2," << volume << "\n";
  };
  write("AAA-USDT_1d_x.csv", 50);
  write("BBB-USDT_1d_x.csv", 10);
  write("CCC-USDT-PERP_1d_x.csv", 90);
  write("CCC-USDT-PERP_1h_x.csv", 1);  // other timeframe: ignored
  auto entries = ScanDataDir(dir);
  EXPECT_TRUE(entries.ok());
  return entries.ok() ? *entries : std::vector<CatalogEntry>{};
}

TEST(Catalog, SelectSymbolsAllTopAndList) {
  auto entries = CraftedCatalog();
  ASSERT_EQ(entries.size(), 4u);
  auto all = SelectSymbols(entries, "all", "1d");
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(*all, (std::vector<std::string>{"AAAUSDT", "BBBUSDT", "CCCUSDT-PERP"}));
  auto top2 = SelectSymbols(entries, "top2", "1d");
  ASSERT_TRUE(top2.ok()) << top2.error().message;
  EXPECT_EQ(*top2, (std::vector<std::string>{"CCCUSDT-PERP", "AAAUSDT"}));
  EXPECT_EQ(SelectSymbols(entries, "top10", "1d")->size(), 3u);
  auto list = SelectSymbols(entries, "BBBUSDT, CCC-USDT-PERP,BBBUSDT", "1d");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(*list, (std::vector<std::string>{"BBBUSDT", "CCCUSDT-PERP"}));

  auto unknown = SelectSymbols(entries, "AAAUSDT,ZZZUSDT", "1d");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("ZZZUSDT"), std::string::npos);
  EXPECT_FALSE(SelectSymbols(entries, "CCCUSDT", "1d").ok());  // the spot id is not the perp
  for (const char* bad : {"top0", "topx", "top-1", "AAAUSDT,,BBBUSDT"}) {
    EXPECT_FALSE(SelectSymbols(entries, bad, "1d").ok()) << bad;
  }
  EXPECT_FALSE(SelectSymbols(entries, "all", "1m").ok());  // no 1m files
}

// topN on the real 1m files (or the sample when ../shared is absent): the N most liquid, in order.
TEST(Catalog, TopNOnRealFiles) {
  std::string dir = ::huracan::testing::SharedCandlesDir("1m").value_or(SampleDir());
#ifdef HURACAN_SANITIZE_BUILD
  dir = SampleDir();  // loading every real file is slow under the sanitizers
#endif
  auto entries = ScanDataDir(dir, "1m");
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_GE(entries->size(), 3u);
  auto every = SelectSymbols(*entries, "top" + std::to_string(entries->size()));
  ASSERT_TRUE(every.ok()) << every.error().message;
  ASSERT_EQ(every->size(), entries->size());
  auto top3 = SelectSymbols(*entries, "top3");
  ASSERT_TRUE(top3.ok());
  EXPECT_EQ(*top3, std::vector<std::string>(every->begin(), every->begin() + 3));
  // Recompute the liquidity independently of the ranking and check it is non-increasing.
  int64_t end_day = INT64_MIN;
  std::map<std::string, BarSeries> loaded;
  for (const auto& e : *entries) {
    auto b = LoadBars(e.path);
    ASSERT_TRUE(b.ok()) << b.error().message;
    end_day = std::max(end_day, UtcDay(b->ts_ms.back()));
    loaded[e.symbol()] = std::move(*b);
  }
  double prev = INFINITY;
  for (const std::string& id : *every) {
    double liq = MedianDailyQuoteVolume(loaded.at(id), end_day, 30);
    EXPECT_LE(liq, prev) << id;
    prev = liq;
  }
  // BTC's perpetual is by far the most traded market in both data sets.
  EXPECT_EQ((*every)[0], "BTCUSDT-PERP");
}

}  // namespace
}  // namespace huracan::data
