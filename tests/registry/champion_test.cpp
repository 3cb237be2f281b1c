#include "registry/champion.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/sha256.h"
#include "registry/archive.h"
#include "registry_fixtures.h"
#include "storage/local_store.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {
namespace fs = std::filesystem;
using testing_fixtures::MakeBundle;

constexpr int64_t kT0 = 1762567200000;  // 2025-11-08T02:00:00Z

std::unique_ptr<storage::LocalObjectStore> OpenStore(const std::string& root, storage::LocalStoreOptions o = {}) {
  return std::move(storage::LocalObjectStore::Open(root, std::move(o))).value();
}

void Corrupt(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(30);
  f.put('!');
}

TEST(Archive, LayoutNamesAndTimestamps) {
  EXPECT_EQ(FormatArchiveTimestamp(kT0), "20251108T020000Z");
  EXPECT_EQ(*ParseArchiveTimestamp("20251108T020000Z"), kT0);
  EXPECT_FALSE(ParseArchiveTimestamp("20251308T020000Z").ok());
  EXPECT_FALSE(ParseArchiveTimestamp("2025-11-08T02:00").ok());
  EXPECT_EQ(FormatDate(kT0), "2025-11-08");
  EXPECT_EQ(ChallengerPrefix("BTCUSDT", "20251108T020000Z"), "challengers/BTCUSDT/20251108T020000Z/");
  EXPECT_EQ(ModelPrefix("BTCUSDT", "20251108T020000Z"), "models/BTCUSDT/20251108T020000Z/");
  EXPECT_EQ(ChampionPointerKey("BTCUSDT"), "champion/BTCUSDT/latest.json");
  EXPECT_EQ(DailySummaryKey("2025-11-08"), "summaries/daily/2025-11-08.json");
  EXPECT_EQ(LiveTradesKey("20251108"), "live_logs/trades/20251108.parquet");
  EXPECT_EQ(MakeModelId("BTCUSDT", "20251108T020000Z"), "BTCUSDT@20251108T020000Z");
  EXPECT_TRUE(ValidateSymbol("1000PEPEUSDT").ok());
  for (const char* bad : {"", "btc", "../X", "A/B", ".X", "A B", "_X"}) EXPECT_FALSE(ValidateSymbol(bad).ok()) << bad;
}

TEST(Archive, StoreChallengerThenPromoteWritesModelsThenPointer) {
  std::string root = testing::MakeTempDir("archive");
  // Record the order in which objects become visible.
  std::vector<std::string> puts;
  storage::LocalStoreOptions opt;
  opt.before_rename = [&](const std::string& key, const std::string&) {
    puts.push_back(key);
    return Status::Ok();
  };
  auto store = OpenStore(root, opt);
  Archive archive(*store);
  auto stored = archive.StoreChallenger("BTCUSDT", "20251108T020000Z", MakeBundle("BTCUSDT", 1));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->prefix, "challengers/BTCUSDT/20251108T020000Z/");
  EXPECT_EQ(stored->model_id, "BTCUSDT@20251108T020000Z");
  EXPECT_EQ(puts.back(), "challengers/BTCUSDT/20251108T020000Z/sha256.txt");  // manifest last
  EXPECT_FALSE(*store->Exists("champion/BTCUSDT/latest.json"));

  puts.clear();
  auto pointer = archive.Promote(*stored, kT0, "first model");
  ASSERT_TRUE(pointer.ok()) << pointer.error().message;
  ASSERT_FALSE(puts.empty());
  EXPECT_EQ(puts.back(), "champion/BTCUSDT/latest.json");
  EXPECT_EQ(puts[puts.size() - 2], "models/BTCUSDT/20251108T020000Z/sha256.txt");
  EXPECT_EQ(pointer->current.path, "models/BTCUSDT/20251108T020000Z/");
  EXPECT_EQ(pointer->current.sha256, stored->manifest_sha256);
  EXPECT_EQ(pointer->current.promoted_at, "2025-11-08T02:00:00.000Z");

  // The pointer file holds the documented keys.
  auto j = nlohmann::json::parse(*store->Get("champion/BTCUSDT/latest.json"));
  for (const char* key : {"symbol", "model_id", "path", "sha256", "promoted_at", "previous"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["sha256"], Sha256Hex(*store->Get("models/BTCUSDT/20251108T020000Z/sha256.txt")));

  EXPECT_EQ(*archive.ListChallengers("BTCUSDT"), std::vector<std::string>{"20251108T020000Z"});
  EXPECT_EQ(*archive.ListModels("BTCUSDT"), std::vector<std::string>{"20251108T020000Z"});
  EXPECT_EQ(*archive.ListChampionSymbols(), std::vector<std::string>{"BTCUSDT"});

  // Promoting the same challenger again changes nothing.
  puts.clear();
  auto again = archive.Promote(*stored, kT0 + 1000, "again");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(puts.empty());
  EXPECT_TRUE(again->previous.empty());
}

TEST(Archive, PointerIsNotWrittenWhenTheBundleFailsVerification) {
  std::string root = testing::MakeTempDir("archive");
  auto store = OpenStore(root);
  Archive archive(*store);
  auto first = archive.StoreChallenger("ETHUSDT", "20251107T020000Z", MakeBundle("ETHUSDT", 1));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(archive.Promote(*first, kT0 - 86400000, "first").ok());
  std::string before = *store->Get("champion/ETHUSDT/latest.json");

  auto second = archive.StoreChallenger("ETHUSDT", "20251108T020000Z", MakeBundle("ETHUSDT", 2));
  ASSERT_TRUE(second.ok());
  Corrupt(root + "/challengers/ETHUSDT/20251108T020000Z/model.bin");  // damaged after the decision
  auto promoted = archive.Promote(*second, kT0, "better");
  ASSERT_FALSE(promoted.ok());
  EXPECT_NE(promoted.error().message.find("model.bin"), std::string::npos) << promoted.error().message;
  EXPECT_EQ(*store->Get("champion/ETHUSDT/latest.json"), before);  // unchanged
  EXPECT_FALSE(*store->Exists("models/ETHUSDT/20251108T020000Z/sha256.txt"));

  // SetChampion directly with a wrong sha256 is refused too.
  ChampionEntry wrong{"ETHUSDT@x", "challengers/ETHUSDT/20251107T020000Z/", std::string(64, 'a'), "", "", ""};
  auto set = SetChampion(*store, "ETHUSDT", wrong);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("not written"), std::string::npos);
  EXPECT_EQ(*store->Get("champion/ETHUSDT/latest.json"), before);
}

TEST(Champion, LoaderKeepsPreviousChampionWhenCurrentIsCorruptOrMissing) {
  std::string root = testing::MakeTempDir("archive");
  auto store = OpenStore(root);
  Archive archive(*store);
  auto a = archive.StoreChallenger("SOLUSDT", "20251107T020000Z", MakeBundle("SOLUSDT", 1));
  auto b = archive.StoreChallenger("SOLUSDT", "20251108T020000Z", MakeBundle("SOLUSDT", 2));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(archive.Promote(*a, kT0 - 86400000, "first").ok());
  auto p = archive.Promote(*b, kT0, "beats A");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->previous.size(), 1u);
  EXPECT_EQ(p->previous[0].model_id, "SOLUSDT@20251107T020000Z");

  auto ok = LoadChampion(*store, "SOLUSDT");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->fell_back);
  EXPECT_EQ(ok->entry.model_id, "SOLUSDT@20251108T020000Z");
  EXPECT_EQ(ok->bundle.config.feature_hash, "f00d2");
  EXPECT_TRUE(ok->warnings.empty());

  Corrupt(root + "/models/SOLUSDT/20251108T020000Z/config.json");
  auto fell = LoadChampion(*store, "SOLUSDT");
  ASSERT_TRUE(fell.ok()) << fell.error().message;
  EXPECT_TRUE(fell->fell_back);
  EXPECT_EQ(fell->entry.model_id, "SOLUSDT@20251107T020000Z");
  EXPECT_EQ(fell->bundle.config.feature_hash, "f00d1");
  ASSERT_EQ(fell->warnings.size(), 2u);
  EXPECT_NE(fell->warnings[0].find("SOLUSDT@20251108T020000Z"), std::string::npos);
  EXPECT_NE(fell->warnings[0].find("config.json"), std::string::npos);
  EXPECT_NE(fell->warnings[1].find("keeping previous champion SOLUSDT@20251107T020000Z"), std::string::npos);

  // Missing bundle: same fallback.
  fs::remove_all(root + "/models/SOLUSDT/20251108T020000Z");
  auto gone = LoadChampion(*store, "SOLUSDT");
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->fell_back);
  EXPECT_NE(gone->warnings[0].find("missing"), std::string::npos);

  // Nothing usable: DataLoss, naming both.
  Corrupt(root + "/models/SOLUSDT/20251107T020000Z/model.bin");
  auto none = LoadChampion(*store, "SOLUSDT");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(none.error().message.find("SOLUSDT@20251107T020000Z"), std::string::npos);

  // No pointer at all: NotFound (the coin is not traded).
  auto no = LoadChampion(*store, "XRPUSDT");
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code, ErrorCode::kNotFound);
}

TEST(Champion, RollbackMovesToPreviousValidChampionAndRecordsIt) {
  std::string root = testing::MakeTempDir("archive");
  auto store = OpenStore(root);
  Archive archive(*store);
  std::vector<StoredBundle> stored;
  for (int i = 0; i < 3; ++i) {
    std::string ts = FormatArchiveTimestamp(kT0 + i * 86400000LL);
    auto s = archive.StoreChallenger("BTCUSDT", ts, MakeBundle("BTCUSDT", i));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(archive.Promote(*s, kT0 + i * 86400000LL, "day " + std::to_string(i)).ok());
    stored.push_back(*s);
  }
  auto p = ReadChampionPointer(*store, "BTCUSDT");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->current.model_id, stored[2].model_id);
  ASSERT_EQ((*p)->previous.size(), 2u);
  EXPECT_EQ((*p)->previous[0].model_id, stored[1].model_id);  // most recent first

  // The most recent previous one is corrupt: rollback skips it, and says so.
  Corrupt(root + "/models/BTCUSDT/" + stored[1].timestamp + "/model.bin");
  auto r = RollbackChampion(*store, "BTCUSDT", kT0 + 3 * 86400000LL);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->from.model_id, stored[2].model_id);
  EXPECT_EQ(r->to.model_id, stored[0].model_id);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find(stored[1].model_id), std::string::npos);
  auto after = ReadChampionPointer(*store, "BTCUSDT");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->current.model_id, stored[0].model_id);
  EXPECT_TRUE((*after)->previous.empty());
  ASSERT_EQ((*after)->rolled_back.size(), 1u);
  EXPECT_EQ((*after)->rolled_back[0].model_id, stored[2].model_id);
  EXPECT_EQ((*after)->rolled_back[0].rolled_back_at, "2025-11-11T02:00:00.000Z");
  EXPECT_TRUE(LoadChampion(*store, "BTCUSDT").ok());

  // Nothing left to roll back to.
  auto none = RollbackChampion(*store, "BTCUSDT", kT0);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RollbackChampion(*store, "ETHUSDT", kT0).error().code, ErrorCode::kNotFound);
}

TEST(Champion, UnreadablePointerIsDataLossNamingTheFile) {
  std::string root = testing::MakeTempDir("archive");
  auto store = OpenStore(root);
  ASSERT_TRUE(store->Put("champion/BTCUSDT/latest.json", "{not json").ok());
  auto p = ReadChampionPointer(*store, "BTCUSDT");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(p.error().message.find("champion/BTCUSDT/latest.json"), std::string::npos);
  ASSERT_TRUE(store
                  ->Put("champion/BTCUSDT/latest.json",
                        "{\"symbol\":\"ETHUSDT\",\"model_id\":\"x\",\"path\":\"p/\","
                        "\"sha256\":\"s\"}")
                  .ok());
  auto wrong = ReadChampionPointer(*store, "BTCUSDT");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("ETHUSDT"), std::string::npos);
}

}  // namespace
}  // namespace huracan::registry
