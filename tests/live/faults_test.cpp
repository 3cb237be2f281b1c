// Faults under the live runner's writers (docs/RELIABILITY.md, "Disk full" and "SQLite locked"):
// a full disk while a bundle, a Parquet trade day file, the live state file or the SQLite
// database is written, injected at the write call (core/fs.h's write fault hook), by SQLite's own
// page limit, and once on a real, small tmpfs; and the database locked by another writer for
// longer than the busy timeout. Each must fail with an error naming the file, leave the previous
// version whole where a reader looks and no temp file behind, and lose nothing on a retry.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "data/parquet.h"
#include "live/state_store.h"
#include "live/trade_log.h"
#include "registry/archive.h"
#include "registry/champion.h"
#include "registry/registry_fixtures.h"
#include "storage/local_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;
using huracan::testing::MakeTempDir;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

// Every write of a whole file whose path contains `needle` fails with ENOSPC while this lives.
class DiskFullFor {
 public:
  explicit DiskFullFor(std::string needle) {
    SetWriteFaultHookForTesting([needle = std::move(needle), this](const std::string& path) {
      if (path.find(needle) == std::string::npos) return 0;
      ++hits;
      return ENOSPC;
    });
  }
  ~DiskFullFor() { SetWriteFaultHookForTesting({}); }
  DiskFullFor(const DiskFullFor&) = delete;
  DiskFullFor& operator=(const DiskFullFor&) = delete;
  int hits = 0;
};

// Files under `dir` whose name marks a temp file (".tmp-" of the object store, ".tmp." of
// WriteFileAtomic).
std::vector<std::string> TempFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.find(".tmp.") != std::string::npos)
      out.push_back(e.path().string());
  }
  return out;
}

void ExpectFullDiskError(const Status& st, const std::string& names) {
  ASSERT_FALSE(st.ok()) << "the write should have failed";
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable) << st.error().message;
  EXPECT_NE(st.error().message.find(names), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find(std::strerror(ENOSPC)), std::string::npos) << st.error().message;
}

TradeRecord Trade(int i, int64_t time_ms) {
  TradeRecord t;
  t.time_ms = time_ms;
  t.symbol = "SOLUSDT";
  t.trade_id = TradeId(t.symbol, time_ms - 60000, "SOLUSDT@20251025T000000Z");
  t.side = i % 2 ? "short" : "long";
  t.size = 1000;
  t.entry = 180 + i;
  t.exit = 181 + i;
  t.fees = 0.5;
  t.net_pnl = 4.5 + i;
  t.model_id = "SOLUSDT@20251025T000000Z";
  return t;
}

constexpr int64_t kDay = 1761350400000;  // 2025-10-25T00:00Z

// A bundle written while model.bin cannot be written; then the champion pointer while it cannot
// be written: the store keeps the old champion, loadable and verified.
TEST(DiskFull, BundleAndChampionPointerKeepThePreviousChampion) {
  const std::string dir = MakeTempDir("diskfull-bundle");
  auto store = storage::LocalObjectStore::Open(dir);
  ASSERT_TRUE(store.ok());
  registry::Archive archive(**store);
  auto first =
      archive.StoreChallenger("SOLUSDT", "20251025T000000Z", registry::testing_fixtures::MakeBundle("SOLUSDT", 1));
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(archive.Promote(*first, kDay, "first").ok());
  {
    DiskFullFor full("20251026T000000Z/model.bin");
    auto second =
        archive.StoreChallenger("SOLUSDT", "20251026T000000Z", registry::testing_fixtures::MakeBundle("SOLUSDT", 2));
    ASSERT_FALSE(second.ok());
    ExpectFullDiskError(second.error(), "challengers/SOLUSDT/20251026T000000Z/model.bin");
    EXPECT_EQ(full.hits, 1);
  }
  // No manifest was written: the half-stored challenger is not a bundle.
  EXPECT_FALSE(fs::exists(dir + "/challengers/SOLUSDT/20251026T000000Z/sha256.txt"));
  EXPECT_FALSE(fs::exists(dir + "/challengers/SOLUSDT/20251026T000000Z/model.bin"));
  auto second =
      archive.StoreChallenger("SOLUSDT", "20251026T000000Z", registry::testing_fixtures::MakeBundle("SOLUSDT", 2));
  ASSERT_TRUE(second.ok()) << second.error().message;
  {
    DiskFullFor full("champion/SOLUSDT/");
    auto promoted = archive.Promote(*second, kDay + 86400000, "second");
    ASSERT_FALSE(promoted.ok());
    ExpectFullDiskError(promoted.error(), "champion/SOLUSDT/");
  }
  auto loaded = registry::LoadChampion(**store, "SOLUSDT");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry.model_id, first->model_id);
  EXPECT_FALSE(loaded->fell_back);
  EXPECT_TRUE(TempFiles(dir).empty());
  // Space again: the same promotion goes through.
  ASSERT_TRUE(archive.Promote(*second, kDay + 86400000, "second").ok());
  EXPECT_EQ(registry::LoadChampion(**store, "SOLUSDT")->entry.model_id, second->model_id);
}

// The Parquet trade day file: the append fails naming the file; the day file still holds the
// earlier trades; the same append after space is freed adds the new ones once.
TEST(DiskFull, TradeDayFileKeepsItsEarlierTrades) {
  const std::string dir = MakeTempDir("diskfull-trades");
  auto store = storage::LocalObjectStore::Open(dir);
  ASSERT_TRUE(store.ok());
  const std::vector<TradeRecord> a = {Trade(0, kDay + 3600000), Trade(1, kDay + 7200000)};
  const std::vector<TradeRecord> b = {Trade(2, kDay + 10800000)};
  ASSERT_EQ(*AppendTradesToDayFiles(**store, TradeBook::kShadow, a), 2);
  const std::string key = TradeDayKey(kDay);
  {
    DiskFullFor full(key);
    auto added = AppendTradesToDayFiles(**store, TradeBook::kShadow, b);
    ASSERT_FALSE(added.ok());
    ExpectFullDiskError(added.error(), dir + "/" + key);
  }
  auto rows = ReadTradeDayFile(**store, key);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].trade, a[1]);
  EXPECT_TRUE(TempFiles(dir).empty());
  ASSERT_EQ(*AppendTradesToDayFiles(**store, TradeBook::kShadow, b), 1);
  EXPECT_EQ(ReadTradeDayFile(**store, key)->size(), 3u);
}

// The live state file and any file written with WriteFileAtomic (here a Parquet file): the old
// content stays, no temp file is left.
TEST(DiskFull, StateFileAndParquetFileKeepTheirPreviousVersion) {
  const std::string dir = MakeTempDir("diskfull-state");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  LiveState s1;
  s1.feed_position = "1761350400000";
  s1.saved_at_ms = 1;
  s1.symbols["SOLUSDT"] = R"({"position":0})";
  ASSERT_TRUE(store->Save(s1).ok());
  LiveState s2 = s1;
  s2.feed_position = "1761350460000";
  s2.symbols["SOLUSDT"] = R"({"position":1})";
  {
    DiskFullFor full(StateStore::kFileName);
    ExpectFullDiskError(store->Save(s2), store->path());
  }
  auto loaded = store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(**loaded, s1);
  EXPECT_TRUE(TempFiles(dir).empty());

  const std::string parquet = dir + "/trades.parquet";
  ASSERT_TRUE(data::WriteParquet(parquet, TradesToParquet({Trade(0, kDay)}, {TradeBook::kLive})).ok());
  {
    DiskFullFor full("trades.parquet");
    ExpectFullDiskError(data::WriteParquet(parquet, TradesToParquet({Trade(0, kDay), Trade(1, kDay + 60000)},
                                                                    {TradeBook::kLive, TradeBook::kLive})),
                        parquet);
  }
  auto table = data::ReadParquet(parquet);
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->num_rows, 1);
  EXPECT_TRUE(TempFiles(dir).empty());
}

// SQLite's own "database or disk is full" (its page limit reached): the trade batch is rolled
// back whole, the error names the database, and the batch goes in once there is room.
TEST(DiskFull, SqliteFullRollsBackTheTradeBatch) {
  const std::string path = MakeTempDir("diskfull-sqlite") + "/live.db";
  auto db = storage::OpenSqlite(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  ASSERT_EQ(*InsertTrades(**db, TradeBook::kLive, {Trade(0, kDay)}), 1);
  ASSERT_TRUE(UpsertDailyEquity(**db, {"2025-10-25", 100000, 0, 1000, 1}).ok());
  const int64_t pages = *(*db)->Query("PRAGMA page_count")->rows[0].Int(0);
  ASSERT_TRUE((*db)->Query("PRAGMA max_page_count = " + std::to_string(pages)).ok());
  std::vector<TradeRecord> batch;
  for (int i = 1; i <= 400; ++i) {
    batch.push_back(Trade(i, kDay + i * 60000));
    batch.back().model_id += std::string(200, 'x');  // big rows: the batch needs new pages
  }
  auto full = InsertTrades(**db, TradeBook::kLive, batch);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kUnavailable) << full.error().message;
  EXPECT_NE(full.error().message.find("sqlite:" + path), std::string::npos) << full.error().message;
  EXPECT_NE(full.error().message.find("full"), std::string::npos) << full.error().message;
  EXPECT_EQ(ReadTrades(**db, TradeBook::kLive)->size(), 1u);  // nothing half-written
  EXPECT_EQ(*(*db)->Query("PRAGMA integrity_check")->rows[0].Text(0), "ok");
  ASSERT_TRUE((*db)->Query("PRAGMA max_page_count = 1073741823").ok());
  ASSERT_EQ(*InsertTrades(**db, TradeBook::kLive, batch), 400);
  EXPECT_EQ(ReadTrades(**db, TradeBook::kLive)->size(), 401u);
}

// A real full disk: a 512 KiB tmpfs (needs root and mount; skipped otherwise). The object store,
// the state file and SQLite each hit ENOSPC from the kernel.
class RealTmpfs : public ::testing::Test {
 protected:
  void SetUp() override {
    mnt_ = MakeTempDir("tmpfs") + "/mnt";
    fs::create_directories(mnt_);
    auto r = RunCommand("mount -t tmpfs -o size=512k tmpfs " + ShellQuote(mnt_) + " 2>&1");
    if (r.exit_code != 0) GTEST_SKIP() << "cannot mount a tmpfs here (needs root and mount): " << r.out << r.err;
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) (void)RunCommand("umount -l " + ShellQuote(mnt_));
  }
  std::string mnt_;
  bool mounted_ = false;
};

TEST_F(RealTmpfs, EveryWriterFailsCleanlyWhenTheDiskIsFull) {
  auto store = storage::LocalObjectStore::Open(mnt_ + "/archive");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a/b.json", "old").ok());
  auto big = (*store)->Put("a/b.json", std::string(1 << 20, 'x'));
  ExpectFullDiskError(big, mnt_ + "/archive/a/b.json");
  EXPECT_EQ(*(*store)->Get("a/b.json"), "old");

  auto state = StateStore::Open(mnt_ + "/state");
  ASSERT_TRUE(state.ok());
  LiveState s1;
  s1.feed_position = "1";
  ASSERT_TRUE(state->Save(s1).ok());
  LiveState s2 = s1;
  s2.symbols["SOLUSDT"] = std::string(1 << 20, 'y');
  ExpectFullDiskError(state->Save(s2), state->path());
  EXPECT_EQ(**state->Load(), s1);
  EXPECT_TRUE(TempFiles(mnt_).empty());

  // SQLite fills the rest of the disk: the failing batch names the database and is rolled back.
  auto db = storage::OpenSqlite(mnt_ + "/live.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  size_t stored = 0;
  Status last;
  for (int round = 0; round < 200 && last.ok(); ++round) {
    std::vector<TradeRecord> batch;
    for (int i = 0; i < 50; ++i) {
      batch.push_back(Trade(i, kDay + (round * 50 + i) * 60000));
      batch.back().model_id += std::string(500, 'z');
    }
    auto n = InsertTrades(**db, TradeBook::kLive, batch);
    if (n.ok())
      stored += static_cast<size_t>(*n);
    else
      last = n.error();
  }
  ASSERT_FALSE(last.ok()) << "512 KiB should fill up";
  EXPECT_NE(last.error().message.find("sqlite:" + mnt_ + "/live.db"), std::string::npos) << last.error().message;
  EXPECT_GT(stored, 0u);
  EXPECT_EQ(ReadTrades(**db, TradeBook::kLive)->size(), stored);
}

// Another writer holds the write lock (BEGIN IMMEDIATE) for longer than the busy timeout: the
// trade log's batch waits it out with the default settings (5 s busy timeout, then our retries)
// and nothing is lost; when the lock never goes away, the batch fails naming the database.
TEST(SqliteLocked, TheTradeLogWaitsOutALockLongerThanTheBusyTimeout) {
  const std::string path = MakeTempDir("sqlite-locked") + "/live.db";
  auto db = storage::OpenSqlite(path);  // the defaults of the live runner
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  EXPECT_EQ(*(*db)->Query("PRAGMA busy_timeout")->rows[0].Int(0), 5000);
  auto other = storage::OpenSqlite(path);
  ASSERT_TRUE(other.ok());

  std::atomic<bool> locked{false};
  std::thread holder([&] {
    ASSERT_TRUE((*other)->ExecScript("BEGIN IMMEDIATE").ok());
    locked = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5600));
    EXPECT_TRUE((*other)->ExecScript("COMMIT").ok());
  });
  while (!locked) std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<TradeRecord> batch = {Trade(0, kDay), Trade(1, kDay + 60000)};
  auto n = InsertTrades(**db, TradeBook::kShadow, batch);
  Status eq = UpsertDailyEquity(**db, {"2025-10-25", 100000, 0, 1000, 1});
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  holder.join();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  EXPECT_TRUE(eq.ok());
  EXPECT_GT(waited, 5.0) << "it waited past the busy timeout";
  EXPECT_EQ(ReadTrades(**db, TradeBook::kShadow)->size(), 2u);
}

TEST(SqliteLocked, ALockThatNeverGoesAwayFailsNamingTheDatabase) {
  const std::string path = MakeTempDir("sqlite-locked") + "/live.db";
  storage::SqliteOptions quick;
  quick.busy_timeout_ms = 100;
  quick.busy_retries = 2;
  auto db = storage::OpenSqlite(path, quick);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  ASSERT_EQ(*InsertTrades(**db, TradeBook::kShadow, {Trade(0, kDay)}), 1);
  auto other = storage::OpenSqlite(path);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->ExecScript("BEGIN IMMEDIATE").ok());
  auto n = InsertTrades(**db, TradeBook::kShadow, {Trade(1, kDay + 60000)});
  Status eq = UpsertDailyEquity(**db, {"2025-10-25", 100000, 0, 1000, 1});
  ASSERT_TRUE((*other)->ExecScript("ROLLBACK").ok());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ErrorCode::kUnavailable) << n.error().message;
  EXPECT_NE(n.error().message.find("sqlite:" + path), std::string::npos) << n.error().message;
  ASSERT_FALSE(eq.ok());
  EXPECT_NE(eq.error().message.find("sqlite:" + path), std::string::npos) << eq.error().message;
  EXPECT_NE(eq.error().message.find("daily_equity 2025-10-25"), std::string::npos) << eq.error().message;
  // The lock gone, the same batch goes in; the earlier trade is still there.
  ASSERT_EQ(*InsertTrades(**db, TradeBook::kShadow, {Trade(1, kDay + 60000)}), 1);
  EXPECT_EQ(ReadTrades(**db, TradeBook::kShadow)->size(), 2u);
}

}  // namespace
}  // namespace huracan::live
