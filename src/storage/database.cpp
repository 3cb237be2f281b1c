#include "storage/database.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <thread>

#include "core/time_units.h"
#include "storage/postgres_db.h"
#include "storage/sqlite_db.h"

namespace huracan::storage {

std::optional<std::string> SqlValue::ToText() const {
  switch (v_.index()) {
    case 1: return std::to_string(int_value());
    case 2: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", double_value());
      return std::string(buf);
    }
    case 3: return text_value();
    default: return std::nullopt;
  }
}

std::optional<size_t> SqlRow::IndexOf(std::string_view column) const {
  for (size_t i = 0; i < columns_->size(); ++i)
    if ((*columns_)[i] == column) return i;
  return std::nullopt;
}

namespace {

std::string ColumnName(const SqlRow& row, size_t i) {
  if (i < row.columns().size()) return row.columns()[i];
  std::string out = "#";
  out.append(std::to_string(i));
  return out;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> SqlRow::OptInt(size_t i) const {
  const SqlValue& c = cells_.at(i);
  if (c.is_int()) return c.int_value();
  if (c.is_double()) {
    double d = c.double_value();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (c.is_text()) return ParseInt(c.text_value());
  return std::nullopt;
}

std::optional<double> SqlRow::OptDouble(size_t i) const {
  const SqlValue& c = cells_.at(i);
  if (c.is_double()) return c.double_value();
  if (c.is_int()) return static_cast<double>(c.int_value());
  if (c.is_text()) return ParseDouble(c.text_value());
  return std::nullopt;
}

Result<int64_t> SqlRow::Int(size_t i) const {
  if (i >= cells_.size()) return InvalidArgument("result has no column #" + std::to_string(i));
  if (auto v = OptInt(i)) return *v;
  return InvalidArgument("column '" + ColumnName(*this, i) +
                         "': " + (IsNull(i) ? std::string("is NULL") : "not an integer: " + *Text(i)));
}

Result<double> SqlRow::Double(size_t i) const {
  if (i >= cells_.size()) return InvalidArgument("result has no column #" + std::to_string(i));
  if (auto v = OptDouble(i)) return *v;
  return InvalidArgument("column '" + ColumnName(*this, i) +
                         "': " + (IsNull(i) ? std::string("is NULL") : "not a number: " + *Text(i)));
}

Result<std::string> SqlRow::String(size_t i) const {
  if (i >= cells_.size()) return InvalidArgument("result has no column #" + std::to_string(i));
  if (auto v = Text(i)) return *v;
  return InvalidArgument("column '" + ColumnName(*this, i) + "': is NULL");
}

Result<int64_t> SqlRow::Int(std::string_view column) const {
  auto i = IndexOf(column);
  if (!i) return NotFound("result has no column '" + std::string(column) + "'");
  return Int(*i);
}
Result<double> SqlRow::Double(std::string_view column) const {
  auto i = IndexOf(column);
  if (!i) return NotFound("result has no column '" + std::string(column) + "'");
  return Double(*i);
}
Result<std::string> SqlRow::String(std::string_view column) const {
  auto i = IndexOf(column);
  if (!i) return NotFound("result has no column '" + std::string(column) + "'");
  return String(*i);
}
std::optional<std::string> SqlRow::Text(std::string_view column) const {
  auto i = IndexOf(column);
  if (!i) return std::nullopt;
  return Text(*i);
}

std::string AbbrevSql(std::string_view sql) {
  std::string s(sql.substr(0, 120));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return sql.size() > 120 ? s + "..." : s;
}

const char* DbBackendName(DbBackend backend) { return backend == DbBackend::kSqlite ? "sqlite" : "postgres"; }

Status Database::Transaction(const std::function<Status(Database&)>& body, int attempts) {
  if (in_transaction_) return FailedPrecondition(Describe() + ": nested transactions are not supported");
  if (attempts < 1) attempts = 1;
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20 << std::min(attempt, 6)));
    Status begin = Begin();
    if (!begin.ok()) {
      last = begin;
      if (begin.error().retryable()) continue;
      return last;
    }
    in_transaction_ = true;
    Status result;
    try {
      result = body(*this);
    } catch (const std::exception& e) {
      result = Internal(Describe() + ": exception inside transaction: " + e.what());
    } catch (...) {
      result = Internal(Describe() + ": unknown exception inside transaction");
    }
    if (result.ok()) result = Commit();
    in_transaction_ = false;
    if (result.ok()) return result;
    (void)Rollback();
    last = result;
    // The transaction is the unit that is re-run: for a transient failure of one of its calls,
    // and for an aborted one (a lock conflict or serialization failure that undid it).
    if (!result.error().retryable() && !result.error().retry_higher_up()) return last;
  }
  return last;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url) {
  if (url.empty()) return InvalidArgument("database: empty URL or path");
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) return OpenPostgres(url);
  std::string path = url;
  if (path.rfind("sqlite://", 0) == 0) {
    path = path.substr(9);
  } else if (path.rfind("sqlite:", 0) == 0) {
    path = path.substr(7);
  } else if (path.find("://") != std::string::npos) {
    return InvalidArgument("database '" + RedactDatabaseUrl(url) +
                           "': unsupported scheme (use a path, sqlite:PATH or postgres://)");
  }
  if (path.empty()) return InvalidArgument("database '" + url + "': empty path");
  return OpenSqlite(path);
}

std::string DefaultDatabaseUrl() {
  const char* env = std::getenv("DATABASE_URL");
  if (env != nullptr && *env != '\0') return env;
  return "./huracan.db";
}

std::string SqlTimestamp(int64_t epoch_ms) {
  int64_t secs = FloorDiv(epoch_ms, kMsPerSecond);
  int ms = static_cast<int>(epoch_ms - secs * kMsPerSecond);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

Result<std::string> TranslatePlaceholders(std::string_view sql, DbBackend backend) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next_q = 0;
  bool saw_q = false, saw_dollar = false;
  size_t i = 0;
  auto copy_until = [&](std::string_view end_tok) {
    size_t end = sql.find(end_tok, i);
    end = end == std::string_view::npos ? sql.size() : end + end_tok.size();
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted literal or identifier; a doubled quote is an escaped quote.
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, sql.size());
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      copy_until("\n");
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      copy_until("*/");
    } else if (c == '?') {
      saw_q = true;
      ++i;
      ++next_q;
      out += backend == DbBackend::kPostgres ? "$" : "?";
      out += std::to_string(next_q);
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      saw_dollar = true;
      size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      out += backend == DbBackend::kPostgres ? "$" : "?";
      out.append(sql.substr(i + 1, j - i - 1));
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  if (saw_q && saw_dollar) return InvalidArgument("SQL mixes '?' and '$n' placeholders: " + std::string(sql));
  return out;
}

}  // namespace huracan::storage
