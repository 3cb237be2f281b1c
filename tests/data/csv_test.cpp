#include "data/csv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "data/catalog.h"
#include "data/parquet.h"
#include "data/timestamps.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

using ::huracan::testing::SourceDir;

constexpr const char* kBinanceHeader =
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,"
    "ignore\n";

TEST(Timestamps, UnitDetectedByMagnitude) {
  EXPECT_EQ(DetectEpochUnit(1'735'689'600), EpochUnit::kSeconds);
  EXPECT_EQ(DetectEpochUnit(1'735'689'600'000), EpochUnit::kMillis);
  EXPECT_EQ(DetectEpochUnit(1'735'689'600'000'000), EpochUnit::kMicros);
  EXPECT_EQ(DetectEpochUnit(1'735'689'600'000'000'000), EpochUnit::kNanos);
  EXPECT_EQ(DetectEpochUnit(1'500'000'000'000), EpochUnit::kMillis);  // 2017: Binance's first klines
  EXPECT_FALSE(DetectEpochUnit(0));
  EXPECT_FALSE(DetectEpochUnit(-5));
  EXPECT_FALSE(DetectEpochUnit(123'456));
  EXPECT_FALSE(DetectEpochUnit(50'000'000'000));  // between the seconds and ms windows
  EXPECT_EQ(ToEpochMs(1'735'689'600'123'456, EpochUnit::kMicros), 1'735'689'600'123);
  EXPECT_EQ(ToEpochMs(1'735'689'600, EpochUnit::kSeconds), 1'735'689'600'000);
}

TEST(Timestamps, IsoFormatAndParse) {
  EXPECT_EQ(FormatIsoUtc(1'735'689'600'000), "2025-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1'760'183'880'250), "2025-10-11T11:58:00.250Z");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatYmd(1'760'183'880'000), "20251011");
  EXPECT_EQ(ParseIsoUtc("2025-01-01T00:00:00Z"), 1'735'689'600'000);
  EXPECT_EQ(ParseIsoUtc("2025-01-01 00:01"), 1'735'689'660'000);
  EXPECT_EQ(ParseIsoUtc("2025-01-01T00:00:00.5+00:00"), 1'735'689'600'500);
  EXPECT_EQ(ParseIsoUtc("2025-01-01"), 1'735'689'600'000);
  EXPECT_FALSE(ParseIsoUtc("2025-02-30"));
  EXPECT_FALSE(ParseIsoUtc("2025-01-01T00:00:00+02:00"));  // only UTC
  EXPECT_FALSE(ParseIsoUtc("1735689600000"));
  EXPECT_EQ(TimeframeName(60'000), "1m");
  EXPECT_EQ(TimeframeName(300'000), "5m");
  EXPECT_EQ(TimeframeName(3'600'000), "1h");
  EXPECT_EQ(TimeframeName(86'400'000), "1d");
  EXPECT_EQ(TimeframeName(1'500), "1500ms");
  EXPECT_EQ(MedianStepMs({0, 60'000, 120'000, 600'000, 660'000}), 60'000);
}

TEST(Csv, BinanceWithoutHeaderInMs) {
  std::string text =
      "1735689600000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999,768978.6,1852,3.8,355593.5,0\n"
      "1735689660000,93610.93,93652.00,93606.15,93650.00,12.5,1735689719999,1170000.1,2000,6.1,571000.2,0\n";
  CsvInfo info;
  Result<BarSeries> bars = ParseCsvBars(text, "k.csv", &info);
  ASSERT_TRUE(bars.ok()) << bars.error().message;
  EXPECT_FALSE(info.has_header);
  EXPECT_EQ(info.layout, CsvLayout::kBinance);
  EXPECT_EQ(info.unit, EpochUnit::kMillis);
  ASSERT_EQ(bars->size(), 2u);
  EXPECT_EQ(bars->ts_ms[0], 1'735'689'600'000);
  EXPECT_EQ(bars->ts_ms[1], 1'735'689'660'000);
  EXPECT_EQ(bars->open[0], 93576.00);
  EXPECT_EQ(bars->high[0], 93610.93);
  EXPECT_EQ(bars->low[0], 93537.50);
  EXPECT_EQ(bars->close[1], 93650.00);
  EXPECT_EQ(bars->volume[0], 8.21827);
}

TEST(Csv, BinanceWithHeaderInMicroseconds) {
  std::string text = std::string(kBinanceHeader) +
                     "1735689600000000,3.36,3.37,3.35,3.365,1000.5,1735689659999999,3366.1,12,500,1683,0\r\n"
                     "1735689660000000,3.365,3.38,3.36,3.37,200,1735689719999999,673.9,7,100,337,0\r\n";
  CsvInfo info;
  Result<BarSeries> bars = ParseCsvBars(text, "k.csv", &info);
  ASSERT_TRUE(bars.ok()) << bars.error().message;
  EXPECT_TRUE(info.has_header);
  EXPECT_EQ(info.layout, CsvLayout::kBinance);
  EXPECT_EQ(info.unit, EpochUnit::kMicros);
  ASSERT_EQ(bars->size(), 2u);
  EXPECT_EQ(bars->ts_ms[0], 1'735'689'600'000);
  EXPECT_EQ(bars->ts_ms[1], 1'735'689'660'000);
  EXPECT_EQ(bars->close[0], 3.365);
  EXPECT_EQ(bars->volume[1], 200.0);
}

TEST(Csv, SameRowsInMsAndMicrosecondsGiveTheSameBars) {
  std::string ms = "1735689600000,1.5,2,1,1.75,10,1735689659999,17,3,5,8,0\n";
  std::string us = "1735689600000000,1.5,2,1,1.75,10,1735689659999999,17,3,5,8,0\n";
  auto a = ParseCsvBars(ms, "ms.csv"), b = ParseCsvBars(us, "us.csv");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->ts_ms, b->ts_ms);
  EXPECT_EQ(a->close, b->close);
}

TEST(Csv, GenericHeaderAnyOrderExtraColumnsSecondsBomQuotes) {
  std::string text =
      "\xEF\xBB\xBF"
      "Symbol,Volume,Close,Low,High,Open,Timestamp\n"
      "\"X\",5,\"10.5\",10,11,10.25,1735689600\n"
      "X,6,10.75,10.5,10.75,10.5,1735689660\n";
  CsvInfo info;
  Result<BarSeries> bars = ParseCsvBars(text, "g.csv", &info);
  ASSERT_TRUE(bars.ok()) << bars.error().message;
  EXPECT_EQ(info.layout, CsvLayout::kGeneric);
  EXPECT_EQ(info.unit, EpochUnit::kSeconds);
  ASSERT_EQ(bars->size(), 2u);
  EXPECT_EQ(bars->ts_ms[0], 1'735'689'600'000);
  EXPECT_EQ(bars->open[0], 10.25);
  EXPECT_EQ(bars->high[0], 11.0);
  EXPECT_EQ(bars->low[0], 10.0);
  EXPECT_EQ(bars->close[0], 10.5);
  EXPECT_EQ(bars->volume[1], 6.0);
}

TEST(Csv, GenericOpenTimeInNanosecondsAndIsoTimestamps) {
  auto ns = ParseCsvBars("open_time,open,high,low,close,volume\n1735689600000000000,1,2,0.5,1.5,3\n", "n.csv");
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  EXPECT_EQ(ns->ts_ms[0], 1'735'689'600'000);
  CsvInfo info;
  auto iso = ParseCsvBars("timestamp,open,high,low,close,volume\n2025-01-01T00:01:00Z,1,2,0.5,1.5,3\n", "i.csv", &info);
  ASSERT_TRUE(iso.ok()) << iso.error().message;
  EXPECT_TRUE(info.iso_timestamps);
  EXPECT_EQ(iso->ts_ms[0], 1'735'689'660'000);
}

TEST(Csv, OwnExportFormatReadsBack) {
  BarSeries s;
  s.push_back(Bar{1'735'689'600'000, 0.1, 0.30000000000000004, 1e-7, 123456.789, 5e-324});
  s.push_back(Bar{1'735'689'660'000, 1e21, 2.5e21, 1e20, 1.7976931348623157e308, 0});
  std::string csv = BarsToCsv(s);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "timestamp_ms,open,high,low,close,volume");
  auto back = ParseCsvBars(csv, "export.csv");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->ts_ms, s.ts_ms);
  EXPECT_EQ(back->open, s.open);
  EXPECT_EQ(back->high, s.high);
  EXPECT_EQ(back->low, s.low);
  EXPECT_EQ(back->close, s.close);
  EXPECT_EQ(back->volume, s.volume);
}

// Malformed rows: the error names the file and the line.
struct BadCase {
  const char* text;
  const char* want_location;
  const char* want_reason;
};

TEST(Csv, MalformedRowsNameFileAndLine) {
  const BadCase cases[] = {
      {"1735689600000,1,2,0.5,1.5,3,1735689659999,4,5,6,7,0\n1735689660000,1,2,0.5,1.5,3,1735689719999,4,5,6,7\n",
       "bad.csv:2:", "expected 12 fields, found 11"},
      {"timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n\n1735689660000,1,abc,0.5,1.5,3\n",
       "bad.csv:4:", "column 'high': 'abc' is not a number"},
      {"timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,\n", "bad.csv:2:", "column 'volume'"},
      {"timestamp,open,high,low,close,volume\n12345,1,2,0.5,1.5,3\n", "bad.csv:2:", "not an epoch time"},
      {"timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n1735689660000000,1,2,0.5,1.5,3\n",
       "bad.csv:3:", "mixed units"},
      {"timestamp,open,high,low,close,volume\nyesterday,1,2,0.5,1.5,3\n", "bad.csv:2:", "neither an integer"},
      {"timestamp,open,high,low,close\n1735689600000,1,2,0.5,1.5\n", "bad.csv:1:", "no 'volume' column"},
      {"time,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n", "bad.csv:1:", "no timestamp column"},
      {"1735689600000,1,2,0.5,1.5,3\n", "bad.csv:1:", "no header and 6 fields"},
      {"", "bad.csv", "empty CSV file"},
      {"\n  \n", "bad.csv", "empty CSV file"},
      {"timestamp,open,high,low,close,volume\n", "bad.csv", "no data rows"},
  };
  for (const BadCase& c : cases) {
    Result<BarSeries> r = ParseCsvBars(c.text, "bad.csv");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.error().message.find(c.want_location), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.want_reason), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
  }
}

TEST(Csv, MissingFileNamesThePath) {
  Result<BarSeries> r = ReadCsvBars("/nonexistent/dir/x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/dir/x.csv"), std::string::npos);
}

// The fixture is a real Binance-layout dump (µs timestamps, no header) made from the embedded sample
// by tests/js/make_binance_fixture.mjs: it must read back to the sample's bars exactly.
TEST(Csv, BinanceFixtureMatchesTheSampleItCameFrom) {
  const std::string fixture = SourceDir() + "/tests/data/fixtures/SOLUSDT-1m-2025-10-12.csv";
  CsvInfo info;
  Result<BarSeries> csv = ReadCsvBars(fixture, &info);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  EXPECT_EQ(info.unit, EpochUnit::kMicros);
  EXPECT_FALSE(info.has_header);
  ASSERT_GT(csv->size(), 10u);
  Result<BarSeries> loaded = LoadBars(fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->symbol, "SOLUSDT");
  EXPECT_EQ(loaded->timeframe, "1m");

  Result<BarSeries> sample = ReadParquetBars(SourceDir() + "/data/sample/SOL-USDT_1m_20251011_20251108.parquet");
  ASSERT_TRUE(sample.ok()) << sample.error().message;
  auto it = std::find(sample->ts_ms.begin(), sample->ts_ms.end(), csv->ts_ms[0]);
  ASSERT_NE(it, sample->ts_ms.end());
  size_t off = static_cast<size_t>(it - sample->ts_ms.begin());
  ASSERT_LE(off + csv->size(), sample->size());
  for (size_t i = 0; i < csv->size(); ++i) {
    EXPECT_EQ(csv->ts_ms[i], sample->ts_ms[off + i]);
    EXPECT_EQ(csv->open[i], sample->open[off + i]);
    EXPECT_EQ(csv->high[i], sample->high[off + i]);
    EXPECT_EQ(csv->low[i], sample->low[off + i]);
    EXPECT_EQ(csv->close[i], sample->close[off + i]);
    EXPECT_EQ(csv->volume[i], sample->volume[off + i]);
  }
}

}  // namespace
}  // namespace huracan::data
