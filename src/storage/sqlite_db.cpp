#include "storage/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace huracan::storage {
namespace {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path, SqliteOptions options)
      : db_(db), path_(std::move(path)), options_(options) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  Result<int64_t> Exec(std::string_view sql, const SqlParams& params) override {
    HURACAN_ASSIGN_OR_RETURN(SqlRows rows, Run(sql, params, /*want_rows=*/false));
    (void)rows;
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override { return Run(sql, params, true); }

  Status ExecScript(std::string_view sql) override {
    std::string s(sql);
    return WithBusyRetry(sql, [&]() -> int { return sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr); });
  }

  DbBackend backend() const override { return DbBackend::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

 protected:
  // IMMEDIATE takes the write lock now: two writers queue instead of deadlocking on upgrade.
  Status Begin() override { return ExecScript("BEGIN IMMEDIATE"); }
  Status Commit() override { return ExecScript("COMMIT"); }
  Status Rollback() override {
    if (sqlite3_get_autocommit(db_)) return Status::Ok();
    return ExecScript("ROLLBACK");
  }

 private:
  Error ErrorFor(int rc, std::string_view sql) const {
    std::string msg = Describe() + ": " + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ") in: " + AbbrevSql(sql);
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        // Inside a transaction a busy statement is not retried (the lock order is the caller's):
        // the whole transaction is re-run by Database::Transaction.
        return in_transaction() ? Aborted(msg) : Unavailable(msg);
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_CANTOPEN: return Unavailable(msg);
      case SQLITE_CONSTRAINT: return FailedPrecondition(msg);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB: return DataLoss(msg);
      case SQLITE_ERROR:
      case SQLITE_RANGE:
      case SQLITE_MISMATCH: return InvalidArgument(msg);
      default: return Internal(msg);
    }
  }

  static bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

  // Re-runs `step` while the database is busy. Inside a transaction a busy statement is not
  // retried here: the lock order is the caller's (Database::Transaction re-runs the whole body).
  template <typename F>
  Status WithBusyRetry(std::string_view sql, F&& step) {
    int delay_ms = 50;
    for (int attempt = 0;; ++attempt) {
      int rc = step();
      if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
      if (!IsBusy(rc) || attempt >= options_.busy_retries || in_transaction()) return ErrorFor(rc, sql);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 2000);
    }
  }

  Status Bind(sqlite3_stmt* stmt, const SqlParams& params, std::string_view sql) {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size()))
      return InvalidArgument(Describe() + ": statement wants " + std::to_string(expected) + " parameters, got " +
                             std::to_string(params.size()) + ": " + AbbrevSql(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& p = params[i];
      int idx = static_cast<int>(i) + 1, rc;
      if (p.is_null()) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (p.is_int()) {
        rc = sqlite3_bind_int64(stmt, idx, p.int_value());
      } else if (p.is_double()) {
        rc = sqlite3_bind_double(stmt, idx, p.double_value());
      } else {
        rc = sqlite3_bind_text(stmt, idx, p.text_value().data(), static_cast<int>(p.text_value().size()),
                               SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return ErrorFor(rc, sql);
    }
    return Status::Ok();
  }

  Result<SqlRows> Run(std::string_view raw_sql, const SqlParams& params, bool want_rows) {
    HURACAN_ASSIGN_OR_RETURN(std::string sql, TranslatePlaceholders(raw_sql, DbBackend::kSqlite));
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      // A busy schema lock can fail prepare; retry through the same path.
      if (IsBusy(rc) && !in_transaction()) {
        Status st = WithBusyRetry(raw_sql, [&]() -> int {
          sqlite3_finalize(stmt);
          stmt = nullptr;
          return sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail);
        });
        if (!st.ok()) return st.error();
      } else {
        return ErrorFor(rc, raw_sql);
      }
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, &sqlite3_finalize);
    if (stmt == nullptr) return InvalidArgument(Describe() + ": empty statement");
    if (tail != nullptr) {
      std::string_view rest(tail);
      if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos)
        return InvalidArgument(Describe() + ": one statement at a time (use ExecScript): " + AbbrevSql(raw_sql));
    }
    HURACAN_RETURN_IF_ERROR(Bind(stmt, params, raw_sql));
    auto columns = std::make_shared<std::vector<std::string>>();
    int ncol = sqlite3_column_count(stmt);
    for (int c = 0; c < ncol; ++c) columns->push_back(sqlite3_column_name(stmt, c));
    SqlRows out;
    out.columns = *columns;
    int delay_ms = 50;
    for (int busy = 0;;) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        if (!want_rows) continue;
        std::vector<SqlValue> cells;
        cells.reserve(ncol);
        for (int c = 0; c < ncol; ++c) {
          switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER: cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
            case SQLITE_FLOAT: cells.emplace_back(sqlite3_column_double(stmt, c)); break;
            case SQLITE_NULL: cells.emplace_back(); break;
            default: {
              const unsigned char* t = sqlite3_column_text(stmt, c);
              int n = sqlite3_column_bytes(stmt, c);
              cells.emplace_back(std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(n)));
            }
          }
        }
        out.rows.emplace_back(columns, std::move(cells));
        continue;
      }
      if (rc == SQLITE_DONE) break;
      if (IsBusy(rc) && !in_transaction() && busy < options_.busy_retries && out.rows.empty()) {
        ++busy;
        sqlite3_reset(stmt);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        delay_ms = std::min(delay_ms * 2, 2000);
        continue;
      }
      return ErrorFor(rc, raw_sql);
    }
    return out;
  }

  sqlite3* db_;
  std::string path_;
  SqliteOptions options_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, SqliteOptions options) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "sqlite:" + path + ": cannot open: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return Unavailable(msg);
  }
  sqlite3_busy_timeout(db, std::max(0, options.busy_timeout_ms));
  std::unique_ptr<Database> out = std::make_unique<SqliteDatabase>(db, path, options);
  // Journal mode first: it fails on a file that is not a database.
  HURACAN_ASSIGN_OR_RETURN(SqlRows mode, out->Query("PRAGMA journal_mode=WAL"));
  std::string got = mode.empty() ? "" : mode.rows[0].Text(0).value_or("");
  if (got != "wal" && path != ":memory:" && !path.empty())
    return FailedPrecondition("sqlite:" + path + ": cannot enable WAL mode (journal_mode=" + got + ")");
  HURACAN_RETURN_IF_ERROR(out->ExecScript("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
  return out;
}

}  // namespace huracan::storage
