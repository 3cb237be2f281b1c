#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "db_checks.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "support/test_support.h"

namespace huracan::storage {
namespace {
namespace fs = std::filesystem;

std::unique_ptr<Database> MustOpen(const std::string& url) {
  auto db = OpenDatabase(url);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  return std::move(db).value();
}

TEST(Sqlite, MigrateIsIdempotentAndHasEverySpecColumn) {
  std::string dir = testing::MakeTempDir("sqlite");
  auto db = MustOpen(dir + "/huracan.db");
  EXPECT_EQ(*SchemaVersion(*db), 0);
  CheckMigrateIdempotentAndSchema(*db);
  // A second connection (another process would be the same) sees the version and migrates nothing.
  auto other = MustOpen("sqlite:" + dir + "/huracan.db");
  EXPECT_EQ(*SchemaVersion(*other), LatestSchemaVersion());
  EXPECT_EQ(*Migrate(*other), LatestSchemaVersion());
  EXPECT_EQ(*other->Query("SELECT COUNT(*) FROM schema_version")->rows[0].Int(0),
            static_cast<int64_t>(Migrations().size()));
}

TEST(Sqlite, ValuesUpsertsAndTransactions) {
  std::string dir = testing::MakeTempDir("sqlite");
  auto db = MustOpen(dir + "/h.db");
  CheckValuesAndTransactions(*db);
}

TEST(Sqlite, WalModeForeignKeysAndSettings) {
  std::string dir = testing::MakeTempDir("sqlite");
  auto db = MustOpen(dir + "/h.db");
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_EQ(*db->Query("PRAGMA journal_mode")->rows[0].Text(0), "wal");
  EXPECT_EQ(*db->Query("PRAGMA foreign_keys")->rows[0].Int(0), 1);
  EXPECT_EQ(*db->Query("PRAGMA busy_timeout")->rows[0].Int(0), 5000);
  EXPECT_TRUE(fs::exists(dir + "/h.db-wal"));
  EXPECT_EQ(db->backend(), DbBackend::kSqlite);
  EXPECT_EQ(db->Describe(), "sqlite:" + dir + "/h.db");
}

// Writer B finds the database locked by writer A (holding a write transaction) and retries
// until A commits; with retries off, B reports Unavailable instead of hanging or corrupting.
TEST(Sqlite, BusyWriterRetriesUntilTheLockIsFree) {
  std::string dir = testing::MakeTempDir("sqlite");
  const std::string path = dir + "/busy.db";
  auto a = MustOpen(path);
  ASSERT_TRUE(Migrate(*a).ok());
  SqliteOptions quick;
  quick.busy_timeout_ms = 10;  // SQLite's own wait gives up fast, so our retry loop does the work
  quick.busy_retries = 10;
  auto b = OpenSqlite(path, quick);
  ASSERT_TRUE(b.ok());

  std::atomic<bool> locked{false};
  std::thread holder([&] {
    Status st = a->Transaction([&](Database& tx) -> Status {
      HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t0", "/status"}));
      locked = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
  });
  while (!locked) std::this_thread::yield();
  auto t0 = std::chrono::steady_clock::now();
  auto ins = (*b)->Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t1", "/trade 10"});
  auto waited = std::chrono::steady_clock::now() - t0;
  holder.join();
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_GE(waited, std::chrono::milliseconds(200));  // it really waited for A
  EXPECT_EQ(*a->Query("SELECT COUNT(*) FROM control_audit")->rows[0].Int(0), 2);

  // The same, in a transaction of B: Transaction() retries BEGIN IMMEDIATE.
  locked = false;
  std::thread holder2([&] {
    (void)a->Transaction([&](Database& tx) -> Status {
      HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t2", "/pause"}));
      locked = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return Status::Ok();
    });
  });
  while (!locked) std::this_thread::yield();
  Status tx = (*b)->Transaction([](Database& db) -> Status {
    HURACAN_RETURN_IF_ERROR(db.Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t3", "/resume"}));
    return Status::Ok();
  });
  holder2.join();
  EXPECT_TRUE(tx.ok()) << (tx.ok() ? "" : tx.error().message);
  EXPECT_EQ(*a->Query("SELECT COUNT(*) FROM control_audit")->rows[0].Int(0), 4);

  // No retries: the busy error is reported as Unavailable (retryable), naming the database.
  SqliteOptions none;
  none.busy_timeout_ms = 0;
  none.busy_retries = 0;
  auto c = OpenSqlite(path, none);
  ASSERT_TRUE(c.ok());
  locked = false;
  std::atomic<bool> release{false};
  std::thread holder3([&] {
    (void)a->Transaction([&](Database& tx) -> Status {
      HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t4", "/help"}));
      locked = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Status::Ok();
    });
  });
  while (!locked) std::this_thread::yield();
  auto refused = (*c)->Exec("INSERT INTO control_audit (at, command) VALUES (?, ?)", {"t5", "/block"});
  release = true;
  holder3.join();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable) << refused.error().message;
  EXPECT_NE(refused.error().message.find(path), std::string::npos);
}

TEST(Sqlite, OpenRefusesGarbageAndUnknownSchemes) {
  std::string dir = testing::MakeTempDir("sqlite");
  {
    std::ofstream out(dir + "/junk.db");
    out << std::string(4096, 'z');
  }
  auto junk = OpenDatabase(dir + "/junk.db");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.error().message.find("junk.db"), std::string::npos);
  auto bad = OpenDatabase("mysql://localhost/x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto missing_dir = OpenDatabase(dir + "/no/such/folder/x.db");
  EXPECT_FALSE(missing_dir.ok());
}

TEST(Sqlite, PlaceholderTranslation) {
  EXPECT_EQ(*TranslatePlaceholders("SELECT ? , '?' , \"a?\" -- ?\n , ?", DbBackend::kPostgres),
            "SELECT $1 , '?' , \"a?\" -- ?\n , $2");
  EXPECT_EQ(*TranslatePlaceholders("SELECT $1, $2, '$3' /* $4 */", DbBackend::kSqlite), "SELECT ?1, ?2, '$3' /* $4 */");
  EXPECT_EQ(*TranslatePlaceholders("SELECT 'it''s ?', ?", DbBackend::kPostgres), "SELECT 'it''s ?', $1");
  EXPECT_FALSE(TranslatePlaceholders("SELECT ?, $1", DbBackend::kSqlite).ok());
  // Wrong parameter counts are refused.
  auto db = MustOpen(":memory:");
  auto r = db->Query("SELECT ? + ?", {1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Sqlite, DefaultUrlAndTimestamps) {
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(DefaultDatabaseUrl(), "./huracan.db");
  ::setenv("DATABASE_URL", "postgres://u:secret@127.0.0.1:1/x", 1);
  EXPECT_EQ(DefaultDatabaseUrl(), "postgres://u:secret@127.0.0.1:1/x");
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(SqlTimestamp(1762567200000), "2025-11-08T02:00:00.000Z");
  EXPECT_EQ(SqlTimestamp(1762567200123), "2025-11-08T02:00:00.123Z");
}

}  // namespace
}  // namespace huracan::storage
