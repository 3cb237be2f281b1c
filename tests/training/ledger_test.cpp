#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

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

// Two owners on two connections: a claim is exclusive until its lease ends, its owner may
// re-claim and renew it, a dead owner's claim is taken over after the lease, a done symbol is
// never claimed again, and a release frees the unfinished ones.
void ExpectClaimSemantics(storage::Database* a_db, storage::Database* b_db) {
  SqlRunLedger a(a_db), b(b_db);
  const int64_t t0 = 1762567200000, lease = 10000;
  ASSERT_TRUE(a.Enroll("c1", {"SOLUSDT", "DOGEUSDT"}).ok());
  EXPECT_EQ(*a.Claim("c1", "SOLUSDT", "host:1:a", t0, lease), ClaimResult::kClaimed);
  EXPECT_EQ(*b.Claim("c1", "SOLUSDT", "host:2:b", t0 + 1, lease), ClaimResult::kBusy);
  EXPECT_EQ(*a.Claim("c1", "SOLUSDT", "host:1:a", t0 + 2, lease), ClaimResult::kClaimed);  // its own
  // A renewal moves the lease end: still busy for b where the first lease would have ended.
  ASSERT_TRUE(a.RenewClaims("c1", "host:1:a", t0 + 5000, lease).ok());
  EXPECT_EQ(*b.Claim("c1", "SOLUSDT", "host:2:b", t0 + lease + 2, lease), ClaimResult::kBusy);
  // a dies: once its lease has ended, b takes the symbol over.
  EXPECT_EQ(*b.Claim("c1", "SOLUSDT", "host:2:b", t0 + 5000 + lease, lease), ClaimResult::kClaimed);
  EXPECT_EQ(*a.Claim("c1", "SOLUSDT", "host:1:a", t0 + 5001 + lease, lease), ClaimResult::kBusy);
  auto e = a.Entries("c1");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(FindEntry(*e, "SOLUSDT")->claim_owner, "host:2:b");
  EXPECT_EQ(FindEntry(*e, "SOLUSDT")->claim_expires_ms, t0 + 5000 + 2 * lease);
  // Done: never claimed again, by anyone, and a release keeps its owner.
  ASSERT_TRUE(
      b_db->Transaction([&](storage::Database& tx) { return MarkDoneInTransaction(tx, "c1", "SOLUSDT", t0 + 20000); })
          .ok());
  EXPECT_EQ(*a.Claim("c1", "SOLUSDT", "host:1:a", t0 + 99999999, lease), ClaimResult::kDone);
  EXPECT_EQ(*b.Claim("c1", "SOLUSDT", "host:2:b", t0 + 20001, lease), ClaimResult::kDone);
  // A symbol not enrolled yet gets its row; a release frees b's unfinished claims at once.
  EXPECT_EQ(*b.Claim("c1", "BTCUSDT", "host:2:b", t0 + 20002, lease), ClaimResult::kClaimed);
  EXPECT_EQ(*a.Claim("c1", "BTCUSDT", "host:1:a", t0 + 20003, lease), ClaimResult::kBusy);
  ASSERT_TRUE(b.ReleaseClaims("c1", "host:2:b").ok());
  EXPECT_EQ(*a.Claim("c1", "BTCUSDT", "host:1:a", t0 + 20004, lease), ClaimResult::kClaimed);
  e = a.Entries("c1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(FindEntry(*e, "SOLUSDT")->claim_owner, "host:2:b");
  EXPECT_EQ(FindEntry(*e, "DOGEUSDT")->claim_owner, "");
  EXPECT_EQ(FindEntry(*e, "BTCUSDT")->claim_owner, "host:1:a");
}

TEST(SqlLedger, ClaimsAreExclusiveUntilTheirLeaseEnds) {
  std::string dir = huracan::testing::MakeTempDir("ledger_claims");
  auto a = OpenMigrated(dir + "/h.db");
  auto b = OpenMigrated(dir + "/h.db");
  ExpectClaimSemantics(a.get(), b.get());
}

TEST(PostgresLedger, ClaimsAreExclusiveUntilTheirLeaseEnds) {
  const char* url = std::getenv("DATABASE_URL");
  if (!url || std::string(url).rfind("postgres", 0) != 0)
    GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs these via scripts/with-postgres.sh)";
  auto a = OpenMigrated(url);
  auto b = OpenMigrated(url);
  ASSERT_TRUE(a->Exec("DELETE FROM run_ledger WHERE run_id = 'c1'").ok());
  ExpectClaimSemantics(a.get(), b.get());
}

TEST(SqlLedger, AVersionOneDatabaseGetsTheClaimColumns) {
  std::string dir = huracan::testing::MakeTempDir("ledger_v1");
  auto db = storage::OpenDatabase(dir + "/h.db");
  ASSERT_TRUE(db.ok());
  const storage::Migration& v1 = storage::Migrations().front();
  ASSERT_TRUE((*db)->ExecScript(v1.sql).ok());
  ASSERT_TRUE((*db)
                  ->ExecScript("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                               "applied_at TEXT NOT NULL); INSERT INTO schema_version VALUES (1, 'v1', 'x'); "
                               "INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES ('old', 'SOLUSDT', "
                               "'done', 1)")
                  .ok());
  auto v = storage::Migrate(**db);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, storage::LatestSchemaVersion());
  SqlRunLedger ledger(db->get());
  auto e = ledger.Entries("old");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->size(), 1u);
  EXPECT_EQ((*e)[0].status, LedgerStatus::kDone);
  EXPECT_EQ((*e)[0].claim_owner, "");
  EXPECT_EQ(*ledger.Claim("old", "SOLUSDT", "h:1:x", 1, 1000), ClaimResult::kDone);
  EXPECT_EQ(*ledger.Claim("old", "DOGEUSDT", "h:1:x", 1, 1000), ClaimResult::kClaimed);
}

TEST(SqlLedger, ClaimOwnersAreUnique) {
  std::string a = MakeClaimOwner(), b = MakeClaimOwner();
  EXPECT_NE(a, b);
  EXPECT_EQ(std::count(a.begin(), a.end(), ':'), 2) << a;
}

TEST(SqlLedger, ParsesItsOwnTimestamps) {
  EXPECT_EQ(ParseSqlTimestamp(storage::SqlTimestamp(1762567200123)), 1762567200123);
  EXPECT_EQ(ParseSqlTimestamp(""), 0);
}

}  // namespace
}  // namespace huracan::training
