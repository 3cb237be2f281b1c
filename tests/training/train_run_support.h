// The embedded-sample `huracan train` fixture of the end-to-end tests (train_e2e_test.cpp,
// crash_campaign_test.cpp): a private archive, SQLite database and permissive promotion rules in a
// fresh temp folder, a few cheap engines, and the checks every crash test makes afterwards.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "registry/archive.h"
#include "registry/champion.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::training {

struct TrainRun {
  std::string dir = testing::MakeTempDir("train_e2e");
  std::string data = testing::SampleDir();
  std::string archive = dir + "/archive";
  std::string db = dir + "/h.db";
  std::string rules = dir + "/rules.json";

  TrainRun() {
    std::ofstream(rules) << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                         << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
  }
  // Only the data files named (copied into a private data folder).
  void UseData(const std::vector<std::string>& prefixes) {
    data = dir + "/data";
    std::filesystem::create_directories(data);
    for (const auto& f : testing::ListFiles(testing::SampleDir(), ".parquet")) {
      std::string name = std::filesystem::path(f).filename().string();
      for (const auto& p : prefixes)
        if (name.rfind(p, 0) == 0) std::filesystem::copy_file(f, data + "/" + name);
    }
  }
  // The shell command line of `huracan train` on this fixture, `extra` appended.
  std::string TrainCommand(const std::string& extra, const std::string& env = "") const {
    return env + " " + testing::ShellQuote(testing::HuracanBinary()) + " train --data-dir " +
           testing::ShellQuote(data) + " --archive " + testing::ShellQuote(archive) + " --db " +
           testing::ShellQuote(db) +
           (extra.find("--engines") == std::string::npos ? " --engines trend_ma,zscore_reversion,ridge" : "") +
           " --promotion-rules " + testing::ShellQuote(rules) +
           (extra.find("--retries") == std::string::npos ? " --retries 0 " : " ") + extra;
  }
  testing::CommandResult Train(const std::string& extra, const std::string& env = "") const {
    return testing::RunCommand(TrainCommand(extra, env));
  }
  std::unique_ptr<storage::Database> Db() {
    auto d = storage::OpenDatabase(db);
    EXPECT_TRUE(d.ok());
    return std::move(d).value();
  }
  int64_t Count(const std::string& sql, const storage::SqlParams& p = {}) {
    auto d = Db();
    auto r = d->Query(sql, p);
    EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r->rows[0].Int(0) : -1;
  }
  std::string Status(const std::string& run, const std::string& sym) {
    auto d = Db();
    auto r = d->Query("SELECT status FROM run_ledger WHERE run_id = ? AND symbol = ?", {run, sym});
    return r.ok() && !r->empty() ? r->rows[0].Text(0).value_or("") : "";
  }
  std::string ClaimOwner(const std::string& run, const std::string& sym) {
    auto d = Db();
    auto r = d->Query("SELECT claim_owner FROM run_ledger WHERE run_id = ? AND symbol = ?", {run, sym});
    return r.ok() && !r->empty() ? r->rows[0].Text(0).value_or("") : "";
  }
  // Every champion pointer loads its own bundle (no fallback), and there are `n` of them.
  void ExpectValidChampions(size_t n) {
    auto store = storage::OpenObjectStore(archive);
    ASSERT_TRUE(store.ok());
    registry::Archive a(**store);
    auto syms = a.ListChampionSymbols();
    ASSERT_TRUE(syms.ok());
    EXPECT_EQ(syms->size(), n);
    for (const auto& s : *syms) {
      auto c = registry::LoadChampion(**store, s);
      ASSERT_TRUE(c.ok()) << s << ": " << c.error().message;
      EXPECT_FALSE(c->fell_back) << s;
    }
  }
  // metrics.json of the symbol's champion: a DSR beside every PSR, and the bootstrap band of the
  // combined net bps per trade (bounds around the point estimate, or null under 2 trades).
  void ExpectDsrAndBand(const std::string& symbol) {
    auto store = storage::OpenObjectStore(archive);
    ASSERT_TRUE(store.ok());
    auto c = registry::LoadChampion(**store, symbol);
    ASSERT_TRUE(c.ok()) << symbol << ": " << c.error().message;
    const nlohmann::json& m = c->bundle.metrics;
    const nlohmann::json& comb = m.at("combined");
    ASSERT_TRUE(comb.at("dsr").is_number()) << comb.dump();
    EXPECT_LE(comb["dsr"].get<double>(), comb["psr"].get<double>() + 1e-12);
    for (const auto& [id, e] : m.at("engines").items()) EXPECT_TRUE(e.at("dsr").is_number()) << id;
    const nlohmann::json& band = comb.at("net_bps_per_trade_band");
    EXPECT_EQ(band.at("level"), 0.9);
    EXPECT_EQ(band.at("resamples"), 2000);
    if (comb["trades"].get<int64_t>() >= 2) {
      const double point = comb["net_bps_per_trade"].get<double>();
      EXPECT_LE(band["lo"].get<double>(), point + 1e-9) << band.dump();
      EXPECT_GE(band["hi"].get<double>(), point - 1e-9) << band.dump();
    } else {
      EXPECT_TRUE(band["lo"].is_null() && band["hi"].is_null()) << band.dump();
    }
  }
  // No duplicate rows: one model per (symbol, run), one decision per model.
  void ExpectNoDuplicates(const std::string& run, int64_t symbols) {
    std::string like = "%\"run_id\":\"" + run + "\"%";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM models WHERE params LIKE ?", {like}), symbols);
    EXPECT_EQ(Count("SELECT COUNT(DISTINCT symbol) FROM models WHERE params LIKE ?", {like}), symbols);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM promotions p JOIN models m ON p.to_model_id = m.model_id WHERE m.params "
                    "LIKE ?",
                    {like}),
              symbols);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM model_metrics mm JOIN models m ON mm.model_id = m.model_id WHERE "
                    "m.params LIKE ?",
                    {like}),
              symbols);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = ? AND status = 'done'", {run}), symbols);
  }
};

// The run's rows that must match between two runs of the same inputs: per symbol, the model, its
// kind, its OOS trades and the promotion decision.
inline std::string RowsDigest(TrainRun& r) {
  auto d = r.Db();
  auto q = d->Query(
      "SELECT m.symbol, m.model_id, m.kind, mm.trades, p.decision FROM models m JOIN model_metrics mm ON "
      "mm.model_id = m.model_id JOIN promotions p ON p.to_model_id = m.model_id ORDER BY m.symbol");
  EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
  std::string out;
  if (!q.ok()) return out;
  for (const auto& row : q->rows) {
    for (size_t i = 0; i < row.size(); ++i) out += row.Text(i).value_or("NULL") + (i + 1 < row.size() ? " " : "\n");
  }
  return out;
}

// Postgres variants: DATABASE_URL from scripts/with-postgres.sh (ctest training.postgres). Each
// test works in its own schema of that database, so their rows never meet.
inline std::string FreshPostgresSchema(const std::string& schema) {
  const char* url = std::getenv("DATABASE_URL");
  if (!url || std::string(url).rfind("postgres", 0) != 0) return "";
  auto db = storage::OpenDatabase(url);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  if (!db.ok()) return "";
  EXPECT_TRUE((*db)->ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema).ok());
  return std::string(url) + "?options=-csearch_path%3D" + schema;
}

#define HURACAN_REQUIRE_POSTGRES(r, schema) \
  (r).db = FreshPostgresSchema(schema);     \
  if ((r).db.empty())                       \
  GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs these via scripts/with-postgres.sh)"

}  // namespace huracan::training
