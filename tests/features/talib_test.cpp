// Every talib-reference column equals TA-Lib's own C code (npm `talib`, run by
// tests/js/talib_reference.mjs) within 1e-9 relative on every bar where TA-Lib gives a value,
// and is NaN exactly where TA-Lib gives none.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
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

struct Oracle {
  size_t rows = 0;
  std::vector<std::string> names;
  std::vector<double> data;  // column-major
  double at(size_t col, size_t row) const { return data[col * rows + row]; }
};

Oracle RunOracle(const std::string& parquet) {
  Oracle o;
  const std::string bin = ht::MakeTempDir("talib") + "/out.bin";
  const auto r = ht::RunCommand("node " + ht::ShellQuote(ht::JsDir() + "/talib_reference.mjs") + " " +
                                ht::ShellQuote(parquet) + " --bin " + ht::ShellQuote(bin));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::stringstream header(r.out);
  std::string cell;
  std::getline(header, cell, ',');
  o.rows = std::stoul(cell);
  while (std::getline(header, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\n' || cell.back() == '\r')) cell.pop_back();
    o.names.push_back(cell);
  }
  std::ifstream in(bin, std::ios::binary);
  o.data.resize(o.rows * o.names.size());
  in.read(reinterpret_cast<char*>(o.data.data()), static_cast<std::streamsize>(o.data.size() * sizeof(double)));
  EXPECT_TRUE(in.good()) << bin;
  return o;
}

void CompareWithTalib(const std::string& parquet) {
  auto recipe = BuiltinRecipe("talib-reference");
  ASSERT_TRUE(recipe.ok());
  const data::BarSeries bars = testutil::LoadBars(parquet);
  auto frame = BuildFeatures(*recipe, bars, nullptr);
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  const Oracle o = RunOracle(parquet);
  ASSERT_EQ(o.rows, bars.size()) << parquet;
  ASSERT_EQ(o.names, recipe->names()) << parquet;
  for (size_t c = 0; c < o.names.size(); ++c) {
    size_t bad = 0, compared = 0, exact = 0;
    double worst = 0;
    for (size_t i = 0; i < o.rows; ++i) {
      const double want = o.at(c, i), got = frame->columns[c][i];
      if (std::isnan(want)) {
        if (!std::isnan(got) && ++bad <= 3)
          ADD_FAILURE() << parquet << " " << o.names[c] << " row " << i << ": TA-Lib has no value, we have " << got;
        continue;
      }
      ++compared;
      exact += got == want;
      if (!testutil::Close(got, want)) {
        if (++bad <= 3)
          ADD_FAILURE() << parquet << " " << o.names[c] << " row " << i << ": ours " << got << " TA-Lib " << want;
      } else if (want != 0) {
        worst = std::max(worst, std::fabs(got - want) / std::fabs(want));
      }
    }
    EXPECT_EQ(bad, 0u) << o.names[c];
    EXPECT_GT(compared, o.rows - 100) << o.names[c] << ": TA-Lib values missing";
    ::testing::Test::RecordProperty(o.names[c] + "_exact_share", std::to_string(static_cast<double>(exact) / compared));
    (void)worst;
  }
}

TEST(Talib, ReferenceColumnsEqualTalibOnSample) {
  HURACAN_REQUIRE_NODE();
  for (const auto& f : testutil::SampleFiles()) CompareWithTalib(f);
}

TEST(Talib, ReferenceColumnsEqualTalibOnEveryReal1mFile) {
  HURACAN_REQUIRE_NODE();
  HURACAN_REQUIRE_SHARED(dir, "1m");
  for (const auto& f : testutil::RealFiles(dir)) CompareWithTalib(f);
}

// The default recipe's TA-Lib-defined oscillators are the same numbers as the reference ones.
TEST(Talib, DefaultRecipeSharesTalibOscillators) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries bars = testutil::LoadBars(files.front());
  auto def = BuildFeatures(*BuiltinRecipe("default"), bars, nullptr);
  auto ta = BuildFeatures(*BuiltinRecipe("talib-reference"), bars, nullptr);
  ASSERT_TRUE(def.ok() && ta.ok());
  for (const char* name : {"rsi_14", "natr_14", "adx_14", "plus_di_14", "minus_di_14", "willr_14", "cci_20", "mfi_14",
                           "stoch_k_14_3_3", "stoch_d_14_3_3", "roc_10"}) {
    const int a = def->index_of(name), b = ta->index_of(name);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    for (size_t i = 0; i < bars.size(); ++i)
      ASSERT_TRUE(testutil::Close(def->columns[a][i], ta->columns[b][i])) << name << " row " << i;
  }
  // macd_norm = macd / close * 1e4.
  const int mn = def->index_of("macd_norm_12_26_9"), m = ta->index_of("macd_12_26_9");
  for (size_t i = 0; i < bars.size(); ++i)
    ASSERT_TRUE(testutil::Close(def->columns[mn][i], ta->columns[m][i] / bars.close[i] * 1e4)) << i;
}

}  // namespace
}  // namespace huracan::features
