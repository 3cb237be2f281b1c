// Runs against a real PostgreSQL server given by DATABASE_URL (scripts/with-postgres.sh starts
// one; ctest runs these through the test `storage.postgres`). Skips when DATABASE_URL is unset.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "db_checks.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/postgres_db.h"

namespace huracan::storage {
namespace {

class Postgres : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("DATABASE_URL");
    if (url == nullptr || std::string(url).rfind("postgres", 0) != 0)
      GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs these via scripts/with-postgres.sh)";
    url_ = url;
    auto db = OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    // A clean schema per test.
    ASSERT_TRUE(db_->ExecScript("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;").ok());
  }
  std::string url_;
  std::unique_ptr<Database> db_;
};

TEST_F(Postgres, MigrateIsIdempotentAndHasEverySpecColumn) {
  EXPECT_EQ(db_->backend(), DbBackend::kPostgres);
  EXPECT_EQ(*SchemaVersion(*db_), 0);
  CheckMigrateIdempotentAndSchema(*db_);
}

TEST_F(Postgres, ValuesUpsertsAndTransactions) { CheckValuesAndTransactions(*db_); }

TEST_F(Postgres, ConcurrentMigrationsAreSerialised) {
  std::vector<std::thread> threads;
  std::vector<int> versions(4, -1);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      auto db = OpenDatabase(url_);
      if (!db.ok()) return;
      auto v = Migrate(**db);
      if (v.ok()) versions[i] = *v;
    });
  for (auto& t : threads) t.join();
  for (int v : versions) EXPECT_EQ(v, LatestSchemaVersion());
  EXPECT_EQ(*db_->Query("SELECT COUNT(*) FROM schema_version")->rows[0].Int(0),
            static_cast<int64_t>(Migrations().size()));
}

TEST_F(Postgres, PasswordNeverInMessages) {
  EXPECT_EQ(RedactDatabaseUrl("postgres://user:s3cret@host:5432/db"), "postgres://user:***@host:5432/db");
  auto bad = OpenDatabase("postgresql://nobody:s3cret@127.0.0.1:1/none");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("s3cret"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace huracan::storage
