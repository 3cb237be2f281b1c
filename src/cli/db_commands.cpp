// `huracan db migrate|status`: the database schema (storage/migrations.h).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace huracan::cli {
namespace {

struct DbOptions {
  std::string db;  // empty = DATABASE_URL or ./huracan.db
};

// database.url after every override (docs/CONFIG.md); --db is part of it.
DbOptions Resolved(DbOptions o) {
  o.db = ActiveSettings().DatabaseUrl();
  return o;
}

Result<int> RunMigrate(const DbOptions& opt) {
  const std::string url = opt.db.empty() ? storage::DefaultDatabaseUrl() : opt.db;
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(url));
  HURACAN_ASSIGN_OR_RETURN(int before, storage::SchemaVersion(*db));
  HURACAN_ASSIGN_OR_RETURN(int after, storage::Migrate(*db));
  std::printf("%s: schema version %d (%d migration%s applied)\n", db->Describe().c_str(), after, after - before,
              after - before == 1 ? "" : "s");
  return kExitOk;
}

Result<int> RunStatus(const DbOptions& opt) {
  const std::string url = opt.db.empty() ? storage::DefaultDatabaseUrl() : opt.db;
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(url));
  HURACAN_ASSIGN_OR_RETURN(int version, storage::SchemaVersion(*db));
  std::printf("%s: schema version %d of %d%s\n", db->Describe().c_str(), version, storage::LatestSchemaVersion(),
              version < storage::LatestSchemaVersion() ? " (run `huracan db migrate`)" : "");
  return version < storage::LatestSchemaVersion() ? kExitPartial : kExitOk;
}

}  // namespace

void RegisterDbCommands(CLI::App& app, Action* out) {
  CLI::App* db = app.add_subcommand("db", "Database schema: migrate, status");
  db->require_subcommand(1);
  auto opt = std::make_shared<DbOptions>();
  const char* db_help =
      "Database: a SQLite path, sqlite:PATH or postgres://... (default $DATABASE_URL or ./huracan.db)";

  CLI::App* migrate = db->add_subcommand("migrate", "Apply pending schema migrations (idempotent); print the version");
  migrate->add_option("--db", opt->db, db_help);
  migrate->callback([out, opt] { *out = [opt] { return RunMigrate(Resolved(*opt)); }; });

  CLI::App* status = db->add_subcommand("status", "Print the schema version (exit 1 when migrations are pending)");
  status->add_option("--db", opt->db, db_help);
  status->callback([out, opt] { *out = [opt] { return RunStatus(Resolved(*opt)); }; });
}

}  // namespace huracan::cli
