// The real `huracan bot` against the fake Bot API in node (tests/js/telegram_e2e.mjs drives the
// runs and checks the replies, the selector, offsets and outages); here: the audit rows it left.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "storage/database.h"
#include "support/test_support.h"

namespace huracan {
namespace {

using testing::JsDir;
using testing::MakeTempDir;
using testing::RunCommand;
using testing::ShellQuote;

// The fake server and the driver use node's standard library only (no npm packages).
#define REQUIRE_NODE_BINARY() \
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed: skipping"

void RunScenarioAndCheckAudit(const std::string& db_url, bool fresh_db) {
  const std::string work = MakeTempDir("telegram_e2e");
  auto r = RunCommand("node " + ShellQuote(JsDir() + "/telegram_e2e.mjs") + " " + ShellQuote(testing::HuracanBinary()) +
                      " " + ShellQuote(work) + " " + ShellQuote(db_url));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok: connection refused reported"), std::string::npos) << r.out;

  auto db = storage::OpenDatabase(db_url);
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto rows = (*db)->Query("SELECT chat_id, command, args, result FROM control_audit ORDER BY at");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  if (fresh_db) {
    ASSERT_EQ(rows->size(), 12u);
  }
  ASSERT_GE(rows->size(), 12u);
  // The last 12 rows are this run's, in update order.
  const size_t base = rows->size() - 12;
  auto row = [&](size_t i) {
    const auto& x = rows->rows[base + i];
    return x.Text(0).value_or("") + "|" + x.Text(1).value_or("") + "|" + x.Text(2).value_or("") + "|" +
           x.Text(3).value_or("");
  };
  EXPECT_EQ(row(0), "111|/help||ok");
  EXPECT_EQ(row(1), "111|/trade|2|ok");
  EXPECT_EQ(row(2), "999|/trade|5|refused: chat not allowed (@mallory)");
  EXPECT_EQ(row(5), "111|/allow|NOPEUSDT BTCUSDT-PERP|refused: unknown symbol NOPEUSDT");
  EXPECT_EQ(row(6), "111|/trade|abc|bad arguments: 'abc' is not a whole number from 1 to 1000");
  EXPECT_EQ(row(7).rfind("111|/pause||refused: stale (6", 0), 0u) << row(7);
  EXPECT_EQ(row(8), "111|/pause||ok");
  EXPECT_EQ(row(11), "111|/frobnicate|3|unknown command");
}

TEST(TelegramBot, EndToEndAgainstFakeBotApi) {
  REQUIRE_NODE_BINARY();
  RunScenarioAndCheckAudit(MakeTempDir("telegram_db") + "/bot.db", true);
}

// ctest runs this one through `control.postgres` (scripts/with-postgres.sh sets DATABASE_URL).
TEST(PostgresTelegramBot, AuditRowsInPostgres) {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr || std::string(url).rfind("postgres", 0) != 0)
    GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs this via scripts/with-postgres.sh)";
  REQUIRE_NODE_BINARY();
  RunScenarioAndCheckAudit(url, false);
}

}  // namespace
}  // namespace huracan
