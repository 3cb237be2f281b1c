// `huracan features` command-line contract.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "features/builder.h"
#include "features/recipe.h"
#include "features_test_util.h"

namespace huracan::features {
namespace {

namespace ht = huracan::testing;

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::stringstream ss(line);
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

TEST(Cli, HashMatchesTheLibraryAndIgnoresFormatting) {
  const auto r = ht::RunHuracan("features --recipe default --hash");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, BuiltinRecipe("default")->hash() + "\n");
  const std::string dir = ht::MakeTempDir("features_cli");
  std::ofstream(dir + "/a.yaml") << "features:\n  - {kind: rsi, period: 14}\n  - {kind: obv}\n";
  std::ofstream(dir + "/b.json")
      << R"({"name": "other", "features": [{"period": 14.0, "kind": "rsi"}, {"kind": "obv"}]})";
  std::ofstream(dir + "/c.yaml") << "features:\n  - {kind: rsi, period: 15}\n  - {kind: obv}\n";
  const auto a = ht::RunHuracan("features --recipe " + ht::ShellQuote(dir + "/a.yaml") + " --hash");
  const auto b = ht::RunHuracan("features --recipe " + ht::ShellQuote(dir + "/b.json") + " --hash");
  const auto c = ht::RunHuracan("features --recipe " + ht::ShellQuote(dir + "/c.yaml") + " --hash");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out.size(), 65u);
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
}

TEST(Cli, CsvEqualsTheLibraryInBothModes) {
  const auto files = testutil::SampleFiles();
  const std::string btc = testutil::BtcFile(files), coin = files.back();
  const std::string args = "features --data " + ht::ShellQuote(coin) + " --ref " + ht::ShellQuote(btc);
  const auto batch = ht::RunHuracan(args);
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  const auto streaming = ht::RunHuracan(args + " --mode streaming --recipe default --format csv");
  ASSERT_EQ(streaming.exit_code, 0) << streaming.err;
  EXPECT_EQ(batch.out, streaming.out);

  const data::BarSeries bars = testutil::LoadBars(coin), ref = testutil::LoadBars(btc);
  auto frame = BuildFeatures(*BuiltinRecipe("default"), bars, &ref);
  ASSERT_TRUE(frame.ok());
  std::stringstream ss(batch.out);
  std::string line;
  std::getline(ss, line);
  std::vector<std::string> header = SplitCsvLine(line);
  ASSERT_EQ(header.size(), frame->cols() + 1);
  EXPECT_EQ(header[0], "timestamp_ms");
  for (size_t c = 0; c < frame->cols(); ++c) EXPECT_EQ(header[c + 1], frame->names[c]);
  size_t row = 0, empty = 0;
  while (std::getline(ss, line)) {
    const auto cells = SplitCsvLine(line);
    ASSERT_EQ(cells.size(), header.size()) << "row " << row;
    ASSERT_EQ(cells[0], std::to_string(frame->ts_ms[row]));
    for (size_t c = 0; c < frame->cols(); ++c) {
      const double want = frame->columns[c][row];
      if (std::isnan(want)) {
        ASSERT_EQ(cells[c + 1], "") << "row " << row << " " << header[c + 1];
        ++empty;
        continue;
      }
      double got = 0;
      const auto& s = cells[c + 1];
      auto res = std::from_chars(s.data(), s.data() + s.size(), got);
      ASSERT_TRUE(res.ec == std::errc() && res.ptr == s.data() + s.size()) << s;
      ASSERT_EQ(got, want) << "row " << row << " " << header[c + 1];  // shortest round-trip: exact
    }
    ++row;
  }
  EXPECT_EQ(row, bars.size());
  EXPECT_GT(empty, 0u);  // warm-up cells are empty
}

TEST(Cli, ErrorsExitTwoWithOneLine) {
  const auto files = testutil::SampleFiles();
  const std::vector<std::string> bad = {
      "features --recipe no-such-recipe --hash",
      "features",
      "features --data /nonexistent/x.parquet",
      "features --data " + ht::ShellQuote(files.front()) + " --mode sideways",
      "features --data " + ht::ShellQuote(files.front()) + " --format json",
      "features --data " + ht::ShellQuote(files.front()) + " --ref /nonexistent/btc.parquet",
  };
  for (const auto& args : bad) {
    const auto r = ht::RunHuracan(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind("huracan: ", 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
  const auto r = ht::RunHuracan("features --recipe no-such-recipe --hash");
  EXPECT_NE(r.err.find("no-such-recipe"), std::string::npos);
}

}  // namespace
}  // namespace huracan::features
