// Checks shared by the SQLite and the PostgreSQL tests: the same schema and behaviour on both.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/migrations.h"

namespace huracan::storage {

// The SPEC's exact columns, written out here independently of migrations.cpp.
inline const std::map<std::string, std::vector<std::string>>& SpecColumns() {
  static const std::map<std::string, std::vector<std::string>> kSpec = {
      {"models", {"model_id", "parent_id", "kind", "created_at", "s3_path", "features_used", "params"}},
      {"model_metrics", {"model_id", "sharpe", "hit_rate", "drawdown", "net_bps", "window", "cost_bps", "promoted"}},
      {"promotions", {"from_model_id", "to_model_id", "reason", "at", "snapshot"}},
      {"live_trades", {"trade_id", "time", "symbol", "side", "size", "entry", "exit", "fees", "net_pnl", "model_id"}},
      {"daily_equity", {"date", "nav", "max_dd", "turnover", "fees_bps"}},
      {"run_ledger", {"run_id", "symbol", "status", "attempts", "started_at", "finished_at", "error"}},
      {"meta_weights", {"symbol", "engine_id", "weight", "samples", "updated_at"}},
      {"control_audit", {"at", "chat_id", "command", "args", "result"}},
      {"shadow_trades", {"trade_id", "time", "symbol", "side", "size", "entry", "exit", "fees", "net_pnl", "model_id"}},
  };
  return kSpec;
}

// Column names of `table` as the database reports them, in order.
inline std::vector<std::string> ActualColumns(Database& db, const std::string& table) {
  std::vector<std::string> out;
  if (db.backend() == DbBackend::kSqlite) {
    auto rows = db.Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {table});
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    if (rows.ok())
      for (const auto& r : rows->rows) out.push_back(*r.Text(0));
  } else {
    auto rows = db.Query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
        "ORDER BY ordinal_position",
        {table});
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    if (rows.ok())
      for (const auto& r : rows->rows) out.push_back(*r.Text(0));
  }
  return out;
}

inline void CheckMigrateIdempotentAndSchema(Database& db) {
  auto v1 = Migrate(db);
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(*v1, LatestSchemaVersion());
  auto v2 = Migrate(db);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(*v2, *v1);
  auto count = db.Query("SELECT COUNT(*) AS n FROM schema_version");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count->rows[0].Int("n"), static_cast<int64_t>(Migrations().size()));

  for (const auto& [table, spec_cols] : SpecColumns()) {
    std::vector<std::string> actual = ActualColumns(db, table);
    ASSERT_FALSE(actual.empty()) << "table " << table << " missing";
    // Every SPEC column, with its exact name, in the SPEC's relative order.
    size_t pos = 0;
    for (const std::string& col : spec_cols) {
      auto it = std::find(actual.begin() + static_cast<std::ptrdiff_t>(pos), actual.end(), col);
      ASSERT_NE(it, actual.end()) << table << "." << col << " missing or out of order";
      pos = static_cast<size_t>(it - actual.begin()) + 1;
    }
  }
  // And exactly the columns the schema declares (no stray or missing extras).
  for (const TableSpec& t : SchemaTables()) EXPECT_EQ(ActualColumns(db, t.name), t.columns) << t.name;
}

// Round trip of every value type, upserts, the quoted "window" column, and transactions.
inline void CheckValuesAndTransactions(Database& db) {
  ASSERT_TRUE(Migrate(db).ok());
  auto ins = db.Exec(
      "INSERT INTO model_metrics (model_id, sharpe, hit_rate, drawdown, net_bps, \"window\", cost_bps, promoted, "
      "trades) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {"BTC@1", 1.2345678901234567, 0.55, 0.1, 3.5, "2025-10-01/2025-11-08", 2.25, 1, int64_t{1234567890123}});
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_EQ(*ins, 1);
  auto rows = db.Query(
      "SELECT model_id, sharpe, \"window\", promoted, trades, psr FROM model_metrics WHERE model_id = $1", {"BTC@1"});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const SqlRow& r = rows->rows[0];
  EXPECT_EQ(*r.String("model_id"), "BTC@1");
  EXPECT_EQ(*r.Double("sharpe"), 1.2345678901234567);  // exact round trip
  EXPECT_EQ(*r.String("window"), "2025-10-01/2025-11-08");
  EXPECT_EQ(*r.Int("promoted"), 1);
  EXPECT_EQ(*r.Int("trades"), 1234567890123);
  EXPECT_TRUE(r.IsNull(5));
  auto null_int = r.Int("psr");
  ASSERT_FALSE(null_int.ok());
  EXPECT_NE(null_int.error().message.find("psr"), std::string::npos);
  EXPECT_FALSE(r.Int("no_such_column").ok());

  // Upsert through ON CONFLICT ... excluded.
  auto up = db.Exec(
      "INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES (?, ?, ?, 1) ON CONFLICT (run_id, symbol) "
      "DO UPDATE SET status = excluded.status, attempts = run_ledger.attempts + 1",
      {"2025-11-08", "BTCUSDT", "running"});
  ASSERT_TRUE(up.ok()) << up.error().message;
  up = db.Exec(
      "INSERT INTO run_ledger (run_id, symbol, status, attempts) VALUES (?, ?, ?, 1) ON CONFLICT (run_id, symbol) "
      "DO UPDATE SET status = excluded.status, attempts = run_ledger.attempts + 1",
      {"2025-11-08", "BTCUSDT", "done"});
  ASSERT_TRUE(up.ok()) << up.error().message;
  auto ledger =
      db.Query("SELECT status, attempts FROM run_ledger WHERE run_id = ? AND symbol = ?", {"2025-11-08", "BTCUSDT"});
  ASSERT_TRUE(ledger.ok());
  ASSERT_EQ(ledger->size(), 1u);
  EXPECT_EQ(*ledger->rows[0].String("status"), "done");
  EXPECT_EQ(*ledger->rows[0].Int("attempts"), 2);

  // Primary key violations are FailedPrecondition and name the database.
  auto dup =
      db.Exec("INSERT INTO run_ledger (run_id, symbol, status) VALUES (?, ?, ?)", {"2025-11-08", "BTCUSDT", "x"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kFailedPrecondition) << dup.error().message;

  // A failing transaction leaves nothing behind; a good one commits. An aborted one is re-run
  // whole (retry_higher_up), a permanent failure is not.
  int runs = 0;
  Status failed = db.Transaction(
      [&runs](Database& tx) -> Status {
        ++runs;
        HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO daily_equity (date, nav) VALUES (?, ?)", {"2025-11-08", 1000.0}));
        return Aborted("stop here");
      },
      2);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kAborted);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(db.Query("SELECT * FROM daily_equity")->size(), 0u);
  runs = 0;
  Status refused = db.Transaction([&runs](Database&) -> Status {
    ++runs;
    return FailedPrecondition("no");
  });
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(runs, 1);
  Status good = db.Transaction([](Database& tx) -> Status {
    HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO daily_equity (date, nav) VALUES (?, ?)", {"2025-11-08", 1000.0}));
    HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO daily_equity (date, nav) VALUES (?, ?)", {"2025-11-09", 1010.5}));
    // Nested transactions are refused.
    Status nested = tx.Transaction([](Database&) { return Status::Ok(); });
    EXPECT_FALSE(nested.ok());
    return Status::Ok();
  });
  EXPECT_TRUE(good.ok()) << (good.ok() ? "" : good.error().message);
  auto eq = db.Query("SELECT date, nav FROM daily_equity ORDER BY date");
  ASSERT_TRUE(eq.ok());
  ASSERT_EQ(eq->size(), 2u);
  EXPECT_EQ(*eq->rows[1].Double("nav"), 1010.5);
  // A thrown exception inside a transaction becomes an error and rolls back.
  Status threw = db.Transaction([](Database& tx) -> Status {
    (void)tx.Exec("DELETE FROM daily_equity");
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(threw.ok());
  EXPECT_NE(threw.error().message.find("boom"), std::string::npos);
  EXPECT_EQ(db.Query("SELECT * FROM daily_equity")->size(), 2u);

  // Bad SQL is an error naming the statement, never an exception.
  auto bad = db.Query("SELEC nonsense FROM nowhere");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("SELEC nonsense"), std::string::npos);
}

}  // namespace huracan::storage
