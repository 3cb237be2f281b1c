#include "storage/postgres_db.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <pqxx/pqxx>

namespace huracan::storage {
namespace {

// Type OIDs from pg_type.h.
constexpr pqxx::oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700, kBool = 16;

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::unique_ptr<pqxx::connection> conn, std::string url, std::string described)
      : conn_(std::move(conn)), url_(std::move(url)), described_(std::move(described)) {}
  ~PostgresDatabase() override {
    try {
      txn_.reset();
      conn_.reset();
    } catch (...) {
    }
  }

  Result<int64_t> Exec(std::string_view sql, const SqlParams& params) override {
    int64_t affected = 0;
    HURACAN_RETURN_IF_ERROR(Run(sql, params, [&](const pqxx::result& r) {
      affected = static_cast<int64_t>(r.affected_rows());
      return Status::Ok();
    }));
    return affected;
  }

  Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
    SqlRows out;
    HURACAN_RETURN_IF_ERROR(Run(sql, params, [&](const pqxx::result& r) {
      auto columns = std::make_shared<std::vector<std::string>>();
      for (pqxx::row::size_type c = 0; c < r.columns(); ++c) columns->push_back(r.column_name(c));
      out.columns = *columns;
      for (const auto& row : r) {
        std::vector<SqlValue> cells;
        cells.reserve(row.size());
        for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
          const pqxx::field f = row[c];
          if (f.is_null()) {
            cells.emplace_back();
            continue;
          }
          const pqxx::oid t = r.column_type(c);
          if (t == kInt8 || t == kInt4 || t == kInt2) {
            cells.emplace_back(f.as<int64_t>());
          } else if (t == kFloat8 || t == kFloat4 || t == kNumeric) {
            cells.emplace_back(f.as<double>());
          } else if (t == kBool) {
            cells.emplace_back(static_cast<int64_t>(f.as<bool>()));
          } else {
            cells.emplace_back(std::string(f.c_str(), f.size()));
          }
        }
        out.rows.emplace_back(columns, std::move(cells));
      }
      return Status::Ok();
    }));
    return out;
  }

  Status ExecScript(std::string_view sql) override {
    std::string s(sql);
    HURACAN_RETURN_IF_ERROR(EnsureConnected());
    return Guard(sql, [&]() {
      if (txn_) {
        txn_->exec(s);
      } else {
        pqxx::nontransaction tx(*conn_);
        tx.exec(s);
      }
      return Status::Ok();
    });
  }

  DbBackend backend() const override { return DbBackend::kPostgres; }
  std::string Describe() const override { return described_; }

 protected:
  Status Begin() override {
    HURACAN_RETURN_IF_ERROR(EnsureConnected());
    return Guard("BEGIN", [&]() {
      txn_ = std::make_unique<pqxx::work>(*conn_);
      return Status::Ok();
    });
  }
  Status Commit() override {
    if (!txn_) return FailedPrecondition(described_ + ": commit without a transaction");
    Status st = Guard("COMMIT", [&]() {
      txn_->commit();
      return Status::Ok();
    });
    txn_.reset();
    return st;
  }
  Status Rollback() override {
    if (!txn_) return Status::Ok();
    Status st = Guard("ROLLBACK", [&]() {
      txn_->abort();
      return Status::Ok();
    });
    txn_.reset();
    return st;
  }

 private:
  // After a lost connection (a server restart) the next call outside a transaction connects again;
  // until the server answers it fails with Unavailable, so callers retry with backoff.
  Status EnsureConnected() {
    if (txn_ || (!broken_ && conn_ && conn_->is_open())) return Status::Ok();
    try {
      conn_.reset();
      conn_ = std::make_unique<pqxx::connection>(url_);
      pqxx::nontransaction tx(*conn_);
      tx.exec("SET client_min_messages TO WARNING");
      broken_ = false;
      return Status::Ok();
    } catch (const std::exception& e) {
      conn_.reset();
      broken_ = true;
      return Unavailable(described_ + ": cannot reconnect: " + e.what());
    }
  }

  template <typename F>
  Status Guard(std::string_view sql, F&& body) {
    try {
      return body();
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return Unavailable(described_ + ": connection lost: " + e.what());
    } catch (const pqxx::sql_error& e) {
      std::string state = e.sqlstate();
      std::string msg = described_ + ": " + std::string(e.what()) + " [" + state + "] in: " + AbbrevSql(sql);
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      // A serialization failure or deadlock undid the server's transaction: inside our
      // Transaction only re-running all of it helps (Aborted); a single statement is retryable.
      if (state == "40001" || state == "40P01") return in_transaction() ? Aborted(msg) : Unavailable(msg);
      // Connection errors and a server shutting down or starting (57P01-57P03): connect again.
      if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0) broken_ = true;
      if (state.rfind("08", 0) == 0 || state == "55P03" || state.rfind("57P0", 0) == 0) return Unavailable(msg);
      if (state.rfind("23", 0) == 0) return FailedPrecondition(msg);
      if (state.rfind("42", 0) == 0 || state.rfind("22", 0) == 0) return InvalidArgument(msg);
      return Internal(msg);
    } catch (const pqxx::usage_error& e) {
      return InvalidArgument(described_ + ": " + e.what() + " in: " + AbbrevSql(sql));
    } catch (const std::exception& e) {
      return Internal(described_ + ": " + e.what() + " in: " + AbbrevSql(sql));
    }
  }

  template <typename F>
  Status Run(std::string_view raw_sql, const SqlParams& params, F&& consume) {
    HURACAN_ASSIGN_OR_RETURN(std::string sql, TranslatePlaceholders(raw_sql, DbBackend::kPostgres));
    HURACAN_RETURN_IF_ERROR(EnsureConnected());
    std::vector<std::optional<std::string>> values;
    values.reserve(params.size());
    for (const SqlValue& p : params) values.push_back(p.ToText());
    return Guard(raw_sql, [&]() {
      if (txn_) return consume(txn_->exec_params(sql, pqxx::prepare::make_dynamic_params(values)));
      pqxx::nontransaction tx(*conn_);
      return consume(tx.exec_params(sql, pqxx::prepare::make_dynamic_params(values)));
    });
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> txn_;
  std::string url_;
  std::string described_;
  bool broken_ = false;
};

}  // namespace

std::string RedactDatabaseUrl(const std::string& url) {
  // scheme://user:password@host... -> scheme://user:***@host...; a password=... query parameter
  // (libpq accepts one) -> password=***.
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t auth_start = scheme + 3;
  size_t at = out.find('@', auth_start);
  size_t slash = out.find('/', auth_start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = out.find(':', auth_start);
    if (colon != std::string::npos && colon < at) out = out.substr(0, colon + 1) + "***" + out.substr(at);
  }
  for (size_t q = out.find('?'); q != std::string::npos && q < out.size();) {
    size_t end = out.find('&', q + 1);
    if (out.compare(q + 1, 9, "password=") == 0) {
      out.replace(q + 10, (end == std::string::npos ? out.size() : end) - (q + 10), "***");
      end = out.find('&', q + 1);
    }
    q = end;
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url) {
  std::string described = RedactDatabaseUrl(url);
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    {
      pqxx::nontransaction tx(*conn);
      tx.exec("SET client_min_messages TO WARNING");
    }
    return std::unique_ptr<Database>(new PostgresDatabase(std::move(conn), url, described));
  } catch (const pqxx::broken_connection& e) {
    return Unavailable(described + ": cannot connect: " + e.what());
  } catch (const std::exception& e) {
    return InvalidArgument(described + ": cannot connect: " + e.what());
  }
}

}  // namespace huracan::storage
