// The one place that defines the SQL schema. Migrations are numbered, applied in order inside
// one transaction each, and recorded in schema_version(version, name, applied_at). Migrate() is
// idempotent and safe to run from several processes at once. The same SQL runs on SQLite and
// PostgreSQL.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace huracan::storage {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;  // ';'-separated portable statements
};

// All migrations, version ascending (1, 2, ...).
const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// Applies every migration newer than the database's version. Returns the version afterwards.
Result<int> Migrate(Database& db);
// 0 when schema_version does not exist yet.
Result<int> SchemaVersion(Database& db);

// The tables Migrate() creates and, for each, its columns in order (docs and tests).
struct TableSpec {
  std::string name;
  std::vector<std::string> columns;
};
const std::vector<TableSpec>& SchemaTables();

}  // namespace huracan::storage
