#include "features/recipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include "features/builder.h"
#include "support/contract_columns.h"
#include "support/test_support.h"

namespace huracan::features {
namespace {

FeatureRecipe MustParse(const std::string& text) {
  auto r = FeatureRecipe::Parse(text, "test");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : FeatureRecipe{};
}

std::string ParseError(const std::string& text) {
  auto r = FeatureRecipe::Parse(text, "test.yaml");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

TEST(Recipe, ReformattedYamlKeepsTheHash) {
  const FeatureRecipe a = MustParse(R"(
name: a
features:
  - {kind: rsi, period: 14}
  - {kind: bb_position, period: 20, k: 2}
  - {kind: macd_norm}
)");
  // Block style, other key order, other number spellings, comments, defaults written out,
  // another name: same features, same hash.
  const FeatureRecipe b = MustParse(R"(
# comment
features:
  - period: 14.0
    kind: rsi
  - k: 2.000
    kind: bb_position
    period: 2e1
  - kind: macd_norm
    signal: 9
    slow: 26
    fast: +12
name: b
)");
  // JSON is a YAML subset.
  const FeatureRecipe c = MustParse(
      R"({"features":[{"kind":"rsi","period":14},{"kind":"bb_position","k":2,"period":20},{"kind":"macd_norm"}]})");
  EXPECT_EQ(a.hash().size(), 64u);
  EXPECT_EQ(a.canonical(), b.canonical());
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.hash(), c.hash());
  EXPECT_EQ(a.canonical(), R"({"features":[{"kind":"rsi","period":14},{"k":2,"kind":"bb_position","period":20},)"
                           R"({"fast":12,"kind":"macd_norm","signal":9,"slow":26}]})");
}

TEST(Recipe, AnyParameterChangeChangesTheHash) {
  const std::string base = MustParse(BuiltinRecipeText("default").data()).hash();
  // Change every parameter of every entry of the default recipe, one at a time.
  auto def = BuiltinRecipe("default");
  ASSERT_TRUE(def.ok());
  std::set<std::string> hashes{base};
  int changes = 0;
  for (size_t i = 0; i < def->specs().size(); ++i) {
    for (const auto& [key, value] : def->specs()[i].params) {
      std::vector<FeatureSpec> specs = def->specs();
      double nv = value + 1;
      if (key == "fast") nv = value - 1 > 0 ? value - 1 : value + 0.5;  // keep fast < slow
      if (key == "k" || key == "bb_k" || key == "kc_k") nv = value + 0.25;
      specs[i].params[key] = nv;
      auto r = FeatureRecipe::FromSpecs("changed", specs);
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_TRUE(hashes.insert(r->hash()).second) << "changing " << specs[i].kind << "." << key << " kept a hash";
      ++changes;
    }
  }
  EXPECT_GT(changes, 60);
  // Order matters too (columns come out in recipe order).
  std::vector<FeatureSpec> swapped = def->specs();
  std::swap(swapped[0], swapped[1]);
  EXPECT_NE(FeatureRecipe::FromSpecs("x", swapped)->hash(), base);
}

TEST(Recipe, HashIsPinned) {
  // The hash of the built-ins only changes with kFeatureCodeVersion or a recipe edit; a change
  // here must be deliberate (bundles record it).
  auto def = BuiltinRecipe("default");
  auto ta = BuiltinRecipe("talib-reference");
  ASSERT_TRUE(def.ok() && ta.ok());
  EXPECT_NE(def->hash(), ta->hash());
  EXPECT_EQ(def->hash(), MustParse(std::string(BuiltinRecipeText("default"))).hash());
  // Feature code version 2. Bundles record this hash, so a change here must be deliberate.
  EXPECT_EQ(def->hash(), "00ecbb3791b65406ef50d420f71652014d71d409445daeab257c38c2588e21af");
  EXPECT_EQ(ta->hash(), "a4d89dccb302d6a46e674103b2f7f1634712b9b226ee52e5f1c6e08a2c9057ce");
}

TEST(Recipe, UnknownKindOrKeyIsAnErrorNamingIt) {
  std::string e = ParseError("features:\n  - {kind: rsx, period: 14}\n");
  EXPECT_NE(e.find("rsx"), std::string::npos) << e;
  EXPECT_NE(e.find("test.yaml"), std::string::npos) << e;
  e = ParseError("features:\n  - {kind: rsi, perod: 14}\n");
  EXPECT_NE(e.find("perod"), std::string::npos) << e;
  EXPECT_NE(e.find("rsi"), std::string::npos) << e;
  e = ParseError("features:\n  - {kind: rsi}\nextra: 1\n");
  EXPECT_NE(e.find("extra"), std::string::npos) << e;
  e = ParseError("features:\n  - {period: 14}\n");
  EXPECT_NE(e.find("kind"), std::string::npos) << e;
  e = ParseError("features:\n  - {kind: rsi, period: 14.5}\n");
  EXPECT_NE(e.find("integer"), std::string::npos) << e;
  e = ParseError("features:\n  - {kind: rsi, period: 0}\n");
  EXPECT_NE(e.find("outside"), std::string::npos) << e;
  e = ParseError("features:\n  - {kind: rsi, period: abc}\n");
  EXPECT_EQ(e, "recipe test.yaml: feature 1 (rsi) `period`: 'abc' is not a finite number");
  e = ParseError("features:\n  - {kind: rsi}\n  - {kind: rsi, period: 14}\n");
  EXPECT_NE(e.find("rsi_14"), std::string::npos) << e;
  e = ParseError("features: [\n");
  EXPECT_FALSE(e.empty());
  e = ParseError("features:\n  - {kind: ema_ratio, fast: 50, slow: 20}\n");
  EXPECT_NE(e.find("fast"), std::string::npos) << e;
  auto missing = LoadRecipe("/nonexistent/recipe.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/recipe.yaml"), std::string::npos);
}

TEST(Recipe, LoadsFromFile) {
  const std::string dir = huracan::testing::MakeTempDir("recipe");
  const std::string path = dir + "/r.yaml";
  std::ofstream(path) << "features:\n  - kind: rsi\n    period: 7\n  - kind: calendar\n";
  auto r = LoadRecipe(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->names(), (std::vector<std::string>{"rsi_7", "tod_sin", "tod_cos", "dow_sin", "dow_cos"}));
}

TEST(Recipe, DefaultHasTheContractColumns) {
  auto r = BuiltinRecipe("default");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::vector<std::string>& contract = huracan::testing::ContractNames();
  const auto& names = r->names();
  EXPECT_GE(names.size(), 60u);
  for (const auto& c : contract)
    EXPECT_NE(std::find(names.begin(), names.end(), c), names.end()) << "default recipe lacks " << c;
  EXPECT_TRUE(r->uses_ref());
}

TEST(Recipe, TalibReferenceHasExactlyTheTalibColumns) {
  auto r = BuiltinRecipe("talib-reference");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->names(), (std::vector<std::string>{"rsi_14",
                                                  "atr_14",
                                                  "natr_14",
                                                  "adx_14",
                                                  "plus_di_14",
                                                  "minus_di_14",
                                                  "macd_12_26_9",
                                                  "macd_signal_12_26_9",
                                                  "macd_hist_12_26_9",
                                                  "bb_upper_20_2",
                                                  "bb_middle_20_2",
                                                  "bb_lower_20_2",
                                                  "ema_20",
                                                  "sma_20",
                                                  "willr_14",
                                                  "cci_20",
                                                  "mfi_14",
                                                  "obv",
                                                  "stoch_k_14_3_3",
                                                  "stoch_d_14_3_3",
                                                  "roc_10"}));
  EXPECT_FALSE(r->uses_ref());
}

TEST(Recipe, EveryKindBuildsAndStreams) {
  // Each kind with its defaults: builds, produces its named columns, survives a few bars.
  for (const KindDef& k : AllKinds()) {
    auto r = FeatureRecipe::FromSpecs("one", {FeatureSpec{std::string(k.kind), {}}});
    ASSERT_TRUE(r.ok()) << k.kind << ": " << r.error().message;
    auto s = FeatureStream::Create(*r);
    ASSERT_TRUE(s.ok()) << k.kind;
    Bar b{0, 100, 101, 99, 100.5, 10};
    for (int i = 0; i < 5; ++i) {
      b.ts_ms += 60000;
      EXPECT_EQ(s->Update(b, &b).size(), r->names().size()) << k.kind;
    }
  }
}

}  // namespace
}  // namespace huracan::features
