#include <gtest/gtest.h>

#include <fstream>

#include "registry/archive.h"
#include "registry_fixtures.h"
#include "storage/database.h"
#include "storage/local_store.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {
using testing::RunHuracan;
using testing::ShellQuote;

TEST(Cli, DbMigrateTwiceIsIdempotent) {
  std::string dir = testing::MakeTempDir("cli");
  const std::string db = dir + "/h.db";
  auto first = RunHuracan("db migrate --db " + ShellQuote(db));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("schema version 3 (3 migrations applied)"), std::string::npos) << first.out;
  auto second = RunHuracan("db migrate --db " + ShellQuote(db));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("schema version 3 (0 migrations applied)"), std::string::npos) << second.out;
  auto status = RunHuracan("db status --db sqlite:" + ShellQuote(db));
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("schema version 3 of 3"), std::string::npos) << status.out;
  // DATABASE_URL is the default when --db is absent.
  auto env = testing::RunCommand("cd " + ShellQuote(dir) + " && DATABASE_URL=" + ShellQuote(dir + "/env.db") + " " +
                                 ShellQuote(testing::HuracanBinary()) + " db migrate");
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("env.db"), std::string::npos) << env.out;
  auto bad = RunHuracan("db migrate --db mysql://x/y");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("huracan: database 'mysql://x/y'"), std::string::npos) << bad.err;
}

TEST(Cli, ChampionListShowRollback) {
  std::string dir = testing::MakeTempDir("cli");
  const std::string archive_dir = dir + "/archive";
  {
    auto store = std::move(storage::LocalObjectStore::Open(archive_dir)).value();
    Archive archive(*store);
    for (int i = 0; i < 2; ++i) {
      auto s = archive.StoreChallenger("BTCUSDT", FormatArchiveTimestamp(1762567200000 + i * 86400000LL),
                                       testing_fixtures::MakeBundle("BTCUSDT", i));
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE(archive.Promote(*s, 1762567200000 + i * 86400000LL, "test").ok());
    }
    auto e = archive.StoreChallenger("ETHUSDT", "20251108T020000Z", testing_fixtures::MakeBundle("ETHUSDT", 5));
    ASSERT_TRUE(archive.Promote(*e, 1762567200000, "test").ok());
  }
  const std::string a = " --archive " + ShellQuote(archive_dir);
  auto list = RunHuracan("champion list" + a);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("BTCUSDT@20251109T020000Z"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("ETHUSDT@20251108T020000Z"), std::string::npos) << list.out;

  auto show = RunHuracan("champion show BTCUSDT" + a);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("model_id:     BTCUSDT@20251109T020000Z"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("verified"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("BTCUSDT@20251108T020000Z"), std::string::npos) << show.out;  // history
  auto json = RunHuracan("champion show BTCUSDT --json" + a);
  ASSERT_EQ(json.exit_code, 0);
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["loaded_model_id"], "BTCUSDT@20251109T020000Z");

  const std::string db = dir + "/h.db";
  auto rb = RunHuracan("champion rollback BTCUSDT --db " + ShellQuote(db) + a);
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_NE(rb.out.find("rolled back from BTCUSDT@20251109T020000Z to BTCUSDT@20251108T020000Z"), std::string::npos)
      << rb.out;
  auto show2 = RunHuracan("champion show BTCUSDT" + a);
  EXPECT_NE(show2.out.find("model_id:     BTCUSDT@20251108T020000Z"), std::string::npos) << show2.out;
  auto conn = storage::OpenDatabase(db);
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query("SELECT from_model_id, to_model_id, decision FROM promotions");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(*rows->rows[0].String("decision"), "rollback");
  EXPECT_EQ(*rows->rows[0].String("to_model_id"), "BTCUSDT@20251108T020000Z");

  // Nothing further back: an error, exit 2, naming the coin.
  auto again = RunHuracan("champion rollback BTCUSDT --no-db" + a);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("BTCUSDT: no valid previous champion"), std::string::npos) << again.err;

  // A corrupt current bundle: show falls back, says so, exits 1; list flags it.
  {
    std::ofstream f(archive_dir + "/models/ETHUSDT/20251108T020000Z/metrics.json", std::ios::app);
    f << " ";
  }
  auto bad = RunHuracan("champion show ETHUSDT" + a);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("metrics.json"), std::string::npos) << bad.out;
  auto list2 = RunHuracan("champion list" + a);
  EXPECT_EQ(list2.exit_code, 1);
  EXPECT_NE(list2.out.find("CORRUPT"), std::string::npos) << list2.out;
  auto none = RunHuracan("champion show XRPUSDT" + a);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("XRPUSDT: no champion"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace huracan::registry
