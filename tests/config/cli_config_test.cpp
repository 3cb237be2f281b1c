// End-to-end `huracan config ...` and `--config` on the real binary: init -> check -> show, the
// refusals (exit 2, every error, file:line:key), precedence as shown, and a train run whose
// archive, database and symbols come from a config file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/declarations.h"
#include "support/test_support.h"

namespace huracan::config {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

// Runs the binary in `dir` (so no huracan.yaml of the build folder is seen) with `env` first.
CommandResult RunIn(const std::string& dir, const std::string& args, const std::string& env = "") {
  return RunCommand("cd " + ShellQuote(dir) + " && env -u HURACAN_CONFIG -u DATABASE_URL " + env + " " +
                    ShellQuote(huracan::testing::HuracanBinary()) + " " + args);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ConfigCli, InitCheckShowRoundTrip) {
  const std::string dir = huracan::testing::MakeTempDir("config_cli");
  auto init = RunIn(dir, "config init --out huracan.yaml");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto again = RunIn(dir, "config init --out huracan.yaml");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(RunIn(dir, "config init --out huracan.yaml --force").exit_code, 0);

  auto check = RunIn(dir, "config check");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "ok: huracan.yaml\n");
  auto show = RunIn(dir, "config show --format json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  nlohmann::json j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["file"], "huracan.yaml");
  for (const auto& d : Declarations()) {
    ASSERT_TRUE(j["settings"].contains(d.key)) << d.key;
    EXPECT_EQ(j["settings"][d.key]["source"], "default") << d.key;
  }
  // Edit one value: show gives it, from the file, at its line.
  std::string text = Slurp(dir + "/huracan.yaml");
  const std::string line = "  # retries: 1\n";
  ASSERT_NE(text.find(line), std::string::npos);
  text.replace(text.find(line), line.size(), "  retries: 7\n");
  std::ofstream(dir + "/huracan.yaml") << text;
  auto edited = RunIn(dir, "config show");
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_NE(edited.out.find("  retries: 7  # file huracan.yaml:"), std::string::npos) << edited.out;
}

TEST(ConfigCli, RefusalsExitTwoWithEveryErrorOnItsOwnLine) {
  const std::string dir = huracan::testing::MakeTempDir("config_cli");
  std::ofstream(dir + "/bad.yaml") << "training:\n  max_concurent: 2\n  mode: fast\nhttp:\n  port: 0\n"
                                   << "telegram:\n  token: sekrit-value\n";
  auto r = RunIn(dir, "config check --config bad.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("huracan: bad.yaml:2: training.max_concurent: unknown key (did you mean "
                       "training.max_concurrent?)\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("huracan: bad.yaml:3: training.mode: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("huracan: bad.yaml:5: http.port: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("huracan: bad.yaml:7: telegram.token: "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("sekrit"), std::string::npos) << r.err;
  // Any command refuses to run on it, and a broken ./huracan.yaml is found without --config.
  fs::copy_file(dir + "/bad.yaml", dir + "/huracan.yaml");
  auto list = RunIn(dir, "engines list");
  EXPECT_EQ(list.exit_code, 2);
  EXPECT_NE(list.err.find("huracan.yaml:2: training.max_concurent"), std::string::npos) << list.err;
  // HURACAN_CONFIG names a file; a missing one is an error.
  auto missing = RunIn(dir, "config check", "HURACAN_CONFIG=nope.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;
  // init works whatever the current file holds.
  EXPECT_EQ(RunIn(dir, "config init").exit_code, 0);
}

TEST(ConfigCli, ShowNamesTheWinningSourceAtEachLevel) {
  const std::string dir = huracan::testing::MakeTempDir("config_cli");
  std::ofstream(dir + "/c.yaml") << "archive:\n  url: /from-file\n";
  auto grep_url = [&](const std::string& args, const std::string& env) {
    auto r = RunIn(dir, "config show --config c.yaml --format json " + args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    return j["settings"]["archive.url"]["value"].get<std::string>() + " " +
           j["settings"]["archive.url"]["source"].get<std::string>();
  };
  EXPECT_EQ(grep_url("--archive /from-flag", "HURACAN_ARCHIVE_URL=/from-env"), "/from-flag flag");
  EXPECT_EQ(grep_url("", "HURACAN_ARCHIVE_URL=/from-env"), "/from-env env");
  EXPECT_EQ(grep_url("", ""), "/from-file file");
  auto none = RunIn(dir, "config show --format json");
  auto j = nlohmann::json::parse(none.out);
  EXPECT_TRUE(j["file"].is_null());
  EXPECT_EQ(j["settings"]["archive.url"]["value"], "./archive");
  EXPECT_EQ(j["settings"]["archive.url"]["source"], "default");
  // --config is accepted before the command too.
  EXPECT_EQ(RunIn(dir, "--config c.yaml config check").out, "ok: c.yaml\n");
}

TEST(ConfigCli, TrainUsesTheArchiveDatabaseAndSymbolsOfTheConfigFile) {
  const std::string dir = huracan::testing::MakeTempDir("config_train");
  const std::string data = dir + "/data";
  fs::create_directories(data);
  for (const auto& f : huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet")) {
    const std::string name = fs::path(f).filename().string();
    if (name.rfind("SOL-", 0) == 0 || name.rfind("BTC-", 0) == 0) fs::copy_file(f, data + "/" + name);
  }
  std::ofstream(dir + "/run.yaml") << "data:\n  dir: " << data << "\narchive:\n  url: " << dir << "/arch\n"
                                   << "database:\n  url: " << dir << "/cfg.db\n"
                                   << "training:\n  symbols: SOLUSDT\n  retries: 0\n"
                                   << "engines:\n  run: [trend_ma, zscore_reversion]\n"
                                   << "promotion:\n  min_trades: 0\n  min_days: 0\n  min_psr: 0\n"
                                   << "  min_first_net_sharpe: -1000000\n"
                                   << "costs:\n  taker_fee_bps: 4\n";
  auto r = RunIn(dir, "train --config run.yaml --run-id cfgrun");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 symbols, 1 done"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir + "/cfg.db"));
  EXPECT_FALSE(fs::exists(dir + "/huracan.db"));
  EXPECT_TRUE(fs::exists(dir + "/arch/champions/SOLUSDT.json") || fs::exists(dir + "/arch/summaries"))
      << "nothing written to the configured archive";
  EXPECT_FALSE(fs::exists(dir + "/archive"));
  auto sum = RunIn(dir, "summary --config run.yaml --json");
  EXPECT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_NE(sum.out.find("SOLUSDT"), std::string::npos) << sum.out;
  EXPECT_EQ(sum.out.find("BTCUSDT\""), std::string::npos) << "only the configured symbol is trained";
  // A flag still wins over the file.
  auto db = RunIn(dir, "db status --config run.yaml");
  EXPECT_NE(db.out.find("cfg.db"), std::string::npos) << db.out;
  auto flag = RunIn(dir, "db status --config run.yaml --db " + ShellQuote(dir + "/other.db"));
  EXPECT_NE(flag.out.find("other.db"), std::string::npos) << flag.out;
}

TEST(ConfigCli, DocsCommandPrintsTheReference) {
  auto r = RunIn(huracan::testing::MakeTempDir("config_cli"), "config docs");
  EXPECT_EQ(r.exit_code, 0);
  for (const auto& d : Declarations()) EXPECT_NE(r.out.find("`" + d.key + "`"), std::string::npos) << d.key;
}

}  // namespace
}  // namespace huracan::config
