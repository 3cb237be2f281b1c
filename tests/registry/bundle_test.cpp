#include "registry/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/sha256.h"
#include "registry_fixtures.h"
#include "storage/local_store.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {
namespace fs = std::filesystem;
using testing_fixtures::MakeBundle;

std::unique_ptr<storage::LocalObjectStore> OpenStore(const std::string& root) {
  return std::move(storage::LocalObjectStore::Open(root)).value();
}

TEST(ModelBin, RoundTripKeepsSectionsByteExactAndInOrder) {
  ModelBundle b = MakeBundle("BTCUSDT", 3);
  std::string bytes = b.model.Serialize();
  EXPECT_EQ(bytes.substr(0, 8), "HURMODEL");
  auto parsed = ModelBin::Parse(bytes, "model.bin");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, b.model);
  EXPECT_EQ(parsed->names(), (std::vector<std::string>{"trend_ma", "gbdt.ubj", "meta", "regime"}));
  EXPECT_EQ(*parsed->Find("gbdt.ubj"), *b.model.Find("gbdt.ubj"));
  EXPECT_EQ(parsed->Find("absent"), nullptr);
  // Empty container is valid too.
  EXPECT_TRUE(ModelBin::Parse(ModelBin().Serialize(), "empty").ok());
  // Duplicate / empty names are refused.
  ModelBin m;
  EXPECT_TRUE(m.Add("a", "1").ok());
  EXPECT_FALSE(m.Add("a", "2").ok());
  EXPECT_FALSE(m.Add("", "2").ok());
  EXPECT_FALSE(m.Add(std::string(256, 'n'), "2").ok());
}

TEST(ModelBin, EveryTruncationAndByteFlipIsRefused) {
  std::string bytes = MakeBundle("BTCUSDT", 1).model.Serialize();
  for (size_t n = 0; n < bytes.size(); n += (n < 200 ? 1 : 97)) {
    auto r = ModelBin::Parse(std::string_view(bytes).substr(0, n), "model.bin");
    ASSERT_FALSE(r.ok()) << "accepted a truncation to " << n << " bytes";
    EXPECT_EQ(r.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(r.error().message.find("model.bin"), std::string::npos);
  }
  for (size_t i = 0; i < bytes.size(); i += 13) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    EXPECT_FALSE(ModelBin::Parse(bad, "model.bin").ok()) << "accepted a flip at byte " << i;
  }
}

TEST(Bundle, WriteReadVerifyAndSha256sumCompatible) {
  std::string root = testing::MakeTempDir("bundle");
  auto store = OpenStore(root);
  ModelBundle b = MakeBundle("BTCUSDT", 2);
  const std::string prefix = "challengers/BTCUSDT/20251108T020000Z/";
  auto sha = WriteBundle(*store, prefix, b);
  ASSERT_TRUE(sha.ok()) << sha.error().message;
  EXPECT_EQ(*store->List(prefix), (std::vector<std::string>{prefix + "config.json", prefix + "metrics.json",
                                                            prefix + "model.bin", prefix + "sha256.txt"}));
  EXPECT_EQ(*sha, Sha256Hex(*store->Get(prefix + "sha256.txt")));
  auto verified = VerifyBundle(*store, prefix, *sha);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(*verified, *sha);

  auto back = ReadBundle(*store, prefix, *sha);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->model, b.model);
  EXPECT_EQ(back->config.symbol, "BTCUSDT");
  EXPECT_EQ(back->config.feature_hash, b.config.feature_hash);
  EXPECT_EQ(back->config.engines, b.config.engines);
  EXPECT_EQ(back->config.data_end_ms, b.config.data_end_ms);
  EXPECT_EQ(back->config.code_version, HURACAN_VERSION);
  EXPECT_EQ(back->config.recipe, b.config.recipe);
  EXPECT_EQ(back->metrics, b.metrics);

  // The manifest is what the standard tool expects.
  auto check = testing::RunCommand("cd " + testing::ShellQuote(root + "/" + prefix) + " && sha256sum -c sha256.txt");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("model.bin: OK"), std::string::npos);

  // Writing the same bundle again gives the same manifest (deterministic encoding).
  EXPECT_EQ(*WriteBundle(*store, "challengers/BTCUSDT/20251109T020000Z/", b), *sha);
}

TEST(Bundle, TamperedFileIsRefusedNamingIt) {
  for (const std::string file : {"model.bin", "config.json", "metrics.json"}) {
    std::string root = testing::MakeTempDir("bundle");
    auto store = OpenStore(root);
    const std::string prefix = "models/ETHUSDT/20251108T020000Z/";
    auto sha = WriteBundle(*store, prefix, MakeBundle("ETHUSDT", 1));
    ASSERT_TRUE(sha.ok());
    {
      std::fstream f(root + "/" + prefix + file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(20);
      f.put('#');
    }
    auto v = VerifyBundle(*store, prefix, *sha);
    ASSERT_FALSE(v.ok()) << file;
    EXPECT_EQ(v.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(v.error().message.find(prefix + file), std::string::npos) << v.error().message;
    EXPECT_NE(v.error().message.find("sha256 mismatch"), std::string::npos) << v.error().message;
    auto r = ReadBundle(*store, prefix);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(file), std::string::npos) << r.error().message;
  }
}

TEST(Bundle, EditedManifestMissingFileAndWrongExpectedShaAreRefused) {
  std::string root = testing::MakeTempDir("bundle");
  auto store = OpenStore(root);
  const std::string prefix = "models/SOLUSDT/20251108T020000Z/";
  auto sha = WriteBundle(*store, prefix, MakeBundle("SOLUSDT", 1));
  ASSERT_TRUE(sha.ok());
  // Someone "fixes" the manifest after tampering: the manifest hash no longer matches the pointer's.
  std::string manifest = *store->Get(prefix + "sha256.txt");
  std::string metrics = *store->Get(prefix + "metrics.json");
  ASSERT_TRUE(store->Put(prefix + "metrics.json", "{\"net_sharpe\": 99}\n").ok());
  std::string fixed = MakeManifest({{"config.json", *store->Get(prefix + "config.json")},
                                    {"metrics.json", *store->Get(prefix + "metrics.json")},
                                    {"model.bin", *store->Get(prefix + "model.bin")}});
  ASSERT_TRUE(store->Put(prefix + "sha256.txt", fixed).ok());
  EXPECT_TRUE(VerifyBundle(*store, prefix).ok());  // self-consistent...
  auto v = VerifyBundle(*store, prefix, *sha);     // ...but not the bundle that was promoted
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("sha256.txt"), std::string::npos);

  ASSERT_TRUE(store->Put(prefix + "sha256.txt", manifest).ok());
  ASSERT_TRUE(store->Put(prefix + "metrics.json", metrics).ok());
  ASSERT_TRUE(VerifyBundle(*store, prefix, *sha).ok());
  ASSERT_TRUE(store->Delete(prefix + "model.bin").ok());
  auto missing = VerifyBundle(*store, prefix);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("model.bin"), std::string::npos);

  ASSERT_TRUE(store->Put(prefix + "sha256.txt", "garbage\n").ok());
  auto garbage = VerifyBundle(*store, prefix);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("sha256.txt: line 1"), std::string::npos);
  ASSERT_TRUE(store->Delete(prefix + "sha256.txt").ok());
  EXPECT_EQ(VerifyBundle(*store, prefix).error().code, ErrorCode::kNotFound);
}

TEST(Bundle, ConfigRequiresItsKeysAndKeepsExtras) {
  BundleConfig c = MakeBundle("BTCUSDT", 1).config;
  c.extra = {{"walk_forward", {{"folds", 5}}}};
  nlohmann::json j = c.ToJson();
  EXPECT_EQ(j["data_window"]["start_ms"], 1759276800000);
  auto back = BundleConfig::FromJson(j, "config.json");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->extra["walk_forward"]["folds"], 5);
  j.erase("feature_hash");
  auto bad = BundleConfig::FromJson(j, "config.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("feature_hash"), std::string::npos);
}

}  // namespace
}  // namespace huracan::registry
