#include "storage/migrations.h"

#include <chrono>

namespace huracan::storage {
namespace {

// Portable SQL only: TEXT, BIGINT, INTEGER, DOUBLE PRECISION; timestamps are ISO-8601 TEXT.
// "window" is quoted everywhere (a reserved word in Postgres).
constexpr char kV1[] = R"SQL(
CREATE TABLE IF NOT EXISTS models (
  model_id TEXT PRIMARY KEY,
  parent_id TEXT,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  s3_path TEXT,
  features_used TEXT,
  params TEXT,
  symbol TEXT
);
CREATE INDEX IF NOT EXISTS models_symbol_idx ON models (symbol, created_at);
CREATE TABLE IF NOT EXISTS model_metrics (
  model_id TEXT NOT NULL,
  sharpe DOUBLE PRECISION,
  hit_rate DOUBLE PRECISION,
  drawdown DOUBLE PRECISION,
  net_bps DOUBLE PRECISION,
  "window" TEXT NOT NULL,
  cost_bps DOUBLE PRECISION,
  promoted INTEGER NOT NULL DEFAULT 0,
  trades BIGINT,
  days DOUBLE PRECISION,
  psr DOUBLE PRECISION,
  PRIMARY KEY (model_id, "window")
);
CREATE TABLE IF NOT EXISTS promotions (
  promotion_id TEXT PRIMARY KEY,
  from_model_id TEXT,
  to_model_id TEXT,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  symbol TEXT,
  decision TEXT
);
CREATE INDEX IF NOT EXISTS promotions_symbol_idx ON promotions (symbol, at);
CREATE TABLE IF NOT EXISTS live_trades (
  trade_id TEXT PRIMARY KEY,
  time TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  size DOUBLE PRECISION,
  entry DOUBLE PRECISION,
  exit DOUBLE PRECISION,
  fees DOUBLE PRECISION,
  net_pnl DOUBLE PRECISION,
  model_id TEXT
);
CREATE INDEX IF NOT EXISTS live_trades_time_idx ON live_trades (time);
CREATE TABLE IF NOT EXISTS shadow_trades (
  trade_id TEXT PRIMARY KEY,
  time TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  size DOUBLE PRECISION,
  entry DOUBLE PRECISION,
  exit DOUBLE PRECISION,
  fees DOUBLE PRECISION,
  net_pnl DOUBLE PRECISION,
  model_id TEXT
);
CREATE INDEX IF NOT EXISTS shadow_trades_time_idx ON shadow_trades (time);
CREATE TABLE IF NOT EXISTS daily_equity (
  date TEXT PRIMARY KEY,
  nav DOUBLE PRECISION,
  max_dd DOUBLE PRECISION,
  turnover DOUBLE PRECISION,
  fees_bps DOUBLE PRECISION
);
CREATE TABLE IF NOT EXISTS run_ledger (
  run_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  error TEXT,
  PRIMARY KEY (run_id, symbol)
);
CREATE TABLE IF NOT EXISTS meta_weights (
  symbol TEXT NOT NULL,
  engine_id TEXT NOT NULL,
  weight DOUBLE PRECISION NOT NULL,
  samples BIGINT,
  updated_at TEXT,
  PRIMARY KEY (symbol, engine_id)
);
CREATE TABLE IF NOT EXISTS control_audit (
  at TEXT NOT NULL,
  chat_id TEXT,
  command TEXT NOT NULL,
  args TEXT,
  result TEXT
);
CREATE INDEX IF NOT EXISTS control_audit_at_idx ON control_audit (at);
)SQL";

// Claims of the shared ledger (training/ledger.h): the owner of a symbol's claim and the end of
// its lease (epoch ms). Old rows get NULLs: unclaimed.
constexpr char kV2[] = R"SQL(
ALTER TABLE run_ledger ADD COLUMN claim_owner TEXT;
ALTER TABLE run_ledger ADD COLUMN claim_expires_ms BIGINT;
)SQL";

// Challengers shadow-traded beside a champion log their trades in shadow_trades, flagged.
constexpr char kV3[] = R"SQL(
ALTER TABLE shadow_trades ADD COLUMN challenger INTEGER NOT NULL DEFAULT 0;
)SQL";

constexpr char kSchemaVersionDdl[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at TEXT NOT NULL)";

// Any constant works; it only has to be the same in every process that migrates.
constexpr int64_t kMigrationLockId = 0x48555241;  // "HURA"

Result<bool> SchemaVersionExists(Database& db) {
  if (db.backend() == DbBackend::kSqlite) {
    HURACAN_ASSIGN_OR_RETURN(SqlRows r,
                             db.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
    return !r.empty();
  }
  HURACAN_ASSIGN_OR_RETURN(SqlRows r, db.Query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                                               "current_schema() AND table_name = 'schema_version'"));
  return !r.empty() && r.rows[0].OptInt(0).value_or(0) > 0;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {1, "initial schema: models, metrics, promotions, trades, equity, ledger, meta weights, audit", kV1},
      {2, "run ledger claims: claim_owner, claim_expires_ms", kV2},
      {3, "shadow_trades.challenger: trades of challengers shadow-traded beside the champion", kV3},
  };
  return kAll;
}

int LatestSchemaVersion() { return Migrations().back().version; }

const std::vector<TableSpec>& SchemaTables() {
  static const std::vector<TableSpec> kTables = {
      {"models", {"model_id", "parent_id", "kind", "created_at", "s3_path", "features_used", "params", "symbol"}},
      {"model_metrics",
       {"model_id", "sharpe", "hit_rate", "drawdown", "net_bps", "window", "cost_bps", "promoted", "trades", "days",
        "psr"}},
      {"promotions",
       {"promotion_id", "from_model_id", "to_model_id", "reason", "at", "snapshot", "symbol", "decision"}},
      {"live_trades", {"trade_id", "time", "symbol", "side", "size", "entry", "exit", "fees", "net_pnl", "model_id"}},
      {"shadow_trades",
       {"trade_id", "time", "symbol", "side", "size", "entry", "exit", "fees", "net_pnl", "model_id", "challenger"}},
      {"daily_equity", {"date", "nav", "max_dd", "turnover", "fees_bps"}},
      {"run_ledger",
       {"run_id", "symbol", "status", "attempts", "started_at", "finished_at", "error", "claim_owner",
        "claim_expires_ms"}},
      {"meta_weights", {"symbol", "engine_id", "weight", "samples", "updated_at"}},
      {"control_audit", {"at", "chat_id", "command", "args", "result"}},
      {"schema_version", {"version", "name", "applied_at"}},
  };
  return kTables;
}

Result<int> SchemaVersion(Database& db) {
  HURACAN_ASSIGN_OR_RETURN(bool exists, SchemaVersionExists(db));
  if (!exists) return 0;
  HURACAN_ASSIGN_OR_RETURN(SqlRows r, db.Query("SELECT MAX(version) AS v FROM schema_version"));
  if (r.empty() || r.rows[0].IsNull(0)) return 0;
  HURACAN_ASSIGN_OR_RETURN(int64_t v, r.rows[0].Int(0));
  return static_cast<int>(v);
}

Result<int> Migrate(Database& db) {
  int version = 0;
  Status st = db.Transaction([&](Database& tx) -> Status {
    // SQLite: BEGIN IMMEDIATE already serialises writers. Postgres: a transaction-scoped lock.
    if (tx.backend() == DbBackend::kPostgres)
      HURACAN_RETURN_IF_ERROR(tx.Query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockId}));
    HURACAN_RETURN_IF_ERROR(tx.Exec(kSchemaVersionDdl));
    HURACAN_ASSIGN_OR_RETURN(version, SchemaVersion(tx));
    if (version > LatestSchemaVersion())
      return FailedPrecondition(tx.Describe() + ": schema version " + std::to_string(version) +
                                " is newer than this binary knows (" + std::to_string(LatestSchemaVersion()) + ")");
    for (const Migration& m : Migrations()) {
      if (m.version <= version) continue;
      HURACAN_RETURN_IF_ERROR_CTX(tx.ExecScript(m.sql), "migration " + std::to_string(m.version) + " (" + m.name + ")");
      HURACAN_RETURN_IF_ERROR(tx.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                                      {m.version, m.name, SqlTimestamp(NowMs())}));
      version = m.version;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return version;
}

}  // namespace huracan::storage
