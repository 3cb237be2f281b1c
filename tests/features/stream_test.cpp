// Batch and streaming agree on every bar and feature; state save/restore continues exactly;
// no look-ahead; cross-asset features are NaN where the reference bar is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "features/builder.h"
#include "features/recipe.h"
#include "features_test_util.h"

namespace huracan::features {
namespace {

using testutil::Close;

// A built-in recipe, or "every-kind": every kind with its default parameters, so that a kind
// no built-in recipe uses (a new one) is checked too.
FeatureRecipe Recipe(const std::string& name) {
  std::vector<FeatureSpec> every;
  for (const KindDef& k : AllKinds()) every.push_back(FeatureSpec{std::string(k.kind), {}});
  auto r = name == "every-kind" ? FeatureRecipe::FromSpecs(name, std::move(every)) : BuiltinRecipe(name);
  EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  return std::move(r).value();
}

// Streams `bars` (with `ref` aligned by timestamp) and compares every cell with `frame`.
// Returns the number of mismatching cells (and reports the first few).
size_t CompareStreamWithBatch(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                              const FeatureFrame& frame, const std::string& label) {
  auto stream = FeatureStream::Create(recipe);
  EXPECT_TRUE(stream.ok());
  size_t bad = 0, j = 0;
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar bar = bars.bar(i);
    Bar rb;
    const Bar* rp = nullptr;
    if (ref) {
      while (j < ref->size() && ref->ts_ms[j] < bar.ts_ms) ++j;
      if (j < ref->size() && ref->ts_ms[j] == bar.ts_ms) {
        rb = ref->bar(j);
        rp = &rb;
      }
    }
    const auto row = stream->Update(bar, rp);
    for (size_t c = 0; c < row.size(); ++c) {
      if (!Close(row[c], frame.columns[c][i])) {
        if (++bad <= 5)
          ADD_FAILURE() << label << " row " << i << " " << frame.names[c] << ": stream " << row[c] << " batch "
                        << frame.columns[c][i];
      }
    }
  }
  return bad;
}

void CheckFolder(const std::vector<std::string>& files, const std::string& label) {
  ASSERT_FALSE(files.empty());
  const std::string btc_path = testutil::BtcFile(files);
  const data::BarSeries btc = btc_path.empty() ? data::BarSeries{} : testutil::LoadBars(btc_path);
  for (const char* recipe_name : {"default", "talib-reference", "every-kind"}) {
    const FeatureRecipe recipe = Recipe(recipe_name);
    for (const auto& f : files) {
      const data::BarSeries bars = testutil::LoadBars(f);
      ASSERT_GT(bars.size(), 1000u) << f;
      const data::BarSeries* ref = btc.empty() ? nullptr : &btc;
      auto frame = BuildFeatures(recipe, bars, ref);
      ASSERT_TRUE(frame.ok()) << f << ": " << frame.error().message;
      ASSERT_EQ(frame->rows(), bars.size());
      ASSERT_EQ(frame->cols(), recipe.names().size());
      EXPECT_EQ(CompareStreamWithBatch(recipe, bars, ref, *frame, label + " " + std::string(recipe_name) + " " + f),
                0u);
      // After warm-up nearly everything has a value (cross-asset ones too: BTC is given).
      size_t nan_tail = 0;
      for (size_t c = 0; c < frame->cols(); ++c)
        for (size_t i = 400; i < frame->rows(); i += 97) nan_tail += std::isnan(frame->columns[c][i]);
      EXPECT_LT(nan_tail, frame->cols() * (frame->rows() / 97) / 50) << f << " has too many NaN after warm-up";
    }
  }
}

TEST(BatchStream, AgreeOnSample) { CheckFolder(testutil::SampleFiles(), "sample"); }

TEST(BatchStream, AgreeOnEveryReal1mFile) {
  HURACAN_REQUIRE_SHARED(dir, "1m");
  CheckFolder(testutil::RealFiles(dir), "1m");
}

// The batch build splits the recipe over threads; every thread count gives the same bits as the
// single-threaded build.
TEST(BatchStream, ThreadCountDoesNotChangeOneBit) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries btc = testutil::LoadBars(testutil::BtcFile(files));
  const data::BarSeries bars = testutil::LoadBars(files.back());
  for (const char* name : {"default", "talib-reference", "every-kind"}) {
    const FeatureRecipe recipe = Recipe(name);
    auto one = BuildFeatures(recipe, bars, &btc, BatchOptions{1});
    ASSERT_TRUE(one.ok());
    for (int threads : {2, 3, 7, 1000}) {
      auto many = BuildFeatures(recipe, bars, &btc, BatchOptions{threads});
      ASSERT_TRUE(many.ok());
      ASSERT_EQ(many->names, one->names);
      ASSERT_EQ(many->ts_ms, one->ts_ms);
      size_t bad = 0;
      for (size_t c = 0; c < one->cols(); ++c)
        for (size_t i = 0; i < one->rows(); ++i) {
          const double a = one->columns[c][i], b = many->columns[c][i];
          if (!(a == b || (std::isnan(a) && std::isnan(b))) && ++bad <= 5)
            ADD_FAILURE() << name << " threads " << threads << " row " << i << " " << one->names[c];
        }
      EXPECT_EQ(bad, 0u) << name << " threads " << threads;
    }
  }
}

// Saves the state at several points, restores it into a fresh stream, and checks that the
// continuation is bit-identical to the uninterrupted stream.
void CheckSaveRestore(const char* recipe_name) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries btc = testutil::LoadBars(testutil::BtcFile(files));
  const data::BarSeries bars = testutil::LoadBars(files.back());
  const FeatureRecipe recipe = Recipe(recipe_name);
  auto full = BuildFeatures(recipe, bars, &btc);
  ASSERT_TRUE(full.ok());
  for (size_t cut : {size_t{1}, size_t{30}, size_t{250}, size_t{7777}, bars.size() - 3}) {
    auto a = FeatureStream::Create(recipe);
    ASSERT_TRUE(a.ok());
    size_t j = 0;
    auto feed = [&](FeatureStream& s, size_t i) {
      const Bar bar = bars.bar(i);
      while (j < btc.size() && btc.ts_ms[j] < bar.ts_ms) ++j;
      Bar rb;
      const Bar* rp = nullptr;
      if (j < btc.size() && btc.ts_ms[j] == bar.ts_ms) {
        rb = btc.bar(j);
        rp = &rb;
      }
      return s.Update(bar, rp);
    };
    for (size_t i = 0; i < cut; ++i) feed(*a, i);
    const std::string state = a->SaveState();
    auto b = FeatureStream::Create(recipe);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(b->LoadState(state).ok());
    EXPECT_EQ(b->bars_seen(), static_cast<int64_t>(cut));
    EXPECT_EQ(b->SaveState(), state);
    size_t bad = 0;
    for (size_t i = cut; i < bars.size(); ++i) {
      const auto row = feed(*b, i);
      for (size_t c = 0; c < row.size(); ++c) {
        const double want = full->columns[c][i];
        // Bit-identical: same state, same code.
        if (!(row[c] == want || (std::isnan(row[c]) && std::isnan(want)))) {
          if (++bad <= 5) ADD_FAILURE() << recipe_name << " cut " << cut << " row " << i << " " << recipe.names()[c];
        }
      }
    }
    EXPECT_EQ(bad, 0u) << recipe_name << " cut " << cut;
  }
}

TEST(BatchStream, SaveRestoreContinuesIdentically) {
  CheckSaveRestore("default");
  CheckSaveRestore("every-kind");
}

TEST(BatchStream, LoadStateRefusesOtherRecipeAndGarbage) {
  auto a = FeatureStream::Create(Recipe("default"));
  auto b = FeatureStream::Create(Recipe("talib-reference"));
  ASSERT_TRUE(a.ok() && b.ok());
  Bar bar{60000, 1, 2, 0.5, 1.5, 10};
  for (int i = 0; i < 50; ++i, bar.ts_ms += 60000) a->Update(bar, nullptr);
  const std::string state = a->SaveState();
  EXPECT_FALSE(b->LoadState(state).ok());
  auto c = FeatureStream::Create(Recipe("default"));
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->LoadState("garbage").ok());
  // Truncations and trailing bytes are refused, and a refused load leaves the stream untouched.
  for (size_t cut : {state.size() - 1, state.size() / 2, size_t{100}}) {
    EXPECT_FALSE(c->LoadState(state.substr(0, cut)).ok()) << cut;
    EXPECT_EQ(c->bars_seen(), 0);
  }
  EXPECT_FALSE(c->LoadState(state + "x").ok());
  // A state of an older format version is refused with both versions named.
  std::string old_format = state;
  old_format.replace(0, old_format.find('\n'), "HURACAN-FEATURE-STATE/2");
  const Status older = c->LoadState(old_format);
  ASSERT_FALSE(older.ok());
  EXPECT_NE(older.error().message.find("HURACAN-FEATURE-STATE/2"), std::string::npos) << older.error().message;
  EXPECT_NE(older.error().message.find("rebuild"), std::string::npos) << older.error().message;
  EXPECT_EQ(c->bars_seen(), 0);
  EXPECT_TRUE(c->LoadState(state).ok());
  EXPECT_EQ(c->bars_seen(), 50);
}

// The value at bar t depends only on bars <= t: a truncated series gives the same values on the
// common prefix (for the coin and for the reference series).
TEST(NoLookAhead, TruncatedSeriesGivesTheSamePrefix) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries btc = testutil::LoadBars(testutil::BtcFile(files));
  const data::BarSeries bars = testutil::LoadBars(files.back());
  for (const char* name : {"default", "talib-reference"}) {
    const FeatureRecipe recipe = Recipe(name);
    auto full = BuildFeatures(recipe, bars, &btc);
    ASSERT_TRUE(full.ok());
    for (size_t cut : {size_t{300}, size_t{5000}, bars.size() / 2}) {
      const data::BarSeries head = bars.slice(0, cut);
      // The reference truncated at the same time (it may have other gaps than the coin).
      size_t ref_cut = 0;
      while (ref_cut < btc.size() && btc.ts_ms[ref_cut] <= head.ts_ms.back()) ++ref_cut;
      const data::BarSeries btc_head = btc.slice(0, ref_cut);
      auto part = BuildFeatures(recipe, head, &btc_head);
      ASSERT_TRUE(part.ok());
      size_t bad = 0;
      for (size_t c = 0; c < part->cols(); ++c)
        for (size_t i = 0; i < cut; ++i)
          if (!Close(part->columns[c][i], full->columns[c][i]) && ++bad <= 5)
            ADD_FAILURE() << name << " cut " << cut << " row " << i << " " << part->names[c];
      EXPECT_EQ(bad, 0u);
    }
    // Changing the future (bars after t) never changes the value at t.
    data::BarSeries changed = bars;
    for (size_t i = bars.size() / 2; i < bars.size(); ++i) {
      changed.close[i] *= 1.05;
      changed.high[i] *= 1.06;
      changed.volume[i] *= 3;
    }
    auto alt = BuildFeatures(recipe, changed, &btc);
    ASSERT_TRUE(alt.ok());
    for (size_t c = 0; c < alt->cols(); ++c)
      for (size_t i = 0; i < bars.size() / 2; ++i) ASSERT_TRUE(Close(alt->columns[c][i], full->columns[c][i]));
  }
}

// A missing reference bar gives NaN on that bar for every cross-asset feature (never a
// forward-fill); other features are unaffected; without a reference, cross-asset is all NaN.
TEST(CrossAsset, MissingReferenceBarGivesNaN) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries btc = testutil::LoadBars(testutil::BtcFile(files));
  const data::BarSeries bars = testutil::LoadBars(files.back());
  const FeatureRecipe recipe = Recipe("default");
  const std::vector<std::string> cross = {"btc_ret_1_lag1", "btc_ret_5",    "rel_ret_btc_15",
                                          "rel_ret_btc_60", "beta_btc_120", "pairs_resid_z_240"};
  auto full = BuildFeatures(recipe, bars, &btc);
  ASSERT_TRUE(full.ok());
  // Drop reference bars at a few rows, including a run of 30.
  std::vector<int64_t> dropped_ts;
  data::BarSeries holed;
  for (size_t i = 0; i < btc.size(); ++i) {
    const bool drop = i == 1000 || i == 2000 || (i >= 3000 && i < 3030);
    if (drop)
      dropped_ts.push_back(btc.ts_ms[i]);
    else
      holed.push_back(btc.bar(i));
  }
  auto frame = BuildFeatures(recipe, bars, &holed);
  ASSERT_TRUE(frame.ok());
  auto none = BuildFeatures(recipe, bars, nullptr);
  ASSERT_TRUE(none.ok());
  size_t checked = 0;
  for (size_t i = 0; i < bars.size(); ++i) {
    const bool missing = std::find(dropped_ts.begin(), dropped_ts.end(), bars.ts_ms[i]) != dropped_ts.end();
    for (const auto& name : cross) {
      const int c = frame->index_of(name);
      ASSERT_GE(c, 0) << name;
      EXPECT_TRUE(std::isnan(none->columns[c][i])) << name << " without a reference must be NaN";
      if (missing) {
        EXPECT_TRUE(std::isnan(frame->columns[c][i])) << name << " at a missing reference bar, row " << i;
        ++checked;
      }
    }
    // Non-cross features never depend on the reference.
    for (const char* name : {"rsi_14", "vol_cc_30", "ret_15"}) {
      const int c = frame->index_of(name);
      ASSERT_TRUE(Close(frame->columns[c][i], full->columns[c][i]));
    }
  }
  EXPECT_EQ(checked, cross.size() * dropped_ts.size());
  // The lagged BTC return at row t+1 needs the reference at t: NaN too (no forward-fill).
  const int lag = frame->index_of("btc_ret_1_lag1");
  size_t row_after = 0;
  while (bars.ts_ms[row_after] != dropped_ts[0]) ++row_after;
  EXPECT_TRUE(std::isnan(frame->columns[lag][row_after + 1]));
  EXPECT_FALSE(std::isnan(full->columns[lag][row_after + 1]));
  // With the full reference, the cross-asset features have values after warm-up.
  for (const auto& name : cross) EXPECT_FALSE(std::isnan(full->columns[full->index_of(name)][1000])) << name;
  // A reference bar with another timestamp counts as missing in streaming mode.
  auto s = FeatureStream::Create(recipe);
  ASSERT_TRUE(s.ok());
  const int b5 = recipe.names().size() > 0 ? full->index_of("btc_ret_5") : -1;
  for (size_t i = 0; i < 20; ++i) {
    Bar wrong = btc.bar(i);
    wrong.ts_ms += 60000;
    const auto row = s->Update(bars.bar(i), &wrong);
    EXPECT_TRUE(std::isnan(row[static_cast<size_t>(b5)]));
  }
}

// One BatchBuilder and one frame across calls (longer series, shorter, another recipe, an error)
// give exactly the frames of fresh BuildFeatures calls; a refused build leaves the frame as it was.
TEST(Batch, ReusedBuilderAndFrameEqualFreshBuilds) {
  const auto files = testutil::SampleFiles();
  const data::BarSeries btc = testutil::LoadBars(testutil::BtcFile(files));
  const data::BarSeries bars = testutil::LoadBars(files.back());
  BatchBuilder builder(BatchOptions{2});
  FeatureFrame frame;
  struct Case {
    const char* recipe;
    size_t rows;
  };
  for (const Case& c : {Case{"default", bars.size()}, Case{"default", 5000}, Case{"talib-reference", 7000},
                        Case{"default", bars.size()}}) {
    const data::BarSeries part = bars.slice(0, c.rows);
    const FeatureRecipe recipe = Recipe(c.recipe);
    ASSERT_TRUE(builder.BuildInto(recipe, part, &btc, &frame).ok());
    auto fresh = BuildFeatures(recipe, part, &btc);
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(frame.names, fresh->names) << c.recipe;
    ASSERT_EQ(frame.ts_ms, fresh->ts_ms) << c.recipe;
    ASSERT_EQ(frame.columns.size(), fresh->columns.size()) << c.recipe;
    size_t bad = 0;
    for (size_t k = 0; k < frame.cols(); ++k) {
      ASSERT_EQ(frame.columns[k].size(), c.rows);
      for (size_t i = 0; i < c.rows; ++i) {
        const double a = frame.columns[k][i], b = fresh->columns[k][i];
        if (!(a == b || (std::isnan(a) && std::isnan(b))) && ++bad <= 5)
          ADD_FAILURE() << c.recipe << " rows " << c.rows << " row " << i << " " << frame.names[k];
      }
    }
    EXPECT_EQ(bad, 0u) << c.recipe << " rows " << c.rows;
  }
  data::BarSeries unsorted = bars.slice(0, 10);
  std::swap(unsorted.ts_ms[3], unsorted.ts_ms[4]);
  const std::vector<int64_t> ts_before = frame.ts_ms;
  EXPECT_FALSE(builder.BuildInto(Recipe("default"), unsorted, &btc, &frame).ok());
  EXPECT_EQ(frame.ts_ms, ts_before);
  EXPECT_EQ(frame.columns[0].size(), bars.size());
}

TEST(Batch, RefusesUnsortedTimestamps) {
  data::BarSeries bars;
  bars.symbol = "XUSDT";
  bars.push_back(Bar{120000, 1, 1, 1, 1, 1});
  bars.push_back(Bar{60000, 1, 1, 1, 1, 1});
  auto r = BuildFeatures(Recipe("default"), bars, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("XUSDT"), std::string::npos);
}

}  // namespace
}  // namespace huracan::features
