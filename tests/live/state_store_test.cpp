#include "live/state_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/fs.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

LiveState Sample(int64_t bar_ms) {
  LiveState s;
  s.feed_position = R"({"last_ts_ms":)" + std::to_string(bar_ms) + "}";
  s.saved_at_ms = bar_ms + 1000;
  s.symbols["BTCUSDT-PERP"] = R"({"position":{"side":"long","size":0.5,"entry":61000.5},"cooldown_bars":0})";
  s.symbols["SOLUSDT"] = "{\"meta\":[0.1,0.2],\"note\":\"quote \\\" and\\nnewline\"}";
  return s;
}

TEST(StateStore, FirstStartHasNoState) {
  auto store = StateStore::Open(testing::MakeTempDir("state") + "/new/sub");
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto loaded = store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->has_value());
}

TEST(StateStore, RoundTrip) {
  auto store = StateStore::Open(testing::MakeTempDir("state"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(store->Save(Sample(100)).ok());
  ASSERT_TRUE(store->Save(Sample(200)).ok());
  auto loaded = store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, Sample(200));
  EXPECT_EQ(std::filesystem::path(store->path()).filename(), "state.json");
}

// A feed's start is saved only when set: a replay's state file has no "first_bar_ms" key.
TEST(StateStore, TheFeedStartIsKeptOnlyWhenSet) {
  LiveState s = Sample(100);
  EXPECT_EQ(EncodeLiveState(s).find("first_bar_ms"), std::string::npos);
  s.first_bar_ms = 1761350400000;
  const std::string bytes = EncodeLiveState(s);
  EXPECT_NE(bytes.find(R"("first_bar_ms":1761350400000)"), std::string::npos);
  auto back = DecodeLiveState(bytes, "state.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, s);
  auto replay = DecodeLiveState(EncodeLiveState(Sample(100)), "state.json");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->first_bar_ms, 0);
}

TEST(StateStore, TornOrCorruptFileIsReportedWithItsName) {
  auto store = StateStore::Open(testing::MakeTempDir("state"));
  ASSERT_TRUE(store.ok());
  const std::string good = EncodeLiveState(Sample(100));
  struct Case {
    std::string bytes;
    std::string why;
  };
  std::string flipped = good;
  flipped[flipped.size() - 5] ^= 0x01;
  const Case cases[] = {
      {good.substr(0, good.size() - 7), "torn file?"},         {good.substr(0, 20), "no header line"},
      {flipped, "SHA-256 of the body does not match"},         {"", "no header line"},
      {"{\"format\":\"other\"}\n{}", "not a live state file"}, {"not json\n{}", "corrupt live state"},
  };
  for (const Case& c : cases) {
    std::ofstream(store->path(), std::ios::binary | std::ios::trunc) << c.bytes;
    auto loaded = store->Load();
    ASSERT_FALSE(loaded.ok()) << c.why;
    EXPECT_EQ(loaded.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(loaded.error().message.find(store->path() + ": corrupt live state"), std::string::npos)
        << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(c.why), std::string::npos) << loaded.error().message;
  }
}

// A crash after the new state's temp file is written but before the rename: the previous state
// is intact, and reopening the store removes the orphaned temp file.
TEST(StateStore, CrashBetweenTempWriteAndRenameKeepsThePreviousState) {
  const std::string dir = testing::MakeTempDir("state");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(store->Save(Sample(100)).ok());
  auto staged = StageFile(store->path(), EncodeLiveState(Sample(200)));  // ... and the process dies here
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  ASSERT_TRUE(std::filesystem::exists(*staged));

  auto reopened = StateStore::Open(dir);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(std::filesystem::exists(*staged));
  auto loaded = reopened->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, Sample(100));
  // After the rename, the new state is the one read.
  ASSERT_TRUE(reopened->Save(Sample(200)).ok());
  EXPECT_EQ(**reopened->Load(), Sample(200));
}

}  // namespace
}  // namespace huracan::live
