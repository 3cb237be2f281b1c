// What the mechanic's end-to-end tests share (mechanic_test.cpp, mechanic_evidence_test.cpp): a
// trained base made once per test process by `huracan train`, each case's copy of it, and readers
// of its JSON line, archive and database.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "registry/champion.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::training::testing {

// `huracan train` of one symbol from `dir`/`data` into `dir`/archive and `dir`/h.db, zero costs,
// under the rules file `dir`/`rules`.json. `extra`: more flags.
inline huracan::testing::CommandResult TrainBase(const std::string& dir, const std::string& data,
                                                 const std::string& engines, const std::string& symbol,
                                                 const std::string& rules, const std::string& extra = "") {
  using huracan::testing::ShellQuote;
  return huracan::testing::RunCommand(ShellQuote(huracan::testing::HuracanBinary()) + " train --data-dir " +
                                      ShellQuote(dir + "/" + data) + " --archive " + ShellQuote(dir + "/archive") +
                                      " --db " + ShellQuote(dir + "/h.db") + " --engines " + engines +
                                      " --costs zero --retries 0 --run-id base --symbols " + symbol +
                                      " --promotion-rules " + ShellQuote(dir + "/" + rules + ".json") + " " + extra);
}

// A case's own copy of a base folder (data, archive, database), for one symbol.
struct MechanicCase {
  std::string dir;
  std::string symbol;
  std::string archive = dir + "/archive";
  std::string db = dir + "/h.db";

  MechanicCase(const std::string& base_dir, const std::string& prefix, std::string sym)
      : dir(huracan::testing::MakeTempDir(prefix)), symbol(std::move(sym)) {
    std::filesystem::copy(base_dir, dir,
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  }
  static nlohmann::json Line(const huracan::testing::CommandResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  std::unique_ptr<storage::ObjectStore> Store() const {
    auto s = storage::OpenObjectStore(archive);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  }
  registry::ChampionPointer Pointer() const {
    auto p = registry::ReadChampionPointer(*Store(), symbol);
    EXPECT_TRUE(p.ok() && p->has_value());
    return **p;
  }
  std::unique_ptr<storage::Database> Db() const {
    auto d = storage::OpenDatabase(db);
    EXPECT_TRUE(d.ok());
    return std::move(d).value();
  }
  int64_t Count(const std::string& sql, const storage::SqlParams& params = {}) const {
    auto r = Db()->Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql;
    return r.ok() ? *r->rows[0].Int(0) : -1;
  }
};

}  // namespace huracan::training::testing
