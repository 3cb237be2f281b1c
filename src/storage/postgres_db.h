// The PostgreSQL backend of storage::Database (libpqxx 6.4).
#pragma once

#include <memory>
#include <string>

#include "storage/database.h"

namespace huracan::storage {

// `url` is a libpq connection URI ("postgres://user:pass@host:port/db").
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url);

// The URL with its password replaced by "***" (for logs and messages).
std::string RedactDatabaseUrl(const std::string& url);

}  // namespace huracan::storage
