#include "live/trade_log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/time_units.h"
#include "storage/migrations.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

constexpr int64_t kT0 = 1'760'140'800'000;  // 2025-10-11T00:00:00Z

TradeRecord Trade(const std::string& symbol, int64_t entry_min, int64_t exit_min, double net) {
  TradeRecord t;
  t.trade_id = TradeId(symbol, kT0 + entry_min * kMsPerMinute, "m-1");
  t.time_ms = kT0 + exit_min * kMsPerMinute;
  t.symbol = symbol;
  t.side = net > 0 ? "long" : "short";
  t.size = 1000.5;
  t.entry = 61000.25;
  t.exit = 61100.125;
  t.fees = 0.1 + 0.2;  // not a short decimal: checks exact round trips
  t.net_pnl = net;
  t.model_id = "m-1";
  return t;
}

// Shared by SQLite and PostgreSQL: idempotent inserts, both books, daily equity upserts.
void CheckTradeTables(storage::Database& db) {
  ASSERT_TRUE(storage::Migrate(db).ok());
  std::vector<TradeRecord> trades = {Trade("BTCUSDT-PERP", 1, 5, 1.5), Trade("SOLUSDT", 2, 3, -0.75)};
  auto n = InsertTrades(db, TradeBook::kLive, trades);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  // A restart logs the same trades again, plus a new one: only the new one is written.
  trades.push_back(Trade("BTCUSDT-PERP", 10, 12, 0.5));
  n = InsertTrades(db, TradeBook::kLive, trades);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  auto read = ReadTrades(db, TradeBook::kLive);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0], trades[1]);  // by time: SOL closed first
  EXPECT_EQ((*read)[1], trades[0]);
  EXPECT_EQ((*read)[2], trades[2]);
  EXPECT_EQ((*read)[0].trade_id, "SOLUSDT|2025-10-11T00:02:00.000Z|m-1");
  // The shadow book is a separate table.
  EXPECT_TRUE(ReadTrades(db, TradeBook::kShadow)->empty());
  EXPECT_EQ(*InsertTrades(db, TradeBook::kShadow, {trades[0]}), 1);
  EXPECT_EQ(ReadTrades(db, TradeBook::kShadow)->size(), 1u);

  ASSERT_TRUE(UpsertDailyEquity(db, {"2025-10-11", 10000, 0.01, 2.5, 4.0}).ok());
  ASSERT_TRUE(UpsertDailyEquity(db, {"2025-10-11", 10100, 0.02, 3.0, 4.5}).ok());
  auto eq = db.Query("SELECT date, nav, max_dd, turnover, fees_bps FROM daily_equity");
  ASSERT_TRUE(eq.ok());
  ASSERT_EQ(eq->size(), 1u);
  EXPECT_EQ(*eq->rows[0].Double("nav"), 10100);
  EXPECT_EQ(*eq->rows[0].Double("fees_bps"), 4.5);
}

TEST(TradeLog, SqliteTablesAreIdempotent) {
  auto db = storage::OpenDatabase(testing::MakeTempDir("trades") + "/t.db");
  ASSERT_TRUE(db.ok());
  CheckTradeTables(**db);
}

// ctest runs this one through `live.postgres` (scripts/with-postgres.sh sets DATABASE_URL).
TEST(PostgresTradeLog, TablesAreIdempotent) {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr || std::string(url).rfind("postgres", 0) != 0)
    GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs this via scripts/with-postgres.sh)";
  auto db = storage::OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_TRUE((*db)->ExecScript("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;").ok());
  CheckTradeTables(**db);
}

TEST(TradeLog, DayFilesMergeByIdAndSplitByUtcDay) {
  auto store = storage::OpenObjectStore(testing::MakeTempDir("archive"));
  ASSERT_TRUE(store.ok());
  const TradeRecord a = Trade("BTCUSDT-PERP", 1, 5, 1.5);
  const TradeRecord b = Trade("SOLUSDT", 2, 3, -0.75);
  const TradeRecord next_day = Trade("SOLUSDT", 1430, 1445, 2);  // closes 2025-10-12T00:05Z
  auto n = AppendTradesToDayFiles(**store, TradeBook::kLive, {a, next_day});
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  n = AppendTradesToDayFiles(**store, TradeBook::kShadow, {a, b});  // a is there already
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(*(*store)->List("live_logs/trades/"),
            (std::vector<std::string>{"live_logs/trades/20251011.parquet", "live_logs/trades/20251012.parquet"}));
  auto day = ReadTradeDayFile(**store, "live_logs/trades/20251011.parquet");
  ASSERT_TRUE(day.ok()) << day.error().message;
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].trade, b);
  EXPECT_EQ((*day)[0].book, TradeBook::kShadow);
  EXPECT_EQ((*day)[1].trade, a);
  EXPECT_EQ((*day)[1].book, TradeBook::kLive);
}

// Forwards to a store but fails every Put: a crash before the new day file is published.
class FailingPutStore final : public storage::ObjectStore {
 public:
  explicit FailingPutStore(storage::ObjectStore& inner) : inner_(inner) {}
  Status Put(const std::string& key, std::string_view) override { return Unavailable(key + ": simulated crash"); }
  Result<std::string> Get(const std::string& key) const override { return inner_.Get(key); }
  Result<bool> Exists(const std::string& key) const override { return inner_.Exists(key); }
  Result<std::string> Checksum(const std::string& key) const override { return inner_.Checksum(key); }
  Result<std::vector<std::string>> List(const std::string& prefix) const override { return inner_.List(prefix); }
  Status Delete(const std::string& key) override { return inner_.Delete(key); }
  std::string Describe() const override { return inner_.Describe(); }

 private:
  storage::ObjectStore& inner_;
};

TEST(TradeLog, ACrashBeforePublishingLeavesTheOldDayFile) {
  const std::string root = testing::MakeTempDir("archive");
  auto store = storage::OpenObjectStore(root);
  ASSERT_TRUE(store.ok());
  const std::string key = "live_logs/trades/20251011.parquet";
  ASSERT_TRUE(AppendTradesToDayFiles(**store, TradeBook::kLive, {Trade("A", 1, 2, 1)}).ok());
  auto old_sum = (*store)->Checksum(key);
  ASSERT_TRUE(old_sum.ok());

  FailingPutStore failing(**store);
  auto n = AppendTradesToDayFiles(failing, TradeBook::kLive, {Trade("B", 1, 3, 1)});
  ASSERT_FALSE(n.ok());
  // A crash in the middle of the store's own write leaves a half-written temp file beside it.
  std::ofstream(root + "/live_logs/trades/.tmp-20251011.parquet.1.0.1") << "PAR1 torn";
  EXPECT_EQ(*(*store)->Checksum(key), *old_sum);
  EXPECT_EQ(*(*store)->List("live_logs/trades/"), std::vector<std::string>{key});
  auto day = ReadTradeDayFile(**store, key);
  ASSERT_TRUE(day.ok()) << day.error().message;
  ASSERT_EQ(day->size(), 1u);
  EXPECT_EQ((*day)[0].trade.symbol, "A");
  // The retry after the restart adds the trade.
  EXPECT_EQ(*AppendTradesToDayFiles(**store, TradeBook::kLive, {Trade("B", 1, 3, 1)}), 1);
}

TEST(TradeLog, CorruptDayFileIsDataLossNamingItAndIsLeftAlone) {
  auto store = storage::OpenObjectStore(testing::MakeTempDir("archive"));
  ASSERT_TRUE(store.ok());
  const std::string key = "live_logs/trades/20251011.parquet";
  ASSERT_TRUE((*store)->Put(key, "PAR1 not a parquet file PAR1").ok());
  auto n = AppendTradesToDayFiles(**store, TradeBook::kLive, {Trade("A", 1, 2, 1)});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(n.error().message.find(key), std::string::npos) << n.error().message;
  EXPECT_EQ(*(*store)->Get(key), "PAR1 not a parquet file PAR1");
}

// An independent reader (hyparquet) sees the values we wrote.
TEST(TradeLog, DayFileIsReadableByHyparquet) {
  HURACAN_REQUIRE_NODE();
  const std::string root = testing::MakeTempDir("archive");
  auto store = storage::OpenObjectStore(root);
  ASSERT_TRUE(store.ok());
  const TradeRecord a = Trade("BTCUSDT-PERP", 1, 5, 1.5);
  const TradeRecord b = Trade("SOLUSDT", 2, 3, -0.75);
  ASSERT_TRUE(AppendTradesToDayFiles(**store, TradeBook::kShadow, {a, b}).ok());
  const std::string path = root + "/live_logs/trades/20251011.parquet";
  auto r = testing::RunCommand("node " + testing::ShellQuote(testing::JsDir() + "/parquet_digest.mjs") +
                               " --values 5 " + testing::ShellQuote(path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j.contains("error")) << r.out;
  EXPECT_EQ(j["rows"], 2);
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& c : j["columns"]) values[c["name"]] = c["values"].get<std::vector<std::string>>();
  auto num = [](const std::string& s) { return std::stod(s); };
  EXPECT_EQ(values["trade_id"], (std::vector<std::string>{b.trade_id, a.trade_id}));
  EXPECT_EQ(values["time"], (std::vector<std::string>{std::to_string(b.time_ms), std::to_string(a.time_ms)}));
  EXPECT_EQ(values["symbol"], (std::vector<std::string>{"SOLUSDT", "BTCUSDT-PERP"}));
  EXPECT_EQ(values["side"], (std::vector<std::string>{"short", "long"}));
  EXPECT_EQ(num(values["size"][0]), b.size);
  EXPECT_EQ(num(values["entry"][1]), a.entry);
  EXPECT_EQ(num(values["exit"][1]), a.exit);
  EXPECT_EQ(num(values["fees"][0]), b.fees);
  EXPECT_EQ(num(values["net_pnl"][0]), -0.75);
  EXPECT_EQ(num(values["net_pnl"][1]), 1.5);
  EXPECT_EQ(values["model_id"], (std::vector<std::string>{"m-1", "m-1"}));
  EXPECT_EQ(values["book"], (std::vector<std::string>{"shadow", "shadow"}));
}

}  // namespace
}  // namespace huracan::live
