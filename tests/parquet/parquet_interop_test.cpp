// Files from other writers (hyparquet-writer: data page v2 + dictionaries; @dsnp/parquetjs:
// data page v1/v2, GZIP/SNAPPY/none), checked against hyparquet; and the refusals.
#include <gtest/gtest.h>

#include <cmath>

#include "data/parquet.h"
#include "parquet/parquet_test_util.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

using huracan::testing::ListFiles;

class ParquetInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!huracan::testing::NodeToolsAvailable()) return;
    dir_ = huracan::testing::MakeTempDir("parquet-fixtures");
    auto r = huracan::testing::RunCommand(
        "node " + huracan::testing::ShellQuote(huracan::testing::JsDir() + "/parquet_fixtures.mjs") + " " +
        huracan::testing::ShellQuote(dir_));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override { HURACAN_REQUIRE_NODE(); }
  static std::string F(const std::string& name) { return dir_ + "/" + name; }
  static std::string dir_;
};
std::string ParquetInterop::dir_;

TEST_F(ParquetInterop, EveryReadableFixtureMatchesHyparquet) {
  std::vector<std::string> files;
  for (const auto& f : ListFiles(dir_, ".parquet")) {
    if (f.find("/refuse_") == std::string::npos) files.push_back(f);
  }
  ASSERT_GE(files.size(), 13u);
  auto refs = testing::HyparquetDigests(files);
  for (const auto& f : files) {
    auto t = ReadParquet(f);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    testing::ExpectMatchesHyparquet(*t, refs[f], f);
  }
}

TEST_F(ParquetInterop, TimestampUnitsAreReportedAndConvertedToMs) {
  const std::pair<const char*, TimeUnit> cases[] = {{"BTC-USDT_1m_ts_millis.parquet", TimeUnit::kMillis},
                                                    {"BTC-USDT_1m_ts_micros.parquet", TimeUnit::kMicros},
                                                    {"BTC-USDT_1m_ts_nanos.parquet", TimeUnit::kNanos}};
  std::vector<BarSeries> all;
  for (const auto& [name, unit] : cases) {
    auto t = ReadParquet(F(name));
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    EXPECT_EQ(t->find("timestamp")->time_unit, unit) << name;
    auto bars = ReadParquetBars(F(name));
    ASSERT_TRUE(bars.ok()) << bars.error().ToString();
    EXPECT_EQ(bars->symbol, "BTCUSDT");
    EXPECT_EQ(bars->timeframe, "1m");
    EXPECT_EQ(bars->ts_ms.front(), 1735689600000) << name;
    EXPECT_EQ(bars->ts_ms[1] - bars->ts_ms[0], 60000) << name;
    all.push_back(std::move(bars).value());
  }
  EXPECT_EQ(all[0].ts_ms, all[1].ts_ms);
  EXPECT_EQ(all[0].ts_ms, all[2].ts_ms);
  EXPECT_EQ(all[0].close, all[2].close);
}

TEST_F(ParquetInterop, NullsBecomeMaskedSlots) {
  auto t = ReadParquet(F("hyp_nulls.parquet"));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const ParquetColumn* f64 = t->find("f64");
  ASSERT_NE(f64, nullptr);
  ASSERT_EQ(f64->valid.size(), 5000u);
  EXPECT_EQ(f64->valid[1], 0);
  EXPECT_TRUE(std::isnan(f64->f64[1]));
  EXPECT_EQ(f64->valid[0], 1);
  const ParquetColumn* all_null = t->find("all_null");
  ASSERT_NE(all_null, nullptr);
  EXPECT_EQ(testing::NullCount(*all_null), 5000u);
  const ParquetColumn* str = t->find("str");
  EXPECT_EQ(str->str[0], "alpha");
  EXPECT_EQ(str->valid[1], 0);
  // A v1 nullable column (parquetjs): every 4th row starting at 2 is missing.
  auto pj = ReadParquet(F("pj_v1_gzip.parquet"));
  ASSERT_TRUE(pj.ok()) << pj.error().ToString();
  const ParquetColumn* maybe = pj->find("maybe");
  ASSERT_EQ(maybe->valid.size(), 3000u);
  for (size_t i = 0; i < 3000; ++i) ASSERT_EQ(maybe->valid[i], i % 4 == 2 ? 0 : 1) << i;
}

TEST_F(ParquetInterop, DictionaryValues) {
  auto t = ReadParquet(F("hyp_dictionary.parquet"));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  const ParquetColumn* level = t->find("level");
  for (size_t i = 0; i < 5000; ++i) ASSERT_EQ(level->i64[i], static_cast<int64_t>(i % 17));
  const ParquetColumn* venue = t->find("venue");
  EXPECT_EQ(venue->str[4], "okx");
  EXPECT_EQ(t->find("price")->f64[3], 100.75);
}

TEST_F(ParquetInterop, UnknownCodecIsRefusedNamingFileAndColumn) {
  auto t = ReadParquet(F("refuse_brotli.parquet"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kUnimplemented);
  EXPECT_NE(t.error().message.find(F("refuse_brotli.parquet")), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("column 'x'"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("BROTLI"), std::string::npos) << t.error().message;
}

TEST_F(ParquetInterop, NestedColumnsAreRefusedButFlatOnesStillRead) {
  auto t = ReadParquet(F("refuse_nested.parquet"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kUnimplemented);
  EXPECT_NE(t.error().message.find(F("refuse_nested.parquet")), std::string::npos);
  EXPECT_NE(t.error().message.find("fills"), std::string::npos) << t.error().message;
  ParquetReadOptions opts;
  opts.columns = {"fills"};
  auto by_name = ReadParquet(F("refuse_nested.parquet"), opts);
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.error().code, ErrorCode::kUnimplemented);
  opts.columns = {"id"};
  auto id = ReadParquet(F("refuse_nested.parquet"), opts);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(id->find("id")->i64[9], 9);
}

TEST_F(ParquetInterop, MissingOhlcvColumnIsRefused) {
  auto bars = ReadParquetBars(F("refuse_missing_close.parquet"));
  ASSERT_FALSE(bars.ok());
  EXPECT_EQ(bars.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bars.error().message.find(F("refuse_missing_close.parquet")), std::string::npos);
  EXPECT_NE(bars.error().message.find("'close'"), std::string::npos) << bars.error().message;
  auto no_time = ReadParquetBars(F("hyp_dictionary.parquet"));
  ASSERT_FALSE(no_time.ok());
  EXPECT_NE(no_time.error().message.find("'timestamp'"), std::string::npos) << no_time.error().message;
}

TEST_F(ParquetInterop, CliRefusalsExitWithCode2) {
  ASSERT_EQ(huracan::testing::RunHuracan("data export --help").exit_code, 0);
  for (const char* name : {"refuse_brotli.parquet", "refuse_nested.parquet", "refuse_missing_close.parquet"}) {
    auto r = huracan::testing::RunHuracan("data export " + huracan::testing::ShellQuote(F(name)) + " --format csv");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line on stderr: " << r.err;
  }
  // Candle files whose `close` is BROTLI-compressed or nested: refused naming the file and column.
  for (const char* name : {"refuse_candles_brotli.parquet", "refuse_candles_nested.parquet"}) {
    auto r = huracan::testing::RunHuracan("data export " + huracan::testing::ShellQuote(F(name)) + " --format csv");
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("close"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("'timestamp'"), std::string::npos) << "refused for the wrong reason: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line on stderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << "nothing on stdout: " << r.out;
  }
}

}  // namespace
}  // namespace huracan::data
