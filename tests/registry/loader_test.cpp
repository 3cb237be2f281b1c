#include "registry/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "costs/cost_presets.h"
#include "features/recipe.h"
#include "registry/archive.h"
#include "registry_fixtures.h"
#include "storage/local_store.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {
namespace fs = std::filesystem;
using testing_fixtures::MakeBundle;

features::FeatureRecipe DefaultRecipe() { return std::move(features::LoadRecipe("default")).value(); }

// A bundle the default recipe accepts: no engines (so no feature columns are needed), a real regime
// section and the resolved costs in config.json, as training writes them.
ModelBundle LoadableBundle(const std::string& symbol) {
  ModelBundle b;
  (void)b.model.Add(kMetaSection, "");
  (void)b.model.Add(kRegimeSection, regime::RegimeThresholds().Save());
  b.config.symbol = symbol;
  b.config.feature_hash = DefaultRecipe().hash();
  costs::CostConfig c = costs::CostConfig::ForSymbol(symbol);
  c.taker_fee_bps = 1.25;
  b.config.extra = {{"costs", costs::CostConfigToJson(c)}};
  b.metrics = {{"combined", {{"trades", 3}}}};
  return b;
}

// Writes `b` as a bundle folder (the four files) and returns the folder.
std::string WriteDir(const ModelBundle& b, const std::string& name) {
  std::string root = huracan::testing::MakeTempDir("loader");
  auto store = std::move(storage::LocalObjectStore::Open(root)).value();
  EXPECT_TRUE(WriteBundle(*store, name + "/", b).ok());
  return root + "/" + name;
}

TEST(Loader, LoadsABundleFolderWithItsCostsRegimeAndMeta) {
  std::string dir = WriteDir(LoadableBundle("SOLUSDT"), "SOLUSDT-bundle");
  auto m = LoadModelDir(dir, DefaultRecipe(), {});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->model_id, "SOLUSDT-bundle");
  EXPECT_TRUE(m->engines.empty());
  EXPECT_DOUBLE_EQ(m->costs.taker_fee_bps, 1.25);
  EXPECT_EQ(m->bundle.config.symbol, "SOLUSDT");
  EXPECT_TRUE(m->warnings.empty());
  EXPECT_TRUE(m->where.ends_with("SOLUSDT-bundle/")) << m->where;
}

TEST(Loader, ATamperedFileIsRefusedNamingTheFile) {
  std::string dir = WriteDir(LoadableBundle("SOLUSDT"), "b");
  std::ofstream(dir + "/metrics.json", std::ios::app) << " ";
  auto m = LoadModelDir(dir, DefaultRecipe(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(m.error().message.find("metrics.json: sha256 mismatch"), std::string::npos) << m.error().message;

  std::string dir2 = WriteDir(LoadableBundle("SOLUSDT"), "c");
  std::ofstream(dir2 + "/model.bin", std::ios::app) << "x";
  auto m2 = LoadModelDir(dir2, DefaultRecipe(), {});
  ASSERT_FALSE(m2.ok());
  EXPECT_NE(m2.error().message.find("model.bin: sha256 mismatch"), std::string::npos) << m2.error().message;
}

TEST(Loader, ARecipeHashMismatchIsRefusedNamingConfigJson) {
  ModelBundle b = MakeBundle("SOLUSDT", 1);  // feature hash "f00d1"
  std::string root = huracan::testing::MakeTempDir("loader");
  auto store = std::move(storage::LocalObjectStore::Open(root)).value();
  ASSERT_TRUE(WriteBundle(*store, ChallengerPrefix("SOLUSDT", "20251108T000000Z"), b).ok());
  auto m = LoadModel(*store, ChallengerPrefix("SOLUSDT", "20251108T000000Z"), "SOLUSDT@20251108T000000Z",
                     DefaultRecipe(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(m.error().message.find("challengers/SOLUSDT/20251108T000000Z/config.json: feature hash f00d1 differs"),
            std::string::npos)
      << m.error().message;
}

TEST(Loader, MissingFolderAndMissingChampionAreNotFound) {
  auto m = LoadModelDir(huracan::testing::MakeTempDir("loader") + "/absent", DefaultRecipe(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kNotFound);
  auto store = std::move(storage::LocalObjectStore::Open(huracan::testing::MakeTempDir("loader"))).value();
  auto c = LoadChampionModel(*store, "SOLUSDT", DefaultRecipe(), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace huracan::registry
