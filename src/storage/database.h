// A small SQL interface used by every module above storage: SQLite (default, a file) and
// PostgreSQL (DATABASE_URL, libpqxx) behind one API, with one schema (storage/migrations.h).
//
// SQL is written once, portable across both backends:
//   - placeholders are '?' (positional) or '$1', '$2', ... ; each backend translates them;
//   - types: TEXT, BIGINT, INTEGER, DOUBLE PRECISION; timestamps are TEXT in ISO-8601 UTC
//     (SqlTimestamp) so they sort as strings;
//   - upserts: INSERT ... ON CONFLICT (cols) DO UPDATE SET x = excluded.x / DO NOTHING;
//   - the column "window" of model_metrics is always quoted.
// A Database is one connection: use it from one thread at a time; open one per worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace huracan::storage {

// A bound parameter or a cell: NULL, integer, double or text.
class SqlValue {
 public:
  SqlValue() = default;                                 // NULL
  SqlValue(std::nullopt_t) {}                           // NOLINT: implicit by design
  SqlValue(int v) : v_(static_cast<int64_t>(v)) {}      // NOLINT
  SqlValue(int64_t v) : v_(v) {}                        // NOLINT
  SqlValue(double v) : v_(v) {}                         // NOLINT
  SqlValue(bool v) : v_(static_cast<int64_t>(v)) {}     // NOLINT
  SqlValue(std::string v) : v_(std::move(v)) {}         // NOLINT
  SqlValue(std::string_view v) : v_(std::string(v)) {}  // NOLINT
  SqlValue(const char* v) : v_(std::string(v)) {}       // NOLINT
  template <typename T>
  SqlValue(const std::optional<T>& v) {  // NOLINT
    if (v) *this = SqlValue(*v);
  }

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_double() const { return v_.index() == 2; }
  bool is_text() const { return v_.index() == 3; }
  int64_t int_value() const { return std::get<1>(v_); }
  double double_value() const { return std::get<2>(v_); }
  const std::string& text_value() const { return std::get<3>(v_); }
  // Text form: NULL -> nullopt; integers in decimal; doubles round-trip exactly (%.17g).
  std::optional<std::string> ToText() const;

 private:
  std::variant<std::monostate, int64_t, double, std::string> v_;
};

using SqlParams = std::vector<SqlValue>;

// One result row. Cells keep the backend's type (SQLite: its storage class; Postgres: by the
// column's type OID, BIGINT/INTEGER -> int, DOUBLE PRECISION/NUMERIC -> double, else text).
// Typed getters convert where lossless and fail with a message naming the column otherwise.
class SqlRow {
 public:
  SqlRow(std::shared_ptr<const std::vector<std::string>> columns, std::vector<SqlValue> cells)
      : columns_(std::move(columns)), cells_(std::move(cells)) {}

  size_t size() const { return cells_.size(); }
  const SqlValue& cell(size_t i) const { return cells_.at(i); }
  const std::vector<std::string>& columns() const { return *columns_; }
  // Index of a column by name, or nullopt.
  std::optional<size_t> IndexOf(std::string_view column) const;

  bool IsNull(size_t i) const { return cells_.at(i).is_null(); }
  std::optional<std::string> Text(size_t i) const { return cells_.at(i).ToText(); }
  Result<int64_t> Int(size_t i) const;         // NULL or non-integer -> InvalidArgument naming the column
  Result<double> Double(size_t i) const;       // NULL or non-numeric -> InvalidArgument
  Result<std::string> String(size_t i) const;  // NULL -> InvalidArgument
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<double> OptDouble(size_t i) const;

  // The same getters by column name (NotFound when the column is not in the result).
  Result<int64_t> Int(std::string_view column) const;
  Result<double> Double(std::string_view column) const;
  Result<std::string> String(std::string_view column) const;
  std::optional<std::string> Text(std::string_view column) const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<SqlValue> cells_;
};

struct SqlRows {
  std::vector<std::string> columns;
  std::vector<SqlRow> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
};

enum class DbBackend { kSqlite, kPostgres };
const char* DbBackendName(DbBackend backend);

// A statement for an error message: its first 120 characters on one line ("..." when cut).
std::string AbbrevSql(std::string_view sql);

class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one statement; returns the number of rows changed (0 for DDL).
  // A busy/locked SQLite database or a Postgres serialization failure or deadlock returns
  // Unavailable after the backend's own retries (retryable(): run the statement again); inside a
  // Transaction it returns Aborted at once (retry_higher_up(): re-run the whole transaction).
  // Constraint violations return FailedPrecondition.
  virtual Result<int64_t> Exec(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs one statement and returns its rows.
  virtual Result<SqlRows> Query(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Runs `body` inside one transaction: commits when it returns OK, rolls back otherwise (and
  // when it throws; the exception becomes an Internal error). SQLite takes the write lock up
  // front (BEGIN IMMEDIATE) so two writers never deadlock; a busy start is retried. When the
  // whole transaction fails with a retryable() or retry_higher_up() error (Unavailable, Aborted,
  // DeadlineExceeded) it is re-run up to `attempts` times, so `body` must be safe to re-run.
  // Nested calls are refused (FailedPrecondition).
  Status Transaction(const std::function<Status(Database&)>& body, int attempts = 5);

  virtual DbBackend backend() const = 0;
  // The URL or path, with any password removed, for logs and messages.
  virtual std::string Describe() const = 0;
  bool in_transaction() const { return in_transaction_; }

 protected:
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

 private:
  bool in_transaction_ = false;
};

// "PATH", "sqlite:PATH" or "sqlite://PATH" -> SQLite (file created when missing; ":memory:" ok);
// "postgres://..." or "postgresql://..." -> PostgreSQL. Anything else -> InvalidArgument.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url);

// The database to use when none is given: $DATABASE_URL when set and non-empty, else "./huracan.db".
std::string DefaultDatabaseUrl();

// Epoch milliseconds -> "2025-11-08T02:00:00.000Z" (the TEXT timestamp format of every table).
std::string SqlTimestamp(int64_t epoch_ms);

// Rewrites '?' and '$n' placeholders outside quotes and comments: to '$1..$n' for Postgres, to
// '?NNN' for SQLite. Exposed for tests.
Result<std::string> TranslatePlaceholders(std::string_view sql, DbBackend backend);

}  // namespace huracan::storage
