// `huracan data export|inspect|import` as a user runs them: the real binary, real files.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/catalog.h"
#include "data/csv.h"
#include "data/parquet.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

using ::huracan::testing::CommandResult;
using ::huracan::testing::JsDir;
using ::huracan::testing::MakeTempDir;
using ::huracan::testing::RunCommand;
using ::huracan::testing::RunHuracan;
using ::huracan::testing::SampleDir;
using ::huracan::testing::ShellQuote;
using ::huracan::testing::SourceDir;
namespace fs = std::filesystem;

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string D(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Our export and hyparquet's, string-exact.
void ExpectExportMatchesHyparquet(const std::string& file) {
  CommandResult ours = RunHuracan("data export " + ShellQuote(file) + " --format csv");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_TRUE(ours.err.empty()) << ours.err;
  CommandResult oracle = RunCommand("node " + ShellQuote(JsDir() + "/export_csv.mjs") + " " + ShellQuote(file));
  ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
  EXPECT_EQ(ours.out.substr(0, ours.out.find('\n')), "timestamp_ms,open,high,low,close,volume");
  ASSERT_EQ(Lines(ours.out), Lines(oracle.out)) << file;
  EXPECT_TRUE(ours.out == oracle.out) << file << ": export differs from hyparquet's values";
  if (ours.out != oracle.out) {
    size_t at = std::mismatch(ours.out.begin(), ours.out.end(), oracle.out.begin()).first - ours.out.begin();
    ADD_FAILURE() << "first difference near: ours '" << ours.out.substr(at > 40 ? at - 40 : 0, 80) << "' hyparquet '"
                  << oracle.out.substr(at > 40 ? at - 40 : 0, 80) << "'";
  }
}

TEST(CliExport, SampleMatchesHyparquetBitExact) {
  HURACAN_REQUIRE_NODE();
  for (const std::string& f : ::huracan::testing::ListFiles(SampleDir(), ".parquet")) ExpectExportMatchesHyparquet(f);
}

TEST(CliExport, RealFilesMatchHyparquetBitExact) {
  HURACAN_REQUIRE_NODE();
  HURACAN_REQUIRE_SHARED(dir_1m, "1m");
  ExpectExportMatchesHyparquet(dir_1m + "/BTC-USDT-PERP_1m_20250611_20251108.parquet");
#ifndef HURACAN_SANITIZE_BUILD
  auto daily = ::huracan::testing::SharedCandlesDir("1d");
  if (daily) ExpectExportMatchesHyparquet(*daily + "/BTC-USDT_1d_20221112_20251111.parquet");
  auto hourly = ::huracan::testing::SharedCandlesDir("1h");
  if (hourly) ExpectExportMatchesHyparquet(*hourly + "/SOL-USDT_1h_20250814_20251112.parquet");
#endif
}

// Every failure: exit 2 and exactly one stderr line naming the file.
void ExpectOneLineError(const CommandResult& r, const std::string& file, const std::string& reason = "") {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out.substr(0, 200);
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  if (!reason.empty()) {
    EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  }
}

TEST(CliExport, MissingCorruptAndMalformedFilesExitTwoWithOneLine) {
  std::string dir = MakeTempDir("export-bad");
  ExpectOneLineError(RunHuracan("data export " + ShellQuote(dir + "/missing.parquet") + " --format csv"),
                     dir + "/missing.parquet", "no such file");

  std::string junk = dir + "/JUNK-USDT_1m_x.parquet";
  WriteText(junk, std::string(5000, 'x'));
  ExpectOneLineError(RunHuracan("data export " + ShellQuote(junk) + " --format csv"), junk);

  // A real file cut in half.
  std::string real = SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet";
  std::ifstream in(real, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string cut = dir + "/CUT-USDT_1m_x.parquet";
  WriteText(cut, bytes.substr(0, bytes.size() / 2));
  ExpectOneLineError(RunHuracan("data export " + ShellQuote(cut) + " --format csv"), cut);

  std::string csv = dir + "/BAD-USDT_1m_x.csv";
  WriteText(csv, "timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n1735689660000,1,2,oops,1.5,3\n");
  ExpectOneLineError(RunHuracan("data export " + ShellQuote(csv) + " --format csv"), csv + ":3:", "column 'low'");

  CommandResult json = RunHuracan("data export " + ShellQuote(real) + " --format json");
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.err.find("only csv"), std::string::npos) << json.err;
}

TEST(CliExport, BinanceCsvFixtureExportsInMilliseconds) {
  CommandResult r = RunHuracan(
      "data export " + ShellQuote(SourceDir() + "/tests/data/fixtures/SOLUSDT-1m-2025-10-12.csv") + " --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 61u);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n', r.out.find('\n') + 1)),
            "timestamp_ms,open,high,low,close,volume\n1760227200000,177.58,177.73,176.93,177.2,4485.8064");
}

TEST(CliInspect, JsonOnTheSample) {
  CommandResult r = RunHuracan("data inspect " + ShellQuote(SampleDir()) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_TRUE(j["errors"].empty());
  for (const auto& f : j["files"]) {
    auto bars = LoadBars(f["path"].get<std::string>());
    ASSERT_TRUE(bars.ok()) << bars.error().message;
    EXPECT_EQ(f["rows"].get<size_t>(), bars->size());
    EXPECT_EQ(f["rows"].get<size_t>(), 28u * 1440u);
    EXPECT_EQ(f["first_ts_ms"].get<int64_t>(), bars->ts_ms.front());
    EXPECT_EQ(f["last_ts_ms"].get<int64_t>(), bars->ts_ms.back());
    EXPECT_EQ(f["first_iso"].get<std::string>(), FormatIsoUtc(bars->ts_ms.front()));
    EXPECT_EQ(f["last_iso"].get<std::string>().size(), 20u);
    EXPECT_EQ(f["detected_timeframe"], "1m");
    EXPECT_EQ(f["timeframe"], "1m");
    EXPECT_EQ(f["symbol"], bars->symbol);
    const auto& q = f["quality"];
    EXPECT_TRUE(q["ok"].get<bool>());
    EXPECT_EQ(q["gaps"], 0);
    EXPECT_EQ(q["exact_duplicates"], 0);
    EXPECT_EQ(q["timeframe_ms"], 60000);
    EXPECT_TRUE(q["refusals"].empty());
  }
  EXPECT_EQ(j["files"][0]["symbol"], "BTCUSDT-PERP");
}

TEST(CliInspect, JsonReportsDefectsOfACraftedFile) {
  std::string dir = MakeTempDir("inspect");
  std::string csv = dir + "/XYZ-USDT_1m_x.csv";
  WriteText(csv,
            "timestamp,open,high,low,close,volume\n"
            "1735689600000,10,11,9,10.5,1\n"
            "1735689660000,10.5,11,10,10.75,1\n"
            "1735689660000,10.5,11,10,10.75,1\n"  // exact duplicate
            "1735689900000,10,11,9,10.5,1\n"      // after the next row: 2 bars missing
            "1735689840000,10,11,9,10.5,-2\n"     // out of order, negative volume
            "1735689960000,10,11,9,10.5,1\n"
            "1735689960000,10,12,9,10.5,1\n");  // conflicting duplicate
  CommandResult r = RunHuracan("data inspect " + ShellQuote(csv) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 1u);
  const auto& f = j["files"][0];
  EXPECT_EQ(f["rows"], 7);
  EXPECT_EQ(f["symbol"], "XYZUSDT");
  const auto& q = f["quality"];
  EXPECT_EQ(q["exact_duplicates"], 1);
  EXPECT_EQ(q["conflicting_duplicates"], 1);
  EXPECT_EQ(q["out_of_order"], 1);
  EXPECT_EQ(q["gaps"], 1);
  EXPECT_EQ(q["missing_bars"], 2);
  EXPECT_EQ(q["longest_gap_ms"], 180000);
  EXPECT_EQ(q["bad_volume"], 1);
  EXPECT_FALSE(q["ok"].get<bool>());
  ASSERT_FALSE(q["refusals"].empty());
  std::string all;
  for (const auto& s : q["refusals"]) all += s.get<std::string>() + "\n";
  EXPECT_NE(all.find("conflicting"), std::string::npos) << all;
  EXPECT_NE(all.find("negative or NaN volume"), std::string::npos) << all;

  CommandResult text = RunHuracan("data inspect " + ShellQuote(csv));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("quality: REFUSED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("duplicates: 1 exact, 1 conflicting"), std::string::npos) << text.out;
}

TEST(CliInspect, StalenessAgainstNow) {
  std::string file = SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet";
  CommandResult r = RunHuracan("data inspect " + ShellQuote(file) + " --format json --now 2025-11-09T00:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto q = nlohmann::json::parse(r.out)["files"][0]["quality"];
  EXPECT_TRUE(q["stale"].get<bool>());
  EXPECT_FALSE(q["ok"].get<bool>());
  CommandResult fresh = RunHuracan("data inspect " + ShellQuote(file) + " --format json --now 2025-11-08T12:00:00Z");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(nlohmann::json::parse(fresh.out)["files"][0]["quality"]["stale"].get<bool>());
}

TEST(CliInspect, DefaultIsDataSampleRelativeToTheCurrentDir) {
  CommandResult r = RunCommand("cd " + ShellQuote(SourceDir()) + " && " +
                               ShellQuote(::huracan::testing::HuracanBinary()) + " data inspect");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("data/sample/BTC-USDT-PERP_1m_20251011_20251108.parquet"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rows: 40320"), std::string::npos);
  std::string empty = MakeTempDir("nosample");
  CommandResult missing = RunCommand("cd " + ShellQuote(empty) + " && " +
                                     ShellQuote(::huracan::testing::HuracanBinary()) + " data inspect");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("data/sample"), std::string::npos) << missing.err;
}

TEST(CliInspect, PartialFailureExitsOne) {
  std::string dir = MakeTempDir("inspect-mixed");
  fs::copy_file(SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet", dir + "/SOL-USDT_1m_a.parquet");
  WriteText(dir + "/BAD-USDT_1m_b.parquet", "not parquet at all");
  CommandResult r = RunHuracan("data inspect " + ShellQuote(dir) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"].size(), 1u);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_NE(j["errors"][0]["error"].get<std::string>().find("BAD-USDT_1m_b.parquet"), std::string::npos);
}

TEST(CliInspect, OneUnreadableFileGivesOneLineAndExitTwo) {
  std::string dir = MakeTempDir("inspect-bad");
  WriteText(dir + "/BAD-USDT_1m_b.parquet", "not parquet at all");
  for (const std::string& target : {dir, dir + "/BAD-USDT_1m_b.parquet"}) {
    CommandResult r = RunHuracan("data inspect " + ShellQuote(target));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line on stderr: " << r.err;
    EXPECT_NE(r.err.find("BAD-USDT_1m_b.parquet"), std::string::npos) << r.err;
  }
}

// Binance kline rows, open_time and close_time in µs.
std::string BinanceRows(const BarSeries& s, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    int64_t us = s.ts_ms[i] * 1000;
    out += std::to_string(us) + "," + D(s.open[i]) + "," + D(s.high[i]) + "," + D(s.low[i]) + "," + D(s.close[i]) +
           "," + D(s.volume[i]) + "," + std::to_string(us + 59'999'999) + ",1000.5,42,1.5,500.25,0\n";
  }
  return out;
}

BarSeries Synthetic(size_t n, int64_t t0) {
  BarSeries s;
  for (size_t i = 0; i < n; ++i) {
    double p = 2000 + 0.37 * static_cast<double>(i);
    s.push_back(
        Bar{t0 + static_cast<int64_t>(i) * 60'000, p, p + 1.25, p - 0.75, p + 0.5, 0.1 * static_cast<double>(i + 1)});
  }
  return s;
}

void ExpectSameBars(const BarSeries& a, const BarSeries& b) {
  EXPECT_EQ(a.ts_ms, b.ts_ms);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.close, b.close);
  EXPECT_EQ(a.volume, b.volume);
}

TEST(CliImport, BinanceCsvWithAndWithoutHeaderInMicroseconds) {
  const int64_t t0 = 1'740'787'200'000;            // 2025-03-01T00:00:00Z
  BarSeries expected = Synthetic(1440 + 120, t0);  // 2025-03-01 and two hours of 03-02
  std::string src = MakeTempDir("import-src"), out = MakeTempDir("import-out") + "/normalised";
  // Day one with Binance's header; day two without, overlapping the last 3 bars of day one, and
  // with two of its rows swapped.
  WriteText(src + "/ETHUSDT-1m-2025-03-01.csv",
            "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
            "taker_buy_quote_volume,ignore\n" +
                BinanceRows(expected, 0, 1440));
  std::string day2 = BinanceRows(expected, 1437, 1440) + BinanceRows(expected, 1441, 1442) +
                     BinanceRows(expected, 1440, 1441) + BinanceRows(expected, 1442, expected.size());
  WriteText(src + "/ETHUSDT-1m-2025-03-02.csv", day2);

  CommandResult r = RunHuracan("data import " + ShellQuote(src) + " --out " + ShellQuote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string written = out + "/ETH-USDT_1m_20250301_20250302.parquet";
  EXPECT_NE(r.out.find("wrote " + written), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dropped 3 exact duplicates"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sorted"), std::string::npos) << r.out;
  EXPECT_EQ(::huracan::testing::ListFiles(out, ".parquet").size(), 1u);
  Result<BarSeries> back = ReadParquetBars(written);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->symbol, "ETHUSDT");
  EXPECT_EQ(back->timeframe, "1m");
  ExpectSameBars(*back, expected);
}

TEST(CliImport, SymbolAndTimeframeOptionsForPlainNames) {
  const int64_t t0 = 1'735'689'600'000;
  BarSeries bars;
  for (int i = 0; i < 48; ++i)
    bars.push_back(Bar{t0 + i * 3'600'000LL, 100.0 + i, 101.0 + i, 99.0 + i, 100.5 + i, 7.0});
  std::string src = MakeTempDir("import-plain");
  std::string out = MakeTempDir("import-plain-out");
  std::string csv = "timestamp,open,high,low,close,volume\n";
  for (size_t i = 0; i < bars.size(); ++i)
    csv += std::to_string(bars.ts_ms[i]) + "," + D(bars.open[i]) + "," + D(bars.high[i]) + "," + D(bars.low[i]) + "," +
           D(bars.close[i]) + "," + D(bars.volume[i]) + "\n";
  WriteText(src + "/mydata.csv", csv);

  CommandResult no_name = RunHuracan("data import " + ShellQuote(src + "/mydata.csv") + " --out " + ShellQuote(out));
  EXPECT_EQ(no_name.exit_code, 2);
  EXPECT_NE(no_name.err.find("mydata.csv"), std::string::npos) << no_name.err;
  EXPECT_NE(no_name.err.find("--symbol"), std::string::npos) << no_name.err;

  // Timeframe detected from the data when not given.
  CommandResult r = RunHuracan("data import " + ShellQuote(src + "/mydata.csv") + " --out " + ShellQuote(out) +
                               " --symbol BTCUSDT-PERP");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto back = ReadParquetBars(out + "/BTC-USDT-PERP_1h_20250101_20250102.parquet");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << r.out;
  EXPECT_EQ(back->symbol, "BTCUSDT-PERP");
  ExpectSameBars(*back, bars);

  CommandResult forced =
      RunHuracan("data import " + ShellQuote(src) + " --out " + ShellQuote(out) + " --symbol SOL-USDC --timeframe 1h");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(out + "/SOL-USDC_1h_20250101_20250102.parquet")) << forced.out;
}

TEST(CliImport, ConflictingDuplicatesAreRefusedAndNothingIsWritten) {
  std::string src = MakeTempDir("import-conflict"), out = MakeTempDir("import-conflict-out");
  WriteText(src + "/ADA-USDT_1m_a.csv",
            "timestamp,open,high,low,close,volume\n1735689600000,1,2,0.5,1.5,3\n1735689660000,1,2,0.5,1.5,3\n");
  WriteText(src + "/ADA-USDT_1m_b.csv", "timestamp,open,high,low,close,volume\n1735689660000,1,2,0.5,1.25,3\n");
  CommandResult r = RunHuracan("data import " + ShellQuote(src) + " --out " + ShellQuote(out));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ADAUSDT 1m"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("conflicting"), std::string::npos) << r.err;
  EXPECT_TRUE(::huracan::testing::ListFiles(out, ".parquet").empty());
}

TEST(CliImport, SampleParquetRoundTripsUnderTheSameName) {
  std::string out = MakeTempDir("import-sample");
  std::string file = SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet";
  CommandResult r = RunHuracan("data import " + ShellQuote(file) + " --out " + ShellQuote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string written = out + "/DOGE-USDT_1m_20251011_20251108.parquet";
  auto a = ReadParquetBars(file), b = ReadParquetBars(written);
  ASSERT_TRUE(a.ok() && b.ok()) << r.out;
  ExpectSameBars(*a, *b);
  CommandResult ea = RunHuracan("data export " + ShellQuote(file) + " --format csv");
  CommandResult eb = RunHuracan("data export " + ShellQuote(written) + " --format csv");
  EXPECT_TRUE(ea.out == eb.out);
}

}  // namespace
}  // namespace huracan::data
