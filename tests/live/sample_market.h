// The sample market of the live tests: a replay folder of candle files (linked) and an archive of
// champions trained with zero costs and permissive promotion rules on the bars before a cut, so
// that they trade after it. Training is done once per ctest run and build (CachedFolder) and
// shared by every test binary that asks for the same files, cut and symbols.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "data/catalog.h"
#include "data/csv.h"
#include "data/timestamps.h"
#include "support/test_support.h"

namespace huracan::live {

// A replay folder (the candle files, linked), champions trained before `cut` in `archive`.
struct Market {
  std::string dir;
  std::string data;                          // the whole files, replayed and backtested
  std::string archive;                       // champions trained on the bars before the cut
  std::map<std::string, std::string> files;  // symbol id -> file

  Market(const std::vector<std::string>& sources, const std::string& cut, const std::string& train_symbols)
      : dir(huracan::testing::MakeTempDir("live-runner")), data(dir + "/data"), archive(dir + "/archive") {
    std::filesystem::create_directories(data);
    const int64_t cut_ms = *data::ParseIsoUtc(cut);
    std::map<std::string, data::BarSeries> loaded;
    std::string key = "live-market\n" + cut + "\n" + train_symbols;
    for (const std::string& src : sources) {
      const std::string name = std::filesystem::path(src).filename().string();
      std::filesystem::create_symlink(std::filesystem::absolute(src), data + "/" + name);
      auto bars = data::LoadBars(src);
      EXPECT_TRUE(bars.ok()) << src;
      files[bars->symbol] = data + "/" + name;
      loaded.emplace(name, std::move(*bars));
      key += "\n" + std::filesystem::absolute(src).string() + " " + std::to_string(std::filesystem::file_size(src)) +
             " " + std::to_string(std::filesystem::last_write_time(src).time_since_epoch().count());
    }
    const std::string rules = R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                              R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
    std::ofstream(dir + "/rules.json") << rules;
    const std::string train = dir + "/train";
    std::filesystem::create_directories(train);
    for (const auto& [name, bars] : loaded)
      std::ofstream(train + "/" + std::filesystem::path(name).stem().string() + ".csv")
          << data::BarsToCsv(bars.slice(0, data::FirstAtOrAfter(bars.ts_ms, cut_ms)));
    // Training is the expensive part and the same in every test of a run: done once, then copied.
    EXPECT_TRUE(huracan::testing::CachedFolder(key + "\n" + rules, archive,
                                               [&](const std::string& out) { return Train(out, train_symbols); }));
  }

  // Trains champions of `symbols` on the bars before the cut into `to_archive` (`env`: settings,
  // e.g. another features.recipe).
  bool Train(const std::string& to_archive, const std::string& symbols, const std::string& env = "") const {
    auto tr = Huracan("train --mode sequential --retries 0 --data-dir " + huracan::testing::ShellQuote(dir + "/train") +
                          " --archive " + huracan::testing::ShellQuote(to_archive) + " --db " +
                          huracan::testing::ShellQuote(to_archive + ".db") + " --promotion-rules " +
                          huracan::testing::ShellQuote(dir + "/rules.json") + " --costs zero --symbols " + symbols,
                      env);
    EXPECT_EQ(tr.exit_code, 0) << tr.out << tr.err;
    return tr.exit_code == 0;
  }

  huracan::testing::CommandResult Huracan(const std::string& args, const std::string& env = "") const {
    return huracan::testing::RunCommand("cd " + huracan::testing::ShellQuote(dir) + " && " + env + " " +
                                        huracan::testing::ShellQuote(huracan::testing::HuracanBinary()) + " " + args);
  }
  std::string Live(const std::string& mode, const std::string& span, const std::string& db,
                   const std::string& extra) const {
    return "live --mode " + mode + " --replay " + huracan::testing::ShellQuote(data) + " " + span + " --archive " +
           huracan::testing::ShellQuote(archive) + " --db " + huracan::testing::ShellQuote(db) + " " + extra;
  }
};

// The embedded sample, always: SOL, DOGE and their BTC reference.
struct SampleMarket : Market {
  SampleMarket() : Market(huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet"), kCut, "all") {}
  static constexpr char kCut[] = "2025-10-25";
};

}  // namespace huracan::live
