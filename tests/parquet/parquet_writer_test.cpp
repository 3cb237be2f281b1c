// The writer: every file it writes is read back by hyparquet (independent) and by our reader.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "data/parquet.h"
#include "parquet/parquet_test_util.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

ParquetColumn Col(const std::string& name, ParquetColumn::Kind kind) {
  ParquetColumn c;
  c.name = name;
  c.kind = kind;
  return c;
}

// A table with every kind, awkward values, nulls and several row groups' worth of rows.
ParquetTable MakeTable(size_t n) {
  ParquetTable t;
  t.num_rows = static_cast<int64_t>(n);
  auto ts = Col("time", ParquetColumn::Kind::kInt64);
  ts.time_unit = TimeUnit::kMillis;
  auto id = Col("id", ParquetColumn::Kind::kInt64);
  auto px = Col("px", ParquetColumn::Kind::kDouble);
  auto pnl = Col("pnl", ParquetColumn::Kind::kDouble);
  auto sym = Col("symbol", ParquetColumn::Kind::kString);
  auto note = Col("note", ParquetColumn::Kind::kString);
  auto buy = Col("is_buy", ParquetColumn::Kind::kBool);
  const double specials[] = {
      0.0, -0.0,     1e-310, std::numeric_limits<double>::max(), -1.5, std::numeric_limits<double>::infinity(),
      0.1, 1.0 / 3.0};
  const int64_t ispecials[] = {0, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  const char* syms[] = {"BTCUSDT-PERP", "ADAUSDT", "", "ÉTH/€ ✓"};
  for (size_t i = 0; i < n; ++i) {
    ts.i64.push_back(1735689600000 + static_cast<int64_t>(i) * 60000);
    id.i64.push_back(i < 4 ? ispecials[i] : static_cast<int64_t>(i * 2654435761u) - 1000000);
    px.f64.push_back(i < 8 ? specials[i] : 100.0 + std::sin(static_cast<double>(i)) * 3.0);
    pnl.f64.push_back(static_cast<double>(i) * 0.01 - 5.0);
    pnl.valid.push_back(i % 7 == 3 ? 0 : 1);
    if (i % 7 == 3) pnl.f64.back() = std::nan("");
    sym.str.push_back(syms[i % 4]);
    note.str.push_back(i % 5 == 0 ? "" : "fill " + std::to_string(i));
    note.valid.push_back(i % 5 == 0 ? 0 : 1);
    buy.b.push_back(i % 3 == 0 ? 1 : 0);
    buy.valid.push_back(i % 11 == 10 ? 0 : 1);
  }
  for (auto* c : {&ts, &id, &px, &pnl, &sym, &note, &buy}) t.columns.push_back(std::move(*c));
  return t;
}

void ExpectSameTable(const ParquetTable& a, const ParquetTable& b) {
  ASSERT_EQ(a.num_rows, b.num_rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const auto& x = a.columns[i];
    const auto& y = b.columns[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.time_unit, y.time_unit);
    EXPECT_EQ(testing::DigestColumn(x), testing::DigestColumn(y));
    EXPECT_EQ(x.valid.empty(), y.valid.empty());
  }
}

TEST(ParquetWriter, HyparquetReadsWhatWeWrite) {
  HURACAN_REQUIRE_NODE();
  const std::string dir = huracan::testing::MakeTempDir("parquet-writer");
  struct Case {
    std::string name;
    size_t rows;
    int64_t group;
  };
  // More than 131,072 rows cross the 1 MiB page boundary of the double columns; small groups give
  // many row groups.
#if defined(__SANITIZE_ADDRESS__)
  const size_t big = 140000;
#else
  const size_t big = 300000;
#endif
  const Case cases[] = {{"small.parquet", 37, 1 << 20}, {"groups.parquet", 10000, 999}, {"big.parquet", big, 1 << 20}};
  std::vector<std::string> files;
  std::vector<ParquetTable> tables;
  for (const auto& c : cases) {
    ParquetTable t = MakeTable(c.rows);
    ParquetWriteOptions opts;
    opts.row_group_rows = c.group;
    files.push_back(dir + "/" + c.name);
    ASSERT_TRUE(WriteParquet(files.back(), t, opts).ok());
    tables.push_back(std::move(t));
  }
  auto refs = testing::HyparquetDigests(files, 4);
  for (size_t i = 0; i < files.size(); ++i) {
    testing::ExpectMatchesHyparquet(tables[i], refs[files[i]], files[i]);
    auto back = ReadParquet(files[i]);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    ExpectSameTable(tables[i], *back);
  }
  // Spot values as hyparquet prints them.
  const auto& small = refs[files[0]]["columns"];
  EXPECT_EQ(small[1]["values"][2], "-9223372036854775808");
  EXPECT_EQ(small[1]["values"][3], "9223372036854775807");
  EXPECT_EQ(small[2]["values"][2], "1e-310");
  EXPECT_EQ(small[4]["values"][3], "ÉTH/€ ✓");
  EXPECT_TRUE(small[5]["values"][0].is_null());
  EXPECT_EQ(small[0]["values"][0], "1735689600000");
}

TEST(ParquetWriter, BarsRoundTripAndHyparquetAgrees) {
  auto src = ReadParquetBars(huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet");
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  const std::string path = huracan::testing::MakeTempDir("parquet-bars") + "/DOGE-USDT_1m_20251011_20251108.parquet";
  ASSERT_TRUE(WriteParquetBars(path, *src).ok());
  auto back = ReadParquetBars(path);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->symbol, "DOGEUSDT");
  EXPECT_EQ(back->timeframe, "1m");
  EXPECT_EQ(back->ts_ms, src->ts_ms);
  EXPECT_EQ(back->open, src->open);
  EXPECT_EQ(back->high, src->high);
  EXPECT_EQ(back->low, src->low);
  EXPECT_EQ(back->close, src->close);
  EXPECT_EQ(back->volume, src->volume);
  if (!huracan::testing::NodeToolsAvailable()) return;
  auto refs =
      testing::HyparquetDigests({path, huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet"});
  const auto& ours = refs[path]["columns"];
  const auto& orig = refs[huracan::testing::SampleDir() + "/DOGE-USDT_1m_20251011_20251108.parquet"]["columns"];
  ASSERT_EQ(ours.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(ours[i]["sha256"], orig[i]["sha256"]) << ours[i]["name"];
}

TEST(ParquetWriter, EmptyTableIsValid) {
  ParquetTable t;
  t.columns.push_back(Col("x", ParquetColumn::Kind::kDouble));
  t.columns.push_back(Col("s", ParquetColumn::Kind::kString));
  auto bytes = WriteParquetBuffer(t);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  auto back = ReadParquetBuffer(*bytes, "empty");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->num_rows, 0);
  EXPECT_EQ(back->columns.size(), 2u);
  if (!huracan::testing::NodeToolsAvailable()) return;
  const std::string path = huracan::testing::MakeTempDir("parquet-empty") + "/empty.parquet";
  ASSERT_TRUE(WriteParquet(path, t).ok());
  auto refs = testing::HyparquetDigests({path});
  EXPECT_EQ(refs[path]["rows"], 0) << refs[path].dump();
}

TEST(ParquetWriter, RefusesInconsistentTables) {
  ParquetTable t = MakeTable(10);
  t.columns[2].f64.pop_back();
  auto r = WriteParquetBuffer(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("'px'"), std::string::npos);

  t = MakeTable(10);
  t.columns[3].valid.pop_back();
  EXPECT_FALSE(WriteParquetBuffer(t).ok());

  t = MakeTable(10);
  t.columns[1].name = "time";
  r = WriteParquetBuffer(t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("duplicate"), std::string::npos);

  EXPECT_FALSE(WriteParquetBuffer(ParquetTable{}).ok());
  ParquetWriteOptions bad;
  bad.row_group_rows = 0;
  EXPECT_FALSE(WriteParquetBuffer(MakeTable(3), bad).ok());
}

TEST(ParquetWriter, WriteIsAtomicAndReportsThePath) {
  const std::string dir = huracan::testing::MakeTempDir("parquet-atomic");
  const std::string path = dir + "/t.parquet";
  ASSERT_TRUE(WriteParquet(path, MakeTable(100)).ok());
  auto bad = MakeTable(5);
  bad.columns[0].i64.clear();
  Status s = WriteParquet(path, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(path), std::string::npos);
  auto still = ReadParquet(path);  // the earlier file is untouched
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->num_rows, 100);
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename(), "t.parquet") << "left-over temp file " << e.path();
  }
}

}  // namespace
}  // namespace huracan::data
