// The SQLite backend of storage::Database (used through OpenDatabase; options exposed for tests).
#pragma once

#include <memory>
#include <string>

#include "storage/database.h"

namespace huracan::storage {

struct SqliteOptions {
  int busy_timeout_ms = 5000;  // SQLite's own wait for a lock
  int busy_retries = 8;        // then ours: re-run the statement, with backoff (50 ms doubling, capped 2 s)
};

// Opens (creating when missing) the file at `path`, in WAL mode, with foreign keys on,
// synchronous=NORMAL and the busy handling above.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, SqliteOptions options = {});

}  // namespace huracan::storage
