// Paths (docs/RELIABILITY.md, "Security"): a symbol name from any source (candle file names, the
// selector, a bundle's config.json, the config and flags, Telegram commands, the archive's own
// listing) never reaches the file system outside the archive or data folders. Every hostile name
// is tried at every entry point; each is refused, and the error names the input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/commands.h"
#include "data/catalog.h"
#include "live/symbols_selector.h"
#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan {
namespace {

namespace fs = std::filesystem;

struct Hostile {
  std::string name;
  std::string shown;  // a part of the name that the error must show
  bool in_argv;       // can be passed on a command line (no NUL)
};

const std::vector<Hostile>& HostileNames() {
  static const std::vector<Hostile> kNames = {
      {"../BTCUSDT", "../BTCUSDT", true},
      {"..", "..", true},
      {"BTCUSDT/../../etc", "BTCUSDT/../../etc", true},
      {"/etc/passwd", "/etc/passwd", true},
      {"/tmp/BTCUSDT", "/tmp/BTCUSDT", true},
      {std::string("BTC\0USDT", 8), "BTC", false},
      {std::string("BTCUSDT\0/../x", 13), "BTCUSDT", false},
      {std::string(300, 'A') + "USDT", std::string(30, 'A'), true},
      {"%2e%2e%2fBTCUSDT", "%2e%2e%2fBTCUSDT", true},
      {"%2E%2E/BTCUSDT", "%2E%2E/BTCUSDT", true},
      {"..\\BTCUSDT", "..", true},
      {"BTCUSDT\n", "BTCUSDT", false},
  };
  return kNames;
}

std::string Label(const Hostile& h) {
  std::string out;
  for (unsigned char c : h.name.substr(0, 24)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return "'" + out + "'" + (h.name.size() > 24 ? "..." : "");
}

class Paths : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("paths");
    ASSERT_FALSE(dir_.empty());
    fs::create_directories(dir_ + "/archive");
    auto store = storage::OpenObjectStore(dir_ + "/archive");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Nothing was created outside the temp folder, and nothing inside it but the archive.
  void ExpectNothingEscaped() {
    for (const char* p : {"/etc/BTCUSDT", "/tmp/BTCUSDT", "/tmp/BTCUSDT/latest.json"}) EXPECT_FALSE(fs::exists(p)) << p;
    for (const auto& e : fs::directory_iterator(dir_)) EXPECT_EQ(e.path().filename(), "archive");
  }

  std::string dir_;
  std::unique_ptr<storage::ObjectStore> store_;
};

TEST_F(Paths, EveryEntryPointRefusesEveryHostileSymbol) {
  int tried = 0;
  auto expect_named = [&](const Hostile& h, const std::string& where, bool ok, const std::string& message) {
    ++tried;
    EXPECT_FALSE(ok) << where << " accepted " << Label(h);
    EXPECT_NE(message.find(h.shown), std::string::npos) << where << " " << Label(h) << ": " << message;
  };
  for (const Hostile& h : HostileNames()) {
    // The archive: every function that turns a symbol into a key.
    auto v = registry::ValidateSymbol(h.name);
    expect_named(h, "ValidateSymbol", v.ok(), v.ok() ? "" : v.error().message);
    registry::Archive archive(*store_);
    auto listed = archive.ListChallengers(h.name);
    expect_named(h, "ListChallengers", listed.ok(), listed.ok() ? "" : listed.error().message);
    auto models = archive.ListModels(h.name);
    expect_named(h, "ListModels", models.ok(), models.ok() ? "" : models.error().message);
    auto pointer = registry::ReadChampionPointer(*store_, h.name);
    expect_named(h, "ReadChampionPointer", pointer.ok(), pointer.ok() ? "" : pointer.error().message);
    auto champion = registry::LoadChampion(*store_, h.name);
    expect_named(h, "LoadChampion", champion.ok(), champion.ok() ? "" : champion.error().message);
    auto rollback = registry::RollbackChampion(*store_, h.name, 0);
    expect_named(h, "RollbackChampion", rollback.ok(), rollback.ok() ? "" : rollback.error().message);
    auto set = registry::ReadChallengerSet(*store_, h.name);
    expect_named(h, "ReadChallengerSet", set.ok(), set.ok() ? "" : set.error().message);

    // A bundle's config.json that claims a hostile symbol.
    nlohmann::json config = {{"symbol", h.name},
                             {"recipe", "default"},
                             {"feature_hash", "x"},
                             {"data_window", {{"start_ms", 0}, {"end_ms", 1}}},
                             {"engines", nlohmann::json::array()},
                             {"code_version", "test"}};
    auto bundle = registry::BundleConfig::FromJson(config, "bundle/config.json");
    expect_named(h, "BundleConfig", bundle.ok(), bundle.ok() ? "" : bundle.error().message);

    // The selector file (written by the bot, read by the live runner).
    nlohmann::json selector = {
        {"version", 1}, {"updated_at", "2025-11-08T00:00:00Z"}, {"symbols", nlohmann::json::array({h.name})}};
    auto sel = live::ParseSymbolSelector(selector.dump(), "symbols_selector.json");
    expect_named(h, "ParseSymbolSelector", sel.ok(), sel.ok() ? "" : sel.error().message);
    nlohmann::json blocked = {{"version", 1},
                              {"updated_at", "2025-11-08T00:00:00Z"},
                              {"symbols", nlohmann::json::array()},
                              {"block", nlohmann::json::array({h.name})}};
    auto sel2 = live::ParseSymbolSelector(blocked.dump(), "symbols_selector.json");
    expect_named(h, "ParseSymbolSelector(block)", sel2.ok(), sel2.ok() ? "" : sel2.error().message);

    // Candle file names, and the `--symbols` / `training.symbols` / `live.symbols` selection.
    ++tried;
    EXPECT_FALSE(data::ParseMarket(h.name).has_value()) << Label(h);
    // A candle file name: only its last component counts (a folder part is where the file is), and
    // a name that parses always gives a symbol the archive takes.
    for (const std::string& file : {h.name + "_1m_20251011_20251108.parquet", h.name + "-1m-2025-01.csv"}) {
      ++tried;
      auto parsed = data::ParseDataFileName(file);
      if (parsed) {
        EXPECT_TRUE(registry::ValidateSymbol(parsed->market.id()).ok()) << Label(h);
      }
      if (h.name.find('/') == std::string::npos) {
        EXPECT_FALSE(parsed.has_value()) << Label(h);
      }
    }
    std::vector<data::CatalogEntry> entries(1);
    entries[0].path = "ETH-USDT_1m_x.parquet";
    entries[0].name = *data::ParseDataFileName(entries[0].path);
    auto selected = data::SelectSymbols(entries, h.name);
    expect_named(h, "SelectSymbols", selected.ok(), selected.ok() ? "" : selected.error().message);

    // Telegram: /allow and /block name symbols (the others take numbers or dates).
    control::ControlContext ctx;
    ctx.archive_dir = dir_ + "/archive";
    ctx.source = "telegram:1";
    for (const char* verb : {"allow", "block"}) {
      control::ParsedCommand cmd{verb, {h.name}};
      control::CommandOutcome out = control::Execute(ctx, cmd);
      const bool refused = out.reply.find("Unknown symbol") != std::string::npos;
      expect_named(h, std::string("/") + verb, !refused, out.reply);
    }
    EXPECT_FALSE(fs::exists(control::SelectorPath(ctx.archive_dir))) << "a refused command wrote the selector";
  }
  // A folder in the archive whose name is not a symbol is not listed as a champion (the bot's
  // /champions, /allow and the live runner read symbols from this listing).
  fs::create_directories(dir_ + "/archive/champion/bad..name");
  std::ofstream(dir_ + "/archive/champion/bad..name/latest.json") << "{}";
  auto champions = registry::Archive(*store_).ListChampionSymbols();
  ASSERT_TRUE(champions.ok());
  EXPECT_TRUE(champions->empty());
  ExpectNothingEscaped();
  std::cout << "paths: " << HostileNames().size() << " hostile names x entry points = " << tried << " refusals\n";
}

TEST_F(Paths, TheCommandLineAndTheConfigFileRefuseHostileSymbols) {
  const std::string sample = testing::SampleDir();
  const std::string config = dir_ + "/huracan.yaml";
  int tried = 0;
  for (const Hostile& h : HostileNames()) {
    if (!h.in_argv) continue;
    const std::string q = testing::ShellQuote(h.name);
    const std::string arch = " --archive " + testing::ShellQuote(dir_ + "/archive");
    const std::vector<std::string> runs = {
        "champion show " + q + arch,
        "champion rollback " + q + arch,
        "train --data-dir " + testing::ShellQuote(sample) + " --symbols " + q + arch + " --db " +
            testing::ShellQuote(dir_ + "/archive/h.db"),
        "live --replay " + testing::ShellQuote(sample) + " --symbols " + q + arch + " --db " +
            testing::ShellQuote(dir_ + "/archive/h.db"),
    };
    for (const std::string& args : runs) {
      ++tried;
      auto r = testing::RunHuracan(args);
      EXPECT_NE(r.exit_code, 0) << args;
      EXPECT_NE(r.err.find(h.shown), std::string::npos) << args << "\n" << r.err;
    }
    // training.symbols from the config file.
    std::ofstream(config) << "training:\n  symbols: " << nlohmann::json(h.name).dump() << "\n";
    ++tried;
    auto r = testing::RunHuracan("--config " + testing::ShellQuote(config) + " train --data-dir " +
                                 testing::ShellQuote(sample) + arch + " --db " +
                                 testing::ShellQuote(dir_ + "/archive/h.db"));
    EXPECT_NE(r.exit_code, 0) << Label(h);
    EXPECT_NE(r.err.find(h.shown), std::string::npos) << Label(h) << "\n" << r.err;
    fs::remove(config);
  }
  ExpectNothingEscaped();
  std::cout << "paths: " << tried << " command-line and config runs refused\n";
}

}  // namespace
}  // namespace huracan
