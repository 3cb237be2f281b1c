// `huracan live --replay` end to end, the real binary: parity with `huracan backtest --model` (same
// trades, byte-identical decisions), crash recovery (kill -9 at several bars, restarts, the same
// trade list as an uninterrupted run), paper mode's tables, per-symbol errors.
//
// Bundles that trade: each coin's champion is trained with zero costs on the bars before a cut
// (CSV copies of the candle files cut there), then replayed and backtested on the bars after it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "costs/guardrails.h"
#include "data/catalog.h"
#include "data/csv.h"
#include "data/timestamps.h"
#include "live/trade_log.h"
#include "storage/database.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

// A replay folder (the candle files, linked), champions trained before `cut` in `archive`.
struct Market {
  std::string dir;
  std::string data;                          // the whole files, replayed and backtested
  std::string archive;                       // champions trained on the bars before the cut
  std::map<std::string, std::string> files;  // symbol id -> file

  Market(const std::vector<std::string>& sources, const std::string& cut, const std::string& train_symbols)
      : dir(huracan::testing::MakeTempDir("live-runner")), data(dir + "/data"), archive(dir + "/archive") {
    const std::string train = dir + "/train";
    fs::create_directories(data);
    fs::create_directories(train);
    const int64_t cut_ms = *data::ParseIsoUtc(cut);
    for (const std::string& src : sources) {
      const std::string name = fs::path(src).filename().string();
      fs::create_symlink(fs::absolute(src), data + "/" + name);
      auto bars = data::LoadBars(src);
      EXPECT_TRUE(bars.ok()) << src;
      files[bars->symbol] = data + "/" + name;
      std::ofstream(train + "/" + fs::path(name).stem().string() + ".csv")
          << data::BarsToCsv(bars->slice(0, data::FirstAtOrAfter(bars->ts_ms, cut_ms)));
    }
    std::ofstream(dir + "/rules.json") << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                                       << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
    auto tr = Huracan("train --mode sequential --retries 0 --data-dir " + ShellQuote(train) + " --archive " +
                      ShellQuote(archive) + " --db " + ShellQuote(dir + "/train.db") + " --promotion-rules " +
                      ShellQuote(dir + "/rules.json") + " --costs zero --symbols " + train_symbols);
    EXPECT_EQ(tr.exit_code, 0) << tr.out << tr.err;
  }

  CommandResult Huracan(const std::string& args, const std::string& env = "") const {
    return RunCommand("cd " + ShellQuote(dir) + " && " + env + " " + ShellQuote(huracan::testing::HuracanBinary()) +
                      " " + args);
  }
  std::string Live(const std::string& mode, const std::string& span, const std::string& db,
                   const std::string& extra) const {
    return "live --mode " + mode + " --replay " + ShellQuote(data) + " " + span + " --archive " + ShellQuote(archive) +
           " --db " + ShellQuote(db) + " " + extra;
  }
};

std::string Num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// entry_ts|exit_ts|side|entry|exit|fees|net_pnl, one per trade, by entry time.
std::vector<std::string> BacktestTrades(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& t : j["trades"])
    out.push_back(std::to_string(t["entry_ts"].get<int64_t>()) + "|" + std::to_string(t["exit_ts"].get<int64_t>()) +
                  "|" + t["side"].get<std::string>() + "|" + Num(t["entry"].get<double>()) + "|" +
                  Num(t["exit"].get<double>()) + "|" + Num(t["fees"].get<double>()) + "|" +
                  Num(t["net_pnl"].get<double>()));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<TradeRecord> DbTrades(const std::string& db, TradeBook book) {
  auto d = storage::OpenDatabase(db);
  EXPECT_TRUE(d.ok()) << db;
  if (!d.ok()) return {};
  auto rows = ReadTrades(**d, book);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? *rows : std::vector<TradeRecord>{};
}

// The same serialisation of a logged trade (its entry time is in its id: SYMBOL|ENTRY_ISO|MODEL).
std::vector<std::string> LiveTrades(const std::vector<TradeRecord>& rows, const std::string& symbol) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (r.symbol != symbol) continue;
    const size_t a = r.trade_id.find('|'), b = r.trade_id.rfind('|');
    const int64_t entry_ms = *data::ParseIsoUtc(r.trade_id.substr(a + 1, b - a - 1));
    out.push_back(std::to_string(entry_ms) + "|" + std::to_string(r.time_ms) + "|" + r.side + "|" + Num(r.entry) + "|" +
                  Num(r.exit) + "|" + Num(r.fees) + "|" + Num(r.net_pnl));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Lines(const std::string& path, const std::string& symbol = "") {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (symbol.empty() || line.find("|" + symbol + "|") != std::string::npos) out.push_back(line);
  return out;
}

// Live shadow replay vs backtest --model champion, symbol by symbol: the same trades (exact
// serialisation) and byte-identical decisions at every bar. Returns the number of trades.
size_t CheckParity(const Market& m, const std::string& from, const std::string& to) {
  const std::string span = "--from " + from + (to.empty() ? "" : " --to " + to);
  const std::string db = m.dir + "/parity.db", dec = m.dir + "/live_decisions.txt";
  auto live = m.Huracan(m.Live("shadow", "--speed max " + span, db, "--decisions-out " + ShellQuote(dec)));
  EXPECT_EQ(live.exit_code, 0) << live.out << live.err;
  const auto report = nlohmann::json::parse(live.out);
  const std::vector<TradeRecord> rows = DbTrades(db, TradeBook::kShadow);
  size_t trades = 0;
  for (const auto& [symbol, file] : m.files) {
    if (report["symbols"][symbol]["model_id"].is_null()) continue;
    const std::string bdec = m.dir + "/bt_" + symbol + ".txt";
    auto bt = m.Huracan("backtest --model champion --archive " + ShellQuote(m.archive) + " --data " + ShellQuote(file) +
                        " " + span + " --decisions-out " + ShellQuote(bdec) + " --format json");
    EXPECT_EQ(bt.exit_code, 0) << bt.err;
    const auto j = nlohmann::json::parse(bt.out);
    const std::vector<std::string> want = BacktestTrades(j);
    EXPECT_EQ(LiveTrades(rows, symbol), want) << symbol;
    EXPECT_EQ(report["symbols"][symbol]["trades"].get<size_t>(), want.size()) << symbol;
    const std::vector<std::string> bt_dec = Lines(bdec);
    EXPECT_EQ(bt_dec.size(), j["test"]["bars"].get<size_t>()) << symbol;
    EXPECT_TRUE(Lines(dec, symbol) == bt_dec) << symbol << ": decisions differ";
    trades += want.size();
  }
  EXPECT_EQ(rows.size(), trades);
  return trades;
}

// Kills the runner (SIGKILL, by the test hook) at several bars, restarting after each; the final
// trade list must be the uninterrupted run's, and not empty.
void CheckCrashRecovery(const Market& m, const std::string& span, const std::vector<int>& kill_after) {
  const std::string once = m.dir + "/once.db";
  auto ref = m.Huracan(m.Live("shadow", span, once, "--state-dir " + ShellQuote(m.dir + "/state-once")));
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const std::vector<TradeRecord> want = DbTrades(once, TradeBook::kShadow);
  ASSERT_GT(want.size(), 0u) << "the uninterrupted run must trade";

  const std::string db = m.dir + "/crash.db", state = m.dir + "/state-crash";
  int64_t caught_up = 0;
  for (int n : kill_after) {
    auto r = m.Huracan(m.Live("shadow", span, db, "--state-dir " + ShellQuote(state)),
                       "HURACAN_TEST_CRASH_AT_BAR=" + std::to_string(n));
    EXPECT_NE(r.exit_code, 0) << "the runner should have been killed after " << n << " bars";
  }
  auto last = m.Huracan(m.Live("shadow", span, db, "--state-dir " + ShellQuote(state)));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  caught_up = nlohmann::json::parse(last.out)["caught_up"].get<int64_t>();
  EXPECT_GT(caught_up, 0) << "the last restart should catch up from the saved bar";
  EXPECT_EQ(DbTrades(db, TradeBook::kShadow), want);
  // The day files hold each trade once.
  size_t in_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(m.archive + "/live_logs/trades")) {
    if (!e.is_regular_file()) continue;
    auto store = storage::OpenObjectStore(m.archive);
    ASSERT_TRUE(store.ok());
    auto rows = ReadTradeDayFile(**store, "live_logs/trades/" + e.path().filename().string());
    ASSERT_TRUE(rows.ok());
    in_files += rows->size();
  }
  // Both runs logged into the one archive; ids are the same, so each trade is there once.
  EXPECT_EQ(in_files, want.size());
}

// The embedded sample, always: SOL, DOGE and their BTC reference.
struct SampleMarket : Market {
  SampleMarket() : Market(huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet"), kCut, "all") {}
  static constexpr char kCut[] = "2025-10-25";
};

TEST(LiveRunner, SampleParityWithTheFrozenBacktest) {
  SampleMarket m;
  EXPECT_GT(CheckParity(m, SampleMarket::kCut, ""), 0u) << "zero-cost champions should trade after the cut";
}

TEST(LiveRunner, SampleCrashRecoveryGivesTheUninterruptedTrades) {
  SampleMarket m;
  // One day (1440 bar times, the state saved at each); the kills land at bars 300, 700 and 1100.
  CheckCrashRecovery(m, "--from " + std::string(SampleMarket::kCut) + " --to 2025-10-26", {300, 400, 400});
}

TEST(LiveRunner, PaperModeLogsLiveTradesAndDailyEquity) {
  SampleMarket m;
  const std::string db = m.dir + "/paper.db";
  auto r = m.Huracan(m.Live("paper", "--from " + std::string(SampleMarket::kCut), db, ""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["mode"], "paper");
  EXPECT_TRUE(DbTrades(db, TradeBook::kShadow).empty());
  auto d = storage::OpenDatabase(db);
  ASSERT_TRUE(d.ok());
  auto days = (*d)->Query("SELECT date, nav FROM daily_equity ORDER BY date", {});
  ASSERT_TRUE(days.ok());
  // 2025-10-25 .. 2025-11-07 at least: one row per UTC day replayed.
  EXPECT_GE(days->size(), 14u);
  // The paper book traded, and its last NAV is the capital plus every closed trade's net.
  const std::vector<TradeRecord> live = DbTrades(db, TradeBook::kLive);
  ASSERT_GT(live.size(), 0u) << "zero-cost champions should trade in paper mode";
  double net = 0;
  for (const TradeRecord& t : live) net += t.net_pnl;
  auto last_nav = days->rows.back().Double("nav");
  ASSERT_TRUE(last_nav.ok());
  EXPECT_NEAR(*last_nav, costs::GuardrailConfig{}.capital + net, 1e-6);
}

TEST(LiveRunner, ASymbolWithoutAChampionIsReportedAndTheOthersTrade) {
  SampleMarket m;
  fs::remove_all(m.archive + "/champion/DOGEUSDT");
  auto r = m.Huracan(m.Live("shadow", "--from " + std::string(SampleMarket::kCut), m.dir + "/x.db", ""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["symbols"]["DOGEUSDT"]["model_id"].is_null());
  EXPECT_TRUE(j["symbols"]["DOGEUSDT"].contains("error"));
  EXPECT_FALSE(j["symbols"]["SOLUSDT"]["model_id"].is_null());
  EXPECT_NE(r.err.find("DOGEUSDT: not traded"), std::string::npos) << r.err;
}

TEST(LiveRunner, ABadBarDegradesOnlyItsSymbol) {
  SampleMarket m;
  // SOL replayed from a CSV copy whose close jumps tenfold on one bar after the cut.
  const std::string replay = m.dir + "/replay-bad";
  fs::create_directories(replay);
  for (const auto& [symbol, file] : m.files) {
    if (symbol != "SOLUSDT") {
      fs::create_symlink(fs::read_symlink(file), replay + "/" + fs::path(file).filename().string());
      continue;
    }
    auto bars = data::LoadBars(file);
    ASSERT_TRUE(bars.ok());
    const int64_t at = *data::ParseIsoUtc("2025-10-26T12:00");
    for (size_t i = 0; i < bars->size(); ++i)
      if (bars->ts_ms[i] == at) bars->close[i] = bars->high[i] = bars->close[i] * 10;
    std::ofstream(replay + "/SOL-USDT_1m_bad.csv") << data::BarsToCsv(*bars);
  }
  auto r = m.Huracan("live --mode shadow --replay " + ShellQuote(replay) + " --from " + SampleMarket::kCut +
                     " --archive " + ShellQuote(m.archive) + " --db " + ShellQuote(m.dir + "/bad.db"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["symbols"]["SOLUSDT"]["degraded"].get<std::string>().find("jump"), std::string::npos)
      << j["symbols"]["SOLUSDT"];
  EXPECT_TRUE(j["symbols"]["DOGEUSDT"]["degraded"].is_null());
  // DOGE trades on to the end (two weeks); SOL stops at the bad bar, 36 hours after the cut.
  EXPECT_GT(j["symbols"]["DOGEUSDT"]["bars"].get<int64_t>(), 20000);
  EXPECT_LE(j["symbols"]["SOLUSDT"]["bars"].get<int64_t>(), 36 * 60);
}

TEST(LiveRunner, FeedBinanceIsRefusedAsNotImplemented) {
  auto r = huracan::testing::RunHuracan("live --feed binance");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not implemented"), std::string::npos) << r.err;
}

// Real candles: three coins, two weeks after a cut, zero-cost champions.
TEST(LiveRunner, RealCandlesParityOnSeveralSymbols) {
  HURACAN_REQUIRE_SHARED(shared, "1m");
  std::vector<std::string> files;
  for (const char* prefix : {"BTC-USDT-PERP_", "ETH-USDC-PERP_", "BNB-USDT_", "AVAX-USDT_"})
    for (const auto& f : huracan::testing::ListFiles(shared, ".parquet"))
      if (fs::path(f).filename().string().starts_with(prefix)) files.push_back(f);
  ASSERT_EQ(files.size(), 4u);
  Market m(files, "2025-09-24", "ETHUSDC-PERP,BNBUSDT,AVAXUSDT");
  EXPECT_GT(CheckParity(m, "2025-09-24", "2025-10-08"), 0u);
}

}  // namespace
}  // namespace huracan::live
