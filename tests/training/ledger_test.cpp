#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/migrations.h"
#include "support/test_support.h"
#include "training/sql_ledger.h"

namespace huracan::training {
namespace {

std::unique_ptr<storage::Database> OpenMigrated(const std::string& path) {
  auto db = storage::OpenDatabase(path);
  EXPECT_TRUE(db.ok()) << db.error().message;
  auto v = storage::Migrate(**db);
  EXPECT_TRUE(v.ok()) << v.error().message;
  return std::move(*db);
}

TEST(SqlLedger, LifecycleAndNoDowngradeOfDone) {
  std::string dir = huracan::testing::MakeTempDir("ledger");
  auto db = OpenMigrated(dir + "/h.db");
  SqlRunLedger ledger(db.get());
  ASSERT_TRUE(ledger.Enroll("20251108", {"BTCUSDT", "SOLUSDT"}).ok());
  ASSERT_TRUE(ledger.Enroll("20251108", {"BTCUSDT", "SOLUSDT", "DOGEUSDT"}).ok());  // idempotent
  auto e = ledger.Entries("20251108");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ(FindEntry(*e, "SOLUSDT")->status, LedgerStatus::kPending);

  const int64_t t0 = 1762567200000;  // 2025-11-08T02:00:00Z
  ASSERT_TRUE(ledger.MarkRunning("20251108", "SOLUSDT", t0).ok());
  ASSERT_TRUE(ledger.MarkFinished("20251108", "SOLUSDT", LedgerStatus::kTimeout, t0 + 60000, "timed out").ok());
  ASSERT_TRUE(ledger.MarkRunning("20251108", "SOLUSDT", t0 + 70000).ok());
  ASSERT_TRUE(db->Transaction([&](storage::Database& tx) {
                  return MarkDoneInTransaction(tx, "20251108", "SOLUSDT", t0 + 80000);
                }).ok());
  // A late failure report must not undo a committed `done`.
  ASSERT_TRUE(ledger.MarkFinished("20251108", "SOLUSDT", LedgerStatus::kFailed, t0 + 90000, "worker died").ok());
  ASSERT_TRUE(ledger.MarkRunning("20251108", "SOLUSDT", t0 + 95000).ok());
  e = ledger.Entries("20251108");
  ASSERT_TRUE(e.ok());
  const LedgerEntry* sol = FindEntry(*e, "SOLUSDT");
  EXPECT_EQ(sol->status, LedgerStatus::kDone);
  EXPECT_EQ(sol->attempts, 2);
  EXPECT_EQ(sol->started_at_ms, t0 + 70000);
  EXPECT_EQ(sol->finished_at_ms, t0 + 80000);
  EXPECT_EQ(sol->error, "");
  // Another process sees the same rows.
  auto db2 = OpenMigrated(dir + "/h.db");
  SqlRunLedger other(db2.get());
  auto e2 = other.Entries("20251108");
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(FindEntry(*e2, "SOLUSDT")->status, LedgerStatus::kDone);
  EXPECT_TRUE(other.Entries("20251109")->empty());
}

TEST(SqlLedger, ParsesItsOwnTimestamps) {
  EXPECT_EQ(ParseSqlTimestamp(storage::SqlTimestamp(1762567200123)), 1762567200123);
  EXPECT_EQ(ParseSqlTimestamp(""), 0);
}

}  // namespace
}  // namespace huracan::training
