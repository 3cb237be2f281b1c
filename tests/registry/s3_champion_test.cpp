// Champion pointers on the S3 backend (scripts/with-s3.sh, ctest registry.s3): the pointer is
// one PUT of latest.json after every object of the bundle is uploaded and verified, and a failed
// upload (faults injected at every point of a promotion in turn) never moves it.
#include <gtest/gtest.h>

#include <algorithm>

#include "registry/archive.h"
#include "registry/champion.h"
#include "registry_fixtures.h"
#include "storage/s3_store.h"
#include "support/s3_test_server.h"

namespace huracan::registry {
namespace {
using testing_fixtures::MakeBundle;

constexpr int64_t kT0 = 1762567200000;  // 2025-11-08T02:00:00Z

std::unique_ptr<storage::S3ObjectStore> OpenS3(const std::string& prefix) {
  auto c = storage::S3Config::FromUrl(std::string(std::getenv("HURACAN_TEST_S3_URL")) + "/" + prefix);
  EXPECT_TRUE(c.ok()) << c.error().message;
  c->retry = RetryPolicy{1, 10, 50};  // 2 attempts: an injected fault of 2 requests fails the call
  return std::move(storage::S3ObjectStore::Open(*c)).value();
}

TEST(S3Server, PromotionWritesThePointerOnceAndLast) {
  HURACAN_REQUIRE_S3();
  auto store = OpenS3("registry-order");
  Archive archive(*store);
  auto stored = archive.StoreChallenger("BTCUSDT", "20251108T020000Z", MakeBundle("BTCUSDT", 1));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  const size_t before = huracan::testing::ReadS3Log().size();
  ASSERT_TRUE(archive.Promote(*stored, kT0, "first model").ok());
  std::vector<std::string> log = huracan::testing::ReadS3Log();
  log.erase(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(before));
  std::vector<std::string> puts;
  for (const auto& r : log)
    if (r.rfind("PUT ", 0) == 0) puts.push_back(r);
  ASSERT_FALSE(puts.empty());
  const std::string pointer_put = "PUT /huracan/registry-order/champion/BTCUSDT/latest.json";
  EXPECT_EQ(std::count(puts.begin(), puts.end(), pointer_put), 1);
  EXPECT_EQ(puts.back(), pointer_put);
  EXPECT_EQ(puts.size(), 5u);  // four bundle files, then the pointer
  auto loaded = LoadChampion(*store, "BTCUSDT");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry.model_id, "BTCUSDT@20251108T020000Z");
  EXPECT_FALSE(loaded->fell_back);
}

TEST(S3Server, AFailedUploadNeverMovesThePointer) {
  HURACAN_REQUIRE_S3();
  auto store = OpenS3("registry-faults");
  Archive archive(*store);
  auto first = archive.StoreChallenger("ETHUSDT", "20251107T020000Z", MakeBundle("ETHUSDT", 1));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(archive.Promote(*first, kT0 - 86400000, "first").ok());
  const std::string key = ChampionPointerKey("ETHUSDT");
  const std::string old_pointer = *store->Get(key);
  auto second = archive.StoreChallenger("ETHUSDT", "20251108T020000Z", MakeBundle("ETHUSDT", 2));
  ASSERT_TRUE(second.ok());

  // Let k requests of the promotion through, then fail 2 in a row (both attempts of a call).
  int failures = 0;
  bool promoted = false;
  for (int k = 0; k < 60 && !promoted; ++k) {
    huracan::testing::S3Fault("500", 2, 0, k);
    auto p = archive.Promote(*second, kT0, "better");
    huracan::testing::S3Fault("none", 0);
    auto now = store->Get(key);
    ASSERT_TRUE(now.ok()) << now.error().message;
    if (!p.ok()) {
      ++failures;
      EXPECT_NE(p.error().message.find("HTTP 500"), std::string::npos) << p.error().message;
      EXPECT_EQ(*now, old_pointer) << "pointer moved after a failed promotion (k=" << k << ")";
    } else {
      promoted = true;
      EXPECT_EQ(p->current.model_id, "ETHUSDT@20251108T020000Z");
    }
  }
  EXPECT_TRUE(promoted);
  EXPECT_GE(failures, 5);  // every read, copy and verification step failed once
  auto loaded = LoadChampion(*store, "ETHUSDT");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry.model_id, "ETHUSDT@20251108T020000Z");
  EXPECT_FALSE(loaded->fell_back);
}

}  // namespace
}  // namespace huracan::registry
