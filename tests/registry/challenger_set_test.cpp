#include "registry/challenger_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "registry/archive.h"
#include "registry_fixtures.h"
#include "storage/local_store.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {
using testing_fixtures::MakeBundle;

ChallengerEntry Entry(const StoredBundle& b, const std::string& parent) {
  return {b.model_id, b.prefix, b.manifest_sha256, parent, "mechanic", "2025-11-08T03:00:00.000Z"};
}

TEST(ChallengerSet, KeepsTheNewestFirstAtMostMaxAndNeverTheChampion) {
  ChallengerSet set{"BTCUSDT", {}};
  auto e = [](const std::string& id) { return ChallengerEntry{id, "p/", std::string(64, 'a'), "C", "mechanic", ""}; };
  set = WithChallenger(set, e("A"), "C", 2);
  set = WithChallenger(set, e("B"), "C", 2);
  set = WithChallenger(set, e("D"), "C", 2);
  ASSERT_EQ(set.challengers.size(), 2u);
  EXPECT_EQ(set.challengers[0].model_id, "D");
  EXPECT_EQ(set.challengers[1].model_id, "B");
  set = WithChallenger(set, e("B"), "C", 2);  // re-adding moves it first, no duplicate
  EXPECT_EQ(set.challengers[0].model_id, "B");
  EXPECT_EQ(set.challengers.size(), 2u);
  set = WithChallenger(set, e("X"), "D", 2);  // D became champion: it leaves the set
  EXPECT_EQ(set.challengers[0].model_id, "X");
  EXPECT_EQ(set.challengers[1].model_id, "B");
  EXPECT_EQ(WithChallenger(set, e("Z"), "Z", 2).challengers.size(), 2u);  // the champion is never added
  set = WithoutChallenger(set, "X");
  ASSERT_EQ(set.challengers.size(), 1u);
  EXPECT_EQ(set.challengers[0].model_id, "B");
}

TEST(ChallengerSet, RoundTripsAndRefusesAnUnverifiedBundleOrABadFile) {
  std::string root = testing::MakeTempDir("challenger_set");
  auto store = std::move(storage::LocalObjectStore::Open(root)).value();
  Archive archive(*store);
  EXPECT_FALSE(ReadChallengerSet(*store, "BTCUSDT")->has_value());
  auto a = archive.StoreChallenger("BTCUSDT", "20251108T020000Z", MakeBundle("BTCUSDT", 1));
  auto b = archive.StoreChallenger("BTCUSDT", "20251108T030000Z", MakeBundle("BTCUSDT", 2));
  ASSERT_TRUE(a.ok() && b.ok());
  ChallengerSet set = WithChallenger({"BTCUSDT", {}}, Entry(*b, a->model_id), a->model_id, 2);
  ASSERT_TRUE(WriteChallengerSet(*store, set).ok());
  auto read = ReadChallengerSet(*store, "BTCUSDT");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->challengers, set.challengers);

  // A bundle that does not verify: nothing is written, the error names the challenger.
  ChallengerEntry bad = Entry(*a, "");
  bad.sha256 = std::string(64, '0');
  Status st = WriteChallengerSet(*store, WithChallenger(set, bad, "", 2));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find(a->model_id), std::string::npos) << st.error().message;
  EXPECT_EQ((*ReadChallengerSet(*store, "BTCUSDT"))->challengers, set.challengers);

  std::ofstream(root + "/" + ChallengerSetKey("BTCUSDT")) << "{\"symbol\": 3";
  auto broken = ReadChallengerSet(*store, "BTCUSDT");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("challengers.json"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace huracan::registry
