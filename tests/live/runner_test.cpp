// `huracan live --replay` end to end, the real binary: parity with `huracan backtest --model` (same
// trades, byte-identical decisions), crash recovery (kill -9 at several bars, restarts, the same
// trade list as an uninterrupted run), paper mode's tables, per-symbol errors.
//
// Bundles that trade: each coin's champion is trained with zero costs on the bars before a cut
// (CSV copies of the candle files cut there), then replayed and backtested on the bars after it.
#include "live/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "core/fs.h"
#include "costs/guardrails.h"
#include "data/catalog.h"
#include "data/csv.h"
#include "data/parquet.h"
#include "data/timestamps.h"
#include "features/recipe.h"
#include "live/fake_binance.h"
#include "live/sample_market.h"
#include "live/status.h"
#include "live/symbols_selector.h"
#include "live/trade_log.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "registry/live_evidence.h"
#include "storage/database.h"
#include "support/s3_test_server.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

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

// Every daily_equity row (paper mode), in order, as text.
std::vector<std::string> DailyEquityRows(const std::string& db) {
  auto d = storage::OpenDatabase(db);
  EXPECT_TRUE(d.ok()) << db;
  if (!d.ok()) return {};
  auto rows = (*d)->Query("SELECT date, nav, max_dd, turnover, fees_bps FROM daily_equity ORDER BY date", {});
  EXPECT_TRUE(rows.ok());
  std::vector<std::string> out;
  for (const auto& r : rows->rows)
    out.push_back(*r.String(0) + "|" + Num(*r.Double(1)) + "|" + Num(*r.Double(2)) + "|" + Num(*r.Double(3)) + "|" +
                  Num(*r.Double(4)));
  return out;
}

// Kills the runner (SIGKILL, by the test hook) at several bars, restarting after each; the final
// trade list must be the uninterrupted run's, and not empty. In paper mode (trades in live_trades)
// the daily_equity rows must be the uninterrupted run's too.
void CheckCrashRecovery(const Market& m, const std::string& span, const std::vector<int>& kill_after,
                        const std::string& mode = "shadow") {
  const TradeBook book = mode == "paper" ? TradeBook::kLive : TradeBook::kShadow;
  fs::remove_all(m.archive + "/live_logs");  // the day files of this check's runs only
  const std::string once = m.dir + "/" + mode + "-once.db";
  auto ref = m.Huracan(m.Live(mode, span, once, "--state-dir " + ShellQuote(m.dir + "/" + mode + "-state-once")));
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const std::vector<TradeRecord> want = DbTrades(once, book);
  ASSERT_GT(want.size(), 0u) << "the uninterrupted run must trade";

  const std::string db = m.dir + "/" + mode + "-crash.db", state = m.dir + "/" + mode + "-state-crash";
  int64_t caught_up = 0;
  for (int n : kill_after) {
    auto r = m.Huracan(m.Live(mode, span, db, "--state-dir " + ShellQuote(state)),
                       "HURACAN_TEST_CRASH_AT_BAR=" + std::to_string(n));
    EXPECT_NE(r.exit_code, 0) << "the runner should have been killed after " << n << " bars";
  }
  auto last = m.Huracan(m.Live(mode, span, db, "--state-dir " + ShellQuote(state)));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  caught_up = nlohmann::json::parse(last.out)["caught_up"].get<int64_t>();
  EXPECT_GT(caught_up, 0) << "the last restart should catch up from the saved bar";
  EXPECT_EQ(DbTrades(db, book), want);
  if (mode == "paper") {
    const std::vector<std::string> days = DailyEquityRows(once);
    EXPECT_FALSE(days.empty());
    EXPECT_EQ(DailyEquityRows(db), days);
  }
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

TEST(LiveRunner, SampleParityWithTheFrozenBacktest) {
  SampleMarket m;
  EXPECT_GT(CheckParity(m, SampleMarket::kCut, ""), 0u) << "zero-cost champions should trade after the cut";
}

TEST(LiveRunner, SampleCrashRecoveryGivesTheUninterruptedTrades) {
  SampleMarket m;
  // One day (1440 bar times, the state saved at each); the kills land at bars 300, 700 and 1100.
  CheckCrashRecovery(m, "--from " + std::string(SampleMarket::kCut) + " --to 2025-10-26", {300, 400, 400});
  // Paper mode: live_trades and the daily_equity rows (the same market: no second training).
  CheckCrashRecovery(m, "--from " + std::string(SampleMarket::kCut) + " --to 2025-10-26", {350, 500}, "paper");
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

// Bad bars (docs/RELIABILITY.md, "Bad bars"): each kind put into copies of the sample's DOGE and
// SOL files, at a bar after the cut where the clean runs enter a trade, then fed to `train`,
// `backtest --data` (DOGE: its fitted backtest trades on the sample), `backtest --model champion`
// (SOL: its champion trades after the cut) and `live --replay` (both). Each is refused naming the
// file and row, or repaired (reported with its time), or degrades the live symbol; no trade enters
// or exits on the bad bar's time.
TEST(LiveRunner, BadBarsAreRefusedOrRepairedAndNeverTraded) {
  SampleMarket m;
  const std::string cut = SampleMarket::kCut;
  const std::vector<std::string> doctored = {"DOGEUSDT", "SOLUSDT"};
  std::map<std::string, data::BarSeries> clean;
  std::map<std::string, std::string> names;
  for (const std::string& symbol : doctored) {
    auto bars = data::LoadBars(m.files.at(symbol));
    ASSERT_TRUE(bars.ok());
    clean[symbol] = std::move(*bars);
    names[symbol] = fs::path(m.files.at(symbol)).filename().string();
  }
  struct Trade {
    std::string symbol;
    int64_t entry = 0, exit = 0;
    double entry_price = 0, exit_price = 0;
    bool live = false;
  };
  struct Outcome {
    CommandResult train, fitted, frozen, live;
    std::vector<Trade> trades;  // of every run
  };
  int copies = 0;
  // Runs the four commands on a copy of the market whose DOGE and SOL files are `bars`.
  auto run = [&](const std::map<std::string, data::BarSeries>& bars) {
    Outcome o;
    const std::string dir = m.dir + "/bad" + std::to_string(copies++);
    fs::create_directories(dir);
    for (const auto& [symbol, file] : m.files)
      if (!bars.count(symbol))
        fs::create_symlink(fs::read_symlink(file), dir + "/" + fs::path(file).filename().string());
    for (const auto& [symbol, series] : bars)
      EXPECT_TRUE(data::WriteParquetBars(dir + "/" + names.at(symbol), series).ok());
    auto file = [&](const std::string& symbol) { return ShellQuote(dir + "/" + names.at(symbol)); };
    o.train =
        m.Huracan("train --mode sequential --retries 0 --data-dir " + ShellQuote(dir) + " --archive " +
                  ShellQuote(dir + "/archive") + " --db " + ShellQuote(dir + "/train.db") + " --promotion-rules " +
                  ShellQuote(m.dir + "/rules.json") + " --costs zero --engines seasonality --symbols DOGEUSDT,SOLUSDT");
    o.fitted = m.Huracan("backtest --data " + file("DOGEUSDT") + " --costs zero");
    o.frozen = m.Huracan("backtest --data " + file("SOLUSDT") + " --model champion --archive " + ShellQuote(m.archive) +
                         " --from " + cut);
    const std::string db = dir + "/live.db";
    o.live = m.Huracan("live --mode shadow --symbols DOGEUSDT,SOLUSDT --replay " + ShellQuote(dir) + " --from " + cut +
                       " --archive " + ShellQuote(m.archive) + " --db " + ShellQuote(db));
    for (const CommandResult* r : {&o.fitted, &o.frozen}) {
      if (r->exit_code != 0) continue;
      const auto j = nlohmann::json::parse(r->out);
      for (const auto& t : j["trades"])
        o.trades.push_back({t["symbol"].get<std::string>(), t["entry_ts"].get<int64_t>(), t["exit_ts"].get<int64_t>(),
                            t["entry"].get<double>(), t["exit"].get<double>(), false});
    }
    for (const std::string& symbol : doctored)
      for (const std::string& t : LiveTrades(DbTrades(db, TradeBook::kShadow), symbol)) {
        std::vector<std::string> f;
        std::stringstream in(t);
        for (std::string x; std::getline(in, x, '|');) f.push_back(x);
        o.trades.push_back({symbol, std::stoll(f[0]), std::stoll(f[1]), std::stod(f[3]), std::stod(f[4]), true});
      }
    return o;
  };

  // The clean copies: every command runs and trades, so the checks below can fail. The bad bar of
  // each file goes where its symbol's first trade after the first day past the cut enters.
  const Outcome base = run(clean);
  ASSERT_EQ(base.train.exit_code, 0) << base.train.err;
  ASSERT_EQ(base.fitted.exit_code, 0) << base.fitted.err;
  ASSERT_EQ(base.frozen.exit_code, 0) << base.frozen.err;
  ASSERT_EQ(base.live.exit_code, 0) << base.live.err;
  const int64_t after = *data::ParseIsoUtc(cut) + kMsPerDay;
  std::map<std::string, int64_t> at;
  std::map<std::string, size_t> row;
  for (const std::string& symbol : doctored) {
    const CommandResult& r = symbol == "DOGEUSDT" ? base.fitted : base.frozen;
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& t : j["trades"])
      if (t["entry_ts"].get<int64_t>() >= after) {
        at[symbol] = t["entry_ts"].get<int64_t>();
        break;
      }
    ASSERT_TRUE(at.count(symbol)) << symbol << ": no trade after " << data::FormatIsoUtc(after);
    row[symbol] = data::FirstAtOrAfter(clean[symbol].ts_ms, at[symbol]);
    ASSERT_EQ(clean[symbol].ts_ms[row[symbol]], at[symbol]);
  }
  ASSERT_FALSE(LiveTrades(DbTrades(m.dir + "/bad0/live.db", TradeBook::kShadow), "SOLUSDT").empty());

  using Make = std::function<void(data::BarSeries&, size_t)>;
  auto with_copy = [](double close_factor) -> Make {
    return [close_factor](data::BarSeries& b, size_t k) {
      Bar copy = b.bar(k);
      copy.close *= close_factor;
      copy.high = std::max(copy.high, copy.close);
      data::BarSeries out = b.slice(0, k + 1);
      out.push_back(copy);
      for (size_t i = k + 1; i < b.size(); ++i) out.push_back(b.bar(i));
      b = std::move(out);
    };
  };
  struct Case {
    std::string kind;
    Make make;
    bool replaces;       // the bad bar takes the place of the real one (else it comes beside it)
    bool refused;        // by train and both backtests (else repaired, the repair on stderr)
    std::string why;     // in the refusal or the repair line
    bool degrades_live;  // the live runner's BarGuard degrades the symbol at the bar
    bool same_as_clean;  // the repair gives back the clean series: the same backtests
  };
  const std::vector<Case> cases = {
      {"NaN close", [](data::BarSeries& b, size_t k) { b.close[k] = std::nan(""); }, true, true, "NaN", true, false},
      {"zero bar",
       [](data::BarSeries& b, size_t k) { b.open[k] = b.high[k] = b.low[k] = b.close[k] = b.volume[k] = 0; }, true,
       true, "non-positive", true, false},
      {"negative volume", [](data::BarSeries& b, size_t k) { b.volume[k] = -5; }, true, false, "negative or NaN volume",
       true, false},
      {"1000x jump",
       [](data::BarSeries& b, size_t k) {
         for (auto* col : {&b.open, &b.high, &b.low, &b.close}) (*col)[k] *= 1000;
       },
       true, true, "jump", true, false},
      {"exact duplicate timestamp", with_copy(1), false, false, "exact duplicate", false, true},
      {"conflicting duplicate timestamp", with_copy(1.001), false, true, "same timestamp", true, false},
      {"out-of-order timestamps",
       [](data::BarSeries& b, size_t k) {
         std::swap(b.ts_ms[k], b.ts_ms[k + 1]);
         for (auto* col : {&b.open, &b.high, &b.low, &b.close, &b.volume}) std::swap((*col)[k], (*col)[k + 1]);
       },
       false, false, "before the previous row", true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind);
    std::map<std::string, data::BarSeries> bars = clean;
    for (auto& [symbol, series] : bars) c.make(series, row.at(symbol));
    const Outcome o = run(bars);
    const std::vector<std::pair<const CommandResult*, std::string>> checked = {
        {&o.train, "DOGEUSDT"}, {&o.fitted, "DOGEUSDT"}, {&o.frozen, "SOLUSDT"}};
    for (const auto& [r, symbol] : checked) {
      const std::string& err = r->err;
      if (c.refused) {
        // train: the symbol fails (exit 1, the run goes on); a backtest: exit 2.
        EXPECT_EQ(r->exit_code, r == &o.train ? 1 : 2) << r->out << err;
        EXPECT_NE(err.find(names.at(symbol)), std::string::npos) << err;
        EXPECT_NE(err.find(c.why), std::string::npos) << err;
        EXPECT_NE(err.find("row "), std::string::npos) << err;
        continue;
      }
      EXPECT_EQ(r->exit_code, 0) << err;
      if (r == &o.train) continue;  // the repairs are in the bundle (quality_repairs)
      EXPECT_NE(err.find("repaired: "), std::string::npos) << err;
      EXPECT_NE(err.find(c.why), std::string::npos) << err;
      EXPECT_NE(err.find(data::FormatIsoUtc(at.at(symbol))), std::string::npos) << err;
      if (c.same_as_clean) {
        const auto j = nlohmann::json::parse(r->out);
        const auto b = nlohmann::json::parse(r == &o.fitted ? base.fitted.out : base.frozen.out);
        EXPECT_EQ(j["trades"], b["trades"]);
        EXPECT_EQ(j["combined"], b["combined"]);
      }
    }
    ASSERT_EQ(o.live.exit_code, 0) << o.live.err;
    const auto live = nlohmann::json::parse(o.live.out)["symbols"];
    for (const std::string& symbol : doctored)
      EXPECT_EQ(live[symbol]["degraded"].is_null(), !c.degrades_live) << live[symbol];
    // Every fill is at a price of the real bar of its time; a refused bar that replaced the real
    // one is never traded at in live; a degraded symbol enters nothing after its bad bar.
    for (const Trade& t : o.trades) {
      const data::BarSeries& real = clean.at(t.symbol);
      for (const auto& [ts, price] : {std::pair{t.entry, t.entry_price}, std::pair{t.exit, t.exit_price}}) {
        const size_t i = data::FirstAtOrAfter(real.ts_ms, ts);
        ASSERT_LT(i, real.size());
        ASSERT_EQ(real.ts_ms[i], ts) << t.symbol;
        EXPECT_GE(price, real.low[i] * (1 - 1e-9)) << t.symbol << " " << data::FormatIsoUtc(ts);
        EXPECT_LE(price, real.high[i] * (1 + 1e-9)) << t.symbol << " " << data::FormatIsoUtc(ts);
      }
      if (t.live && c.replaces) {
        EXPECT_NE(t.entry, at.at(t.symbol)) << t.symbol;
        EXPECT_NE(t.exit, at.at(t.symbol)) << t.symbol;
      }
      if (t.live && c.degrades_live) {
        // The bars replayed up to the bad one (out of order: the later bar before it).
        const auto& ts = bars.at(t.symbol).ts_ms;
        EXPECT_LE(t.entry, *std::max_element(ts.begin(), ts.begin() + row.at(t.symbol) + 1)) << t.symbol;
      }
    }
  }
}

TEST(LiveRunner, LiveNeedsOneOfReplayOrFeed) {
  auto r = huracan::testing::RunHuracan("live");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replay DIR or --feed binance"), std::string::npos) << r.err;
  r = huracan::testing::RunHuracan("live --feed kraken");
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(LiveRunner, FeedSymbolsAreTheChampionsOrTheList) {
  const std::string archive = huracan::testing::MakeTempDir("feed-symbols");
  EXPECT_FALSE(FeedSymbols(archive, "all").ok()) << "no champion: nothing to trade";
  for (const char* sym : {"SOLUSDT", "BTCUSDT-PERP", "DOGEUSDT"}) {  // the pointers are what is listed
    fs::create_directories(archive + "/champion/" + sym);
    std::ofstream(archive + "/champion/" + sym + "/latest.json") << "{}";
  }
  EXPECT_EQ(*FeedSymbols(archive, "all"), (std::vector<std::string>{"BTCUSDT-PERP", "DOGEUSDT", "SOLUSDT"}));
  EXPECT_EQ(*FeedSymbols(archive, "top2"), (std::vector<std::string>{"BTCUSDT-PERP", "DOGEUSDT"}));
  EXPECT_EQ(*FeedSymbols(archive, "SOL-USDT,ETHUSDT-PERP,SOLUSDT"),
            (std::vector<std::string>{"SOLUSDT", "ETHUSDT-PERP"}));
  EXPECT_FALSE(FeedSymbols(archive, "top0").ok());
  EXPECT_FALSE(FeedSymbols(archive, "nonsense").ok());
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

// ---------------------------------------------------------------------------------------------
// The event loop in process: hot swap, symbol selection, pause, status and alerts. SOL only (BTC
// replayed as the reference), two days after the cut, shadow mode, zero-cost bundles.

constexpr int64_t kTf = 60'000;

// Replays the files and calls `hook(K)` once the source has handed out every bar of time K (when
// it hands out the first bar after K): a file written there lands during bar K. `fail_after`:
// the source fails instead of handing out the bars after that time (a crash mid-run).
// `unavailable`: after time K, Next() fails with Unavailable that many times (a feed down) before
// handing out the next bar.
class HookSource final : public BarSource {
 public:
  HookSource(std::unique_ptr<BarSource> inner, std::function<void(int64_t)> hook, int64_t fail_after,
             std::map<int64_t, int> unavailable = {})
      : inner_(std::move(inner)),
        hook_(std::move(hook)),
        fail_after_(fail_after),
        unavailable_(std::move(unavailable)) {}
  Result<std::optional<BarEvent>> Next() override {
    if (!held_) {
      HURACAN_ASSIGN_OR_RETURN(std::optional<BarEvent> ev, inner_->Next());
      if (ev && ev->bar.ts_ms != last_) {
        if (last_ != INT64_MIN && hook_) hook_(last_);
        if (last_ != INT64_MIN && last_ == fail_after_) return Internal("feed lost");
        if (auto it = unavailable_.find(last_); it != unavailable_.end()) down_ = it->second;
        last_ = ev->bar.ts_ms;
      }
      held_ = std::move(ev);
    }
    if (down_ > 0) {
      --down_;
      return Unavailable("feed down (test)");
    }
    std::optional<BarEvent> ev = std::move(*held_);
    held_.reset();
    return ev;
  }

 private:
  std::unique_ptr<BarSource> inner_;
  std::function<void(int64_t)> hook_;
  int64_t fail_after_;
  std::map<int64_t, int> unavailable_;
  int64_t last_ = INT64_MIN;
  std::optional<std::optional<BarEvent>> held_;
  int down_ = 0;
};

class CollectAlerts final : public AlertSink {
 public:
  void Raise(const Alert& a) override { alerts.push_back(a); }
  std::vector<Alert> alerts;
};

int64_t EntryMs(const TradeRecord& r) {
  const size_t a = r.trade_id.find('|'), b = r.trade_id.rfind('|');
  return *data::ParseIsoUtc(r.trade_id.substr(a + 1, b - a - 1));
}

// The first trade held over several bars and closed well before the end of the replay.
const TradeRecord* HeldTrade(const std::vector<TradeRecord>& trades) {
  for (const auto& t : trades)
    if (t.time_ms - EntryMs(t) >= 3 * kTf && t.time_ms < *data::ParseIsoUtc("2025-10-26T12:00")) return &t;
  return nullptr;
}

// The sample market trained once (SOL), plus a second SOL bundle in the same archive, not
// champion: a copy of the champion's files under a later timestamp. The same engines and params
// under another model id: a run on it from the start makes the champion's trades, with its id.
class LiveLoop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto files = huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet");
    market_ = new Market(files, SampleMarket::kCut, "SOLUSDT");
    auto store = storage::OpenObjectStore(market_->archive);
    ASSERT_TRUE(store.ok());
    auto ptr = registry::ReadChampionPointer(**store, "SOLUSDT");
    ASSERT_TRUE(ptr.ok() && ptr->has_value());
    second_ = new registry::ChampionEntry((*ptr)->current);
    second_->model_id = "SOLUSDT@20251025T000100Z";
    second_->path = "models/SOLUSDT/20251025T000100Z/";
    std::string from = (*ptr)->current.path;
    from.pop_back();
    fs::copy(market_->archive + "/" + from, market_->archive + "/models/SOLUSDT/20251025T000100Z",
             fs::copy_options::recursive);
  }
  static void TearDownTestSuite() {
    delete market_;
    delete second_;
  }

  // A fresh copy of the archive for one test.
  std::string Archive(const std::string& name) const {
    const std::string dir = market_->dir + "/" + name;
    fs::copy(market_->archive, dir, fs::copy_options::recursive);
    return dir;
  }
  std::string FirstModelId() const {
    auto store = storage::OpenObjectStore(market_->archive);
    return (*registry::ReadChampionPointer(**store, "SOLUSDT"))->current.model_id;
  }
  // Copies the bundle at `entry.path` of `from_archive` into `archive` as `id` (SOLUSDT@TS); the
  // entry of the copy.
  static registry::ChampionEntry CopyBundle(const std::string& from_archive, registry::ChampionEntry entry,
                                            const std::string& archive, const std::string& ts) {
    std::string from = entry.path;
    from.pop_back();
    entry.model_id = "SOLUSDT@" + ts;
    entry.path = "models/SOLUSDT/" + ts + "/";
    fs::copy(from_archive + "/" + from, archive + "/models/SOLUSDT/" + ts, fs::copy_options::recursive);
    return entry;
  }
  static std::vector<std::string> DecisionsFrom(const std::string& path, int64_t from_ms) {
    std::vector<std::string> out;
    for (const std::string& line : Lines(path))
      if (std::stoll(line.substr(0, line.find('|'))) >= from_ms) out.push_back(line);
    return out;
  }
  int64_t FirstEntryMs(const std::string& name) const {
    const Outcome base = RunLoop(market_->archive, market_->dir + "/" + name + "-base.db");
    EXPECT_FALSE(base.trades.empty());
    int64_t first_entry = INT64_MAX;
    for (const auto& t : base.trades) first_entry = std::min(first_entry, EntryMs(t));
    return first_entry;
  }
  static void SetSecondChampion(const std::string& archive) {
    auto store = storage::OpenObjectStore(archive);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(registry::SetChampion(**store, "SOLUSDT", *second_).ok());
  }

  struct Outcome {
    LiveReport report;
    std::vector<TradeRecord> trades;  // SOL's, from the database
    std::string error;
  };
  Outcome RunLoop(const std::string& archive, const std::string& db, std::function<void(int64_t)> hook = {},
                  int64_t fail_after = INT64_MIN, const std::string& state_dir = "", StatusBoard* board = nullptr,
                  AlertSink* alerts = nullptr, std::map<int64_t, int> unavailable = {}) const {
    LiveOptions o;
    o.mode = LiveMode::kShadow;
    o.archive = archive;
    o.db = db;
    o.symbols = "SOLUSDT";
    o.replay_dir = market_->data;
    o.replay.from_ms = from_ms_.value_or(*data::ParseIsoUtc(SampleMarket::kCut));
    o.replay.to_ms = *data::ParseIsoUtc(to_);
    o.recipe = recipe_;
    o.decisions_out = decisions_;
    o.poll_seconds = poll_seconds_;
    o.state_dir = state_dir;
    o.crash_at_bar = crash_at_bar_;
    o.status = board;
    o.alerts = alerts;
    SimulatedClock clock(*data::ParseIsoUtc(SampleMarket::kCut));
    Outcome out;
    auto history = ReplayHistory::Open(o.replay_dir, o.timeframe);
    EXPECT_TRUE(history.ok());
    auto runner = LiveRunner::Create(o, {"SOLUSDT"}, "BTCUSDT-PERP", **history, clock);
    EXPECT_TRUE(runner.ok()) << runner.error().message;
    std::vector<data::BarSeries> series;
    for (const char* sym : {"SOLUSDT", "BTCUSDT-PERP"}) series.push_back(**(*history)->Series(sym));
    auto replay = ReplaySource::FromSeries(std::move(series), o.replay, clock);
    EXPECT_TRUE(replay.ok());
    HookSource source(std::move(*replay), std::move(hook), fail_after, std::move(unavailable));
    auto r = (*runner)->Run(source);
    if (r.ok())
      out.report = *r;
    else
      out.error = r.error().message;
    out.trades = DbTrades(db, TradeBook::kShadow);
    return out;
  }

  // A baseline run's trade held over several bars, and 12 hours from the bar after its entry
  // (while it is open): the window where a test blocks entries.
  struct Window {
    TradeRecord held;
    int64_t from = 0, to = 0;
  };
  Window HeldWindow(const std::string& name) const {
    const Outcome base = RunLoop(market_->archive, market_->dir + "/" + name + "-base.db");
    const TradeRecord* held = HeldTrade(base.trades);
    EXPECT_NE(held, nullptr) << "the zero-cost champion should hold a position over several bars";
    if (!held) return {};
    const int64_t from = EntryMs(*held) + kTf;
    return Window{*held, from, from + 12 * 60 * kTf};
  }
  // The held position exits as in the baseline, no entry opens in (from, to], trades go on after.
  static void ExpectNoEntryIn(const Outcome& run, const Window& w, const std::string& why) {
    EXPECT_TRUE(std::find(run.trades.begin(), run.trades.end(), w.held) != run.trades.end())
        << "the open position exits as without " << why;
    for (const auto& t : run.trades)
      EXPECT_FALSE(EntryMs(t) > w.from && EntryMs(t) <= w.to) << "an entry while " << why << ": " << t.trade_id;
    EXPECT_TRUE(std::any_of(run.trades.begin(), run.trades.end(), [&](const auto& t) { return EntryMs(t) > w.to; }))
        << "trades again after " << why;
  }

  // The second bundle as a challenger of SOL in `archive` (none: an empty set).
  static void SetChallengers(const std::string& archive, bool with_second) {
    auto store = storage::OpenObjectStore(archive);
    ASSERT_TRUE(store.ok());
    registry::ChallengerSet set;
    set.symbol = "SOLUSDT";
    if (with_second)
      set.challengers.push_back(registry::ChallengerEntry{.model_id = second_->model_id,
                                                          .path = second_->path,
                                                          .sha256 = second_->sha256,
                                                          .parent_id = "",
                                                          .source = "mechanic",
                                                          .added_at = "2025-10-25T00:00:00.000Z"});
    ASSERT_TRUE(registry::WriteChallengerSet(**store, set).ok());
  }
  static std::vector<TradeRecord> Only(const std::vector<TradeRecord>& rows, bool challenger) {
    std::vector<TradeRecord> out;
    for (const auto& r : rows)
      if (r.challenger == challenger) out.push_back(r);
    return out;
  }

  std::string to_ = "2025-10-27";   // the replay's end
  std::optional<int64_t> from_ms_;  // the replay's start (default: the cut)
  std::string recipe_ = "default";  // features.recipe
  std::string decisions_;           // --decisions-out
  double poll_seconds_ = 0;         // live.poll_seconds (an s3:// archive)
  int64_t crash_at_bar_ = 0;        // the SIGKILL test hook (run in a death test's child)
  static Market* market_;
  static registry::ChampionEntry* second_;
};
Market* LiveLoop::market_ = nullptr;
registry::ChampionEntry* LiveLoop::second_ = nullptr;

// Unavailable from the source is transient: retried with backoff, alerted once per outage
// (kFeedDown, then kFeedBack), and the run makes the uninterrupted trades.
TEST_F(LiveLoop, AnUnavailableFeedIsRetriedAndAlerted) {
  const Outcome base = RunLoop(market_->archive, market_->dir + "/flaky-base.db");
  ASSERT_FALSE(base.trades.empty());
  const int64_t from = *data::ParseIsoUtc(SampleMarket::kCut);
  CollectAlerts alerts;
  const Outcome flaky = RunLoop(market_->archive, market_->dir + "/flaky.db", {}, INT64_MIN, "", nullptr, &alerts,
                                {{from + 100 * kTf, 3}, {from + 500 * kTf, 1}});
  ASSERT_TRUE(flaky.error.empty()) << flaky.error;
  EXPECT_EQ(flaky.trades, base.trades);
  EXPECT_EQ(flaky.report.bar_times, base.report.bar_times);
  std::vector<AlertKind> feed;
  for (const Alert& a : alerts.alerts)
    if (a.kind == AlertKind::kFeedDown || a.kind == AlertKind::kFeedBack) feed.push_back(a.kind);
  EXPECT_EQ(feed, (std::vector<AlertKind>{AlertKind::kFeedDown, AlertKind::kFeedBack, AlertKind::kFeedDown,
                                          AlertKind::kFeedBack}));
}

TEST_F(LiveLoop, ChampionSwapWaitsForTheOpenPositionThenTakesOver) {
  const std::string first = FirstModelId(), second = second_->model_id;
  ASSERT_NE(first, second);
  const Outcome base = RunLoop(market_->archive, market_->dir + "/swap-base.db");
  ASSERT_TRUE(base.error.empty()) << base.error;
  const TradeRecord* held = HeldTrade(base.trades);
  ASSERT_NE(held, nullptr) << "the zero-cost champion should hold a position over several bars";
  const int64_t k = EntryMs(*held);  // the pointer changes during the position's first bar

  const std::string archive = Archive("swap-held");
  StatusBoard board;
  CollectAlerts alerts;
  const Outcome run = RunLoop(
      archive, market_->dir + "/swap-held.db",
      [&](int64_t ts) {
        if (ts == k) SetSecondChampion(archive);
      },
      INT64_MIN, "", &board, &alerts);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_EQ(run.report.swaps.size(), 1u);
  const SwapRecord& w = run.report.swaps[0];
  EXPECT_EQ(w.old_model_id, first);
  EXPECT_EQ(w.new_model_id, second);
  // The position stays with the model that opened it; the new one takes the bar after it closed.
  EXPECT_EQ(w.at_ms, held->time_ms + kTf);
  bool kept = false;
  for (const auto& t : run.trades) {
    if (EntryMs(t) <= k) {
      EXPECT_EQ(t.model_id, first) << t.trade_id;
      kept |= t.trade_id == held->trade_id && t.exit == held->exit;
    } else {
      EXPECT_GE(EntryMs(t), w.at_ms) << "no entry while the swap waits: " << t.trade_id;
      EXPECT_EQ(t.model_id, second) << t.trade_id;
    }
  }
  EXPECT_TRUE(kept) << "the held position exits as in the run without a swap";
  EXPECT_TRUE(std::any_of(run.trades.begin(), run.trades.end(), [&](const auto& t) { return t.model_id == second; }))
      << "the new model should trade after the swap";
  // Status and alerts.
  auto st = board.Latest();
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->symbols.at("SOLUSDT").model_id, second);
  EXPECT_EQ(st->swaps.size(), 1u);
  EXPECT_GT(st->latency.count, 0u);
  EXPECT_EQ(st->symbols.at("SOLUSDT").trades, static_cast<int64_t>(run.trades.size()));
  ASSERT_FALSE(alerts.alerts.empty());
  EXPECT_EQ(alerts.alerts.back().kind, AlertKind::kChampionSwap);
  EXPECT_GT(run.report.latency_p99_us, 0);
  EXPECT_GE(run.report.latency_p99_us, run.report.latency_p50_us);
}

TEST_F(LiveLoop, ChampionSwapWhileFlatTakesTheNextBar) {
  const Outcome base = RunLoop(market_->archive, market_->dir + "/flat-base.db");
  ASSERT_FALSE(base.trades.empty());
  int64_t first_entry = INT64_MAX;
  for (const auto& t : base.trades) first_entry = std::min(first_entry, EntryMs(t));
  const int64_t k = first_entry - 3 * kTf;  // flat: before the first trade
  const std::string archive = Archive("swap-flat");
  const Outcome run = RunLoop(archive, market_->dir + "/swap-flat.db", [&](int64_t ts) {
    if (ts == k) SetSecondChampion(archive);
  });
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_EQ(run.report.swaps.size(), 1u);
  EXPECT_EQ(run.report.swaps[0].at_ms, k + kTf);
  ASSERT_FALSE(run.trades.empty());
  for (const auto& t : run.trades) EXPECT_EQ(t.model_id, second_->model_id) << t.trade_id;
  // With the pointer on the second model from the start: the first model's trades (the same
  // engines and params), under the second model's id, and no swap.
  const std::string from_start = Archive("second-from-start");
  SetSecondChampion(from_start);
  const Outcome second = RunLoop(from_start, market_->dir + "/second.db");
  ASSERT_FALSE(second.trades.empty());
  for (const auto& t : second.trades) EXPECT_EQ(t.model_id, second_->model_id);
  EXPECT_EQ(LiveTrades(second.trades, "SOLUSDT"), LiveTrades(base.trades, "SOLUSDT"));
  EXPECT_TRUE(second.report.swaps.empty());
  // The swap restarts the pipeline (regime, ADV) at k + 1 with the features and meta state carried
  // over: its trades are the second model's, not necessarily the first's.
}

// A champion trained on another feature recipe: the symbol's features are built for it and warmed
// on the history up to the swap, so from there on the run decides and trades exactly as a fresh
// replay started at that bar with the new champion (and its recipe as features.recipe).
TEST_F(LiveLoop, ARecipeChangeRewarmsFromHistoryLikeAFreshStart) {
  const std::string recipe = market_->dir + "/wider.yaml";
  {
    std::string text(features::BuiltinRecipeText("default"));
    text.replace(text.find("name: default"), 13, "name: wider");
    std::ofstream(recipe) << text << "  - {kind: roc, period: 20}\n";
  }
  const std::string trained = market_->dir + "/wider-archive";
  market_->Train(trained, "SOLUSDT", "HURACAN_FEATURES_RECIPE=" + ShellQuote(recipe));
  auto tstore = storage::OpenObjectStore(trained);
  ASSERT_TRUE(tstore.ok());
  auto tptr = registry::ReadChampionPointer(**tstore, "SOLUSDT");
  ASSERT_TRUE(tptr.ok() && tptr->has_value());
  const int64_t k = FirstEntryMs("recipe") - 3 * kTf;  // flat: the swap takes bar k + 1

  const std::string a1 = Archive("recipe-swap");
  const registry::ChampionEntry wider = CopyBundle(trained, (*tptr)->current, a1, "20251025T000200Z");
  decisions_ = market_->dir + "/recipe-swap.txt";
  CollectAlerts alerts;
  const Outcome run = RunLoop(
      a1, market_->dir + "/recipe-swap.db",
      [&](int64_t ts) {
        if (ts == k) {
          EXPECT_TRUE(registry::SetChampion(**storage::OpenObjectStore(a1), "SOLUSDT", wider).ok());
        }
      },
      INT64_MIN, "", nullptr, &alerts);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_EQ(run.report.swaps.size(), 1u);
  EXPECT_EQ(run.report.swaps[0].reason, "recipe");
  EXPECT_EQ(run.report.swaps[0].at_ms, k + kTf);
  EXPECT_EQ(run.report.swaps[0].new_model_id, wider.model_id);
  ASSERT_FALSE(alerts.alerts.empty());
  EXPECT_EQ(alerts.alerts.back().kind, AlertKind::kChampionSwap);
  EXPECT_NE(alerts.alerts.back().text.find("(recipe)"), std::string::npos) << alerts.alerts.back().text;

  // A fresh start at k + 1 with the new champion and its recipe.
  const std::string a2 = Archive("recipe-fresh");
  ASSERT_TRUE(registry::SetChampion(**storage::OpenObjectStore(a2), "SOLUSDT",
                                    CopyBundle(trained, (*tptr)->current, a2, "20251025T000200Z"))
                  .ok());
  from_ms_ = k + kTf;
  recipe_ = recipe;
  decisions_ = market_->dir + "/recipe-fresh.txt";
  const Outcome fresh = RunLoop(a2, market_->dir + "/recipe-fresh.db");
  ASSERT_TRUE(fresh.error.empty()) << fresh.error;
  EXPECT_TRUE(fresh.report.swaps.empty());
  EXPECT_EQ(fresh.report.symbols.at("SOLUSDT").model_id, wider.model_id);
  EXPECT_EQ(run.report.symbols.at("SOLUSDT").warmup_bars, fresh.report.symbols.at("SOLUSDT").warmup_bars);
  ASSERT_FALSE(fresh.trades.empty()) << "the new champion should trade after the swap";
  EXPECT_EQ(run.trades, fresh.trades);
  const std::vector<std::string> want = DecisionsFrom(market_->dir + "/recipe-fresh.txt", k + kTf);
  EXPECT_GT(want.size(), 1000u);
  EXPECT_TRUE(DecisionsFrom(market_->dir + "/recipe-swap.txt", k + kTf) == want) << "decisions differ";
}

TEST_F(LiveLoop, ARestartAfterASwapRecoversTheSameTrades) {
  to_ = "2025-10-25T20:00";  // the state is saved (fsync) at each bar: keep it short
  const Outcome base = RunLoop(market_->archive, market_->dir + "/rs-base.db");
  ASSERT_FALSE(base.trades.empty());
  const TradeRecord* held = HeldTrade(base.trades);
  ASSERT_NE(held, nullptr);
  const int64_t k = EntryMs(*held) + kTf;  // during a position
  const std::string a1 = Archive("restart-once");
  const Outcome once = RunLoop(a1, market_->dir + "/rs-once.db", [&](int64_t ts) {
    if (ts == k) SetSecondChampion(a1);
  });
  ASSERT_EQ(once.report.swaps.size(), 1u);
  // The same run, its feed lost some hours after the swap, then restarted from the state.
  const std::string a2 = Archive("restart-crash"), db = market_->dir + "/rs-crash.db";
  const std::string state = market_->dir + "/rs-state";
  const int64_t lost = once.report.swaps[0].at_ms + 6 * 60 * kTf;
  const Outcome crashed = RunLoop(
      a2, db,
      [&](int64_t ts) {
        if (ts == k) SetSecondChampion(a2);
      },
      lost, state);
  EXPECT_NE(crashed.error.find("feed lost"), std::string::npos) << crashed.error;
  const Outcome resumed = RunLoop(a2, db, {}, INT64_MIN, state);
  ASSERT_TRUE(resumed.error.empty()) << resumed.error;
  EXPECT_GT(resumed.report.caught_up, 0);
  EXPECT_EQ(resumed.trades, once.trades);
}

// The disk fills up during a run (ENOSPC injected at the write call from bar K on) while the
// runner writes the state file, or the Parquet trade day file: the run stops with an error naming
// the file; after space is freed, a restart from the state makes the uninterrupted run's trades,
// each once in the database and in the day files, and no temp file is left.
TEST_F(LiveLoop, ADiskFullStopsTheRunAndARestartLosesNothing) {
  to_ = "2025-10-25T20:00";  // the state is saved (fsync) at each bar: keep it short
  const Outcome base = RunLoop(market_->archive, market_->dir + "/df-base.db");
  ASSERT_FALSE(base.trades.empty());
  const TradeRecord* held = HeldTrade(base.trades);
  ASSERT_NE(held, nullptr);
  const int64_t k = EntryMs(*held) + kTf;  // during a position: its exit is logged after K
  for (const std::string file : {"state.json", "live_logs/trades/"}) {
    SCOPED_TRACE(file);
    const std::string archive = Archive("df-" + std::to_string(file.size()));
    fs::remove_all(archive + "/live_logs");  // other runs' day files
    const std::string db = market_->dir + "/df-" + std::to_string(file.size()) + ".db";
    const std::string state = market_->dir + "/df-state-" + std::to_string(file.size());
    int failed_writes = 0;
    const Outcome full = RunLoop(
        archive, db,
        [&](int64_t ts) {
          if (ts != k) return;
          SetWriteFaultHookForTesting([&](const std::string& path) {
            if (path.find(file) == std::string::npos) return 0;
            ++failed_writes;
            return ENOSPC;
          });
        },
        INT64_MIN, state);
    SetWriteFaultHookForTesting({});
    EXPECT_EQ(failed_writes, 1);
    EXPECT_NE(full.error.find(file), std::string::npos) << full.error;
    EXPECT_NE(full.error.find(std::strerror(ENOSPC)), std::string::npos) << full.error;
    const Outcome resumed = RunLoop(archive, db, {}, INT64_MIN, state);
    ASSERT_TRUE(resumed.error.empty()) << resumed.error;
    EXPECT_GT(resumed.report.caught_up, 0);
    EXPECT_EQ(resumed.trades, base.trades);
    auto store = storage::OpenObjectStore(archive);
    ASSERT_TRUE(store.ok());
    size_t in_files = 0;
    for (const auto& e : fs::recursive_directory_iterator(archive + "/live_logs/trades"))
      in_files += ReadTradeDayFile(**store, "live_logs/trades/" + e.path().filename().string())->size();
    EXPECT_EQ(in_files, base.trades.size());
    for (const std::string& dir : {archive, state})
      for (const auto& e : fs::recursive_directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

TEST_F(LiveLoop, ADeselectedSymbolExitsAndTakesNoEntriesUntilSelectedAgain) {
  const Window w = HeldWindow("sel");
  ASSERT_GT(w.to, 0);
  const std::string archive = Archive("selector");
  auto write = [&](std::vector<std::string> symbols) {
    SymbolSelector sel;
    sel.updated_at_ms = 1;
    sel.source = "test";
    sel.symbols = std::move(symbols);
    ASSERT_TRUE(WriteSymbolSelector(archive + "/symbols_selector.json", sel).ok());
  };
  const Outcome run = RunLoop(archive, market_->dir + "/sel.db", [&](int64_t ts) {
    if (ts == w.from) write({"DOGEUSDT"});
    if (ts == w.to) write({"SOLUSDT", "DOGEUSDT"});
  });
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_EQ(run.report.swaps.size(), 2u);
  EXPECT_EQ(run.report.swaps[0].reason, "deselected");
  EXPECT_TRUE(run.report.swaps[0].new_model_id.empty());
  EXPECT_EQ(run.report.swaps[0].at_ms, w.held.time_ms + kTf) << "after the open position exited";
  EXPECT_EQ(run.report.swaps[1].reason, "selected");
  EXPECT_EQ(run.report.swaps[1].at_ms, w.to + kTf);
  ExpectNoEntryIn(run, w, "deselected");
}

// A challenger (the champion's engines under another model id) shadow-traded beside the champion:
// the champion's trades and decisions are byte-identical to a run without it; the challenger's
// are shadow_trades rows flagged challenger, under its id: here the champion's trades again.
TEST_F(LiveLoop, AChallengerIsShadowTradedAndLeavesTheChampionAlone) {
  to_ = "2025-10-26T12:00";
  decisions_ = market_->dir + "/ch-base.txt";
  const Outcome base = RunLoop(market_->archive, market_->dir + "/ch-base.db");
  ASSERT_TRUE(base.error.empty()) << base.error;
  ASSERT_FALSE(base.trades.empty());
  const std::string archive = Archive("challengers");
  SetChallengers(archive, true);
  decisions_ = market_->dir + "/ch-run.txt";
  StatusBoard board;
  const std::string db = market_->dir + "/ch-run.db";
  const Outcome run = RunLoop(archive, db, {}, INT64_MIN, "", &board);
  ASSERT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(Only(run.trades, false), base.trades);
  EXPECT_EQ(Lines(market_->dir + "/ch-run.txt"), Lines(market_->dir + "/ch-base.txt"));
  EXPECT_FALSE(Lines(market_->dir + "/ch-base.txt").empty());
  EXPECT_EQ(run.report.trades_logged, base.report.trades_logged);
  const std::vector<TradeRecord> shadow = Only(run.trades, true);
  ASSERT_FALSE(shadow.empty());
  for (const auto& t : shadow) EXPECT_EQ(t.model_id, second_->model_id) << t.trade_id;
  EXPECT_EQ(LiveTrades(shadow, "SOLUSDT"), LiveTrades(base.trades, "SOLUSDT"));
  EXPECT_EQ(run.report.challenger_trades, static_cast<int64_t>(shadow.size()));
  EXPECT_GT(run.report.challenger_step_us, 0);
  ASSERT_GT(run.report.challenger_steps, 0);
  // The overhead of one challenger per bar (docs/BENCHMARKS.md, "Challengers"), beside the
  // champion's step (features included) of the same run.
  std::printf("challenger: %lld bars, %.2f us per challenger per bar; champion step p50 %.2f us\n",
              static_cast<long long>(run.report.challenger_steps),
              run.report.challenger_step_us / static_cast<double>(run.report.challenger_steps),
              run.report.latency_p50_us);
  // The status: the challenger against the champion, and the distance from promotion.
  auto st = board.Latest();
  ASSERT_NE(st, nullptr);
  const auto& chs = st->symbols.at("SOLUSDT").challengers;
  ASSERT_EQ(chs.size(), 1u);
  EXPECT_EQ(chs[0].model_id, second_->model_id);
  EXPECT_EQ(chs[0].trades, chs[0].champion_trades);
  EXPECT_DOUBLE_EQ(chs[0].net_bps, chs[0].champion_net_bps);
  EXPECT_FALSE(chs[0].gates_on);
  // The gate over the recorded trades: the same trades as the champion's are "not worse" once
  // the band covers the interval's half width, and not with a zero band.
  auto d = storage::OpenDatabase(db);
  ASSERT_TRUE(d.ok());
  auto ev = registry::ReadLiveEvidence(**d, "SOLUSDT", second_->model_id, 0);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->challenger_bps.size(), shadow.size());
  EXPECT_EQ(ev->champion_bps, ev->challenger_bps);
  registry::PromotionRules rules;
  rules.live_min_trades = static_cast<int64_t>(shadow.size());
  rules.live_net_bps_band = 0;
  EXPECT_FALSE(registry::DecideLiveEvidence(*ev, rules).pass);
  rules.live_net_bps_band = 1e6;
  EXPECT_TRUE(registry::DecideLiveEvidence(*ev, rules).pass);
  rules.live_min_trades += 1;
  EXPECT_EQ(registry::DecideLiveEvidence(*ev, rules).failed_rules, std::vector<std::string>{registry::kRuleLiveTrades});
}

// Challengers across kill -9 and restarts: the set changes during the run (a challenger joins at
// bar K, as the mechanic adds one); the restart state records the change and each challenger's
// executor and meta state, so the catch-up runs the challenger from the same bar as the saved
// run did. Its shadow trades, and the status's figures, are the uninterrupted run's, each once.
TEST_F(LiveLoop, ChallengersSurviveAKillAndRestartWithTheUninterruptedShadowTrades) {
  to_ = "2025-10-25T12:00";  // the state is saved (fsync) at each bar: keep it short
  const Outcome base = RunLoop(market_->archive, market_->dir + "/chr-base.db");
  ASSERT_FALSE(base.trades.empty());
  const int64_t from = *data::ParseIsoUtc(SampleMarket::kCut);
  const int64_t k = base.trades.front().time_ms;  // the champion traded before the challenger joins
  const auto k_bar = static_cast<int>((k - from) / kTf) + 1;
  ASSERT_LT(k_bar + 250, 720) << "the first trade should close early in the span";
  auto join_at_k = [](const std::string& archive, int64_t at) {
    return [archive, at](int64_t ts) {
      if (ts == at) SetChallengers(archive, true);
    };
  };
  const std::string a1 = Archive("chr-once");
  StatusBoard once_board;
  const Outcome once = RunLoop(a1, market_->dir + "/chr-once.db", join_at_k(a1, k), INT64_MIN, "", &once_board);
  ASSERT_TRUE(once.error.empty()) << once.error;
  const std::vector<TradeRecord> shadow = Only(once.trades, true);
  ASSERT_FALSE(shadow.empty()) << "zero costs: the challenger should trade";
  for (const auto& t : shadow) EXPECT_GT(EntryMs(t), k) << "the challenger runs from the bar after K";

  // Killed (SIGKILL, after the trade logs, before the state save) before and after K, restarted
  // each time from the state.
  const std::string a2 = Archive("chr-crash"), db = market_->dir + "/chr-crash.db", state = market_->dir + "/chr-state";
  for (const int n : {k_bar - 1 > 0 ? k_bar - 1 : 1, 100, 100}) {
    crash_at_bar_ = n;
    EXPECT_EXIT(RunLoop(a2, db, join_at_k(a2, k), INT64_MIN, state), ::testing::KilledBySignal(SIGKILL), "")
        << "killed after " << n << " bar times";
  }
  crash_at_bar_ = 0;
  StatusBoard board;
  const Outcome resumed = RunLoop(a2, db, {}, INT64_MIN, state, &board);
  ASSERT_TRUE(resumed.error.empty()) << resumed.error;
  EXPECT_GT(resumed.report.caught_up, 0);
  EXPECT_EQ(Only(resumed.trades, true), shadow);
  EXPECT_EQ(resumed.trades, once.trades);
  // The status after the restart counts each shadow trade once, as the uninterrupted run's.
  const auto want = once_board.Latest(), got = board.Latest();
  ASSERT_NE(want, nullptr);
  ASSERT_NE(got, nullptr);
  const auto& w = want->symbols.at("SOLUSDT").challengers;
  const auto& g = got->symbols.at("SOLUSDT").challengers;
  ASSERT_EQ(w.size(), 1u);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].trades, static_cast<int64_t>(shadow.size()));
  EXPECT_EQ(g[0].trades, w[0].trades);
  EXPECT_DOUBLE_EQ(g[0].net_bps, w[0].net_bps);
  EXPECT_EQ(g[0].since_ms, w[0].since_ms);
  EXPECT_EQ(g[0].champion_trades, w[0].champion_trades);
  // The state file holds the change and the challenger's state.
  std::ifstream in(state + "/state.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("challenger_sets"), std::string::npos);
}

// A challenger removed from the set stops at the next bar; its open virtual position closes at
// that bar's close. The champion is untouched.
TEST_F(LiveLoop, AChallengerLeavingTheSetStopsAtTheBarBoundary) {
  to_ = "2025-10-26T12:00";
  const Outcome base = RunLoop(market_->archive, market_->dir + "/chs-base.db");
  const TradeRecord* held = HeldTrade(base.trades);
  ASSERT_NE(held, nullptr);
  const int64_t k = EntryMs(*held) + kTf;  // the challenger (same engines) holds the same position
  const std::string archive = Archive("challenger-stop");
  SetChallengers(archive, true);
  const Outcome run = RunLoop(archive, market_->dir + "/chs-run.db", [&](int64_t ts) {
    if (ts == k) SetChallengers(archive, false);
  });
  ASSERT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(Only(run.trades, false), base.trades);
  const std::vector<TradeRecord> shadow = Only(run.trades, true);
  ASSERT_FALSE(shadow.empty());
  const TradeRecord& last = shadow.back();
  EXPECT_EQ(EntryMs(last), EntryMs(*held));
  EXPECT_EQ(last.time_ms, k) << "closed at the close of the bar after which it left the set";
  for (const auto& t : shadow) EXPECT_LE(t.time_ms, k);
}

TEST_F(LiveLoop, ThePauseFlagStopsEntriesNotExits) {
  const Window w = HeldWindow("pause");
  ASSERT_GT(w.to, 0);
  const std::string archive = Archive("pause");
  const std::string flag = archive + "/control/paused.json";
  const Outcome run = RunLoop(archive, market_->dir + "/pause.db", [&](int64_t ts) {
    if (ts == w.from) {
      fs::create_directories(archive + "/control");
      std::ofstream(flag) << R"({"version": 1, "paused": true, "since": "2025-10-25T00:00:00.000Z", "by": "test"})";
    }
    if (ts == w.to) fs::remove(flag);
  });
  ASSERT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(run.report.paused_bar_times, (w.to - w.from) / kTf);
  ExpectNoEntryIn(run, w, "paused");
  EXPECT_TRUE(run.report.swaps.empty());
}

// `huracan live --archive s3://...` against the S3 test server (label s3, scripts/with-s3.sh): the
// local archive uploaded, the same trades as from the local archive, the day file in S3, and a
// champion pointer changed in S3 mid-run picked up. Skipped without the server (and not trained).
class S3ServerLive : public LiveLoop {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("HURACAN_TEST_S3_URL") != nullptr) LiveLoop::SetUpTestSuite();
  }
  void SetUp() override { HURACAN_REQUIRE_S3(); }

  // The local archive uploaded under a fresh prefix; its s3:// URL.
  static std::string Upload(const std::string& name) {
    const std::string url =
        std::string(std::getenv("HURACAN_TEST_S3_URL")) + "/" + name + "-" + std::to_string(::getpid());
    auto local = storage::OpenObjectStore(market_->archive);
    auto s3 = storage::OpenObjectStore(url);
    EXPECT_TRUE(local.ok() && s3.ok());
    if (!local.ok() || !s3.ok()) return url;
    const auto keys = (*local)->List("");
    EXPECT_TRUE(keys.ok());
    if (!keys.ok()) return url;
    for (const std::string& key : *keys) {
      const auto bytes = (*local)->Get(key);
      EXPECT_TRUE(bytes.ok() && (*s3)->Put(key, *bytes).ok()) << key;
    }
    return url;
  }
  static int PointerReads(const std::string& url) {
    const std::string tail = url.substr(std::string("s3://").size()) + "/champion/SOLUSDT/latest.json";
    int n = 0;
    for (const std::string& line : huracan::testing::ReadS3Log())
      n += line.starts_with("GET ") && line.ends_with(tail) ? 1 : 0;
    return n;
  }
};

TEST_F(S3ServerLive, AReplayFromAnS3ArchiveTradesAsFromTheLocalOne) {
  const std::string url = Upload("live-parity");
  // The CLI on both archives: the same trades (zero costs: real ones).
  const std::string span = "--from " + std::string(SampleMarket::kCut) + " --to 2025-10-27 --symbols SOLUSDT";
  auto local = market_->Huracan(market_->Live("shadow", span, market_->dir + "/s3-local.db", ""));
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const std::string db = market_->dir + "/s3-remote.db";
  auto remote = market_->Huracan("live --mode shadow --replay " + ShellQuote(market_->data) + " " + span +
                                 " --archive " + url + " --db " + ShellQuote(db));
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  const std::vector<TradeRecord> want = DbTrades(market_->dir + "/s3-local.db", TradeBook::kShadow);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(DbTrades(db, TradeBook::kShadow), want);
  // The day files are in S3 and read back.
  auto s3 = storage::OpenObjectStore(url);
  ASSERT_TRUE(s3.ok());
  auto keys = (*s3)->List("live_logs/trades/");
  ASSERT_TRUE(keys.ok());
  ASSERT_FALSE(keys->empty());
  size_t rows = 0;
  for (const std::string& key : *keys) {
    auto day = ReadTradeDayFile(**s3, key);
    ASSERT_TRUE(day.ok()) << key << ": " << day.error().message;
    rows += day->size();
  }
  EXPECT_EQ(rows, want.size());
}

TEST_F(S3ServerLive, AChampionPointerChangedInS3IsPickedUp) {
  to_ = "2025-10-25T09:00";                             // three requests at every bar boundary: keep it short
  const int64_t k = FirstEntryMs("s3-swap") - 3 * kTf;  // flat: the swap takes bar k + 1
  const std::string url = Upload("live-swap");
  auto s3 = storage::OpenObjectStore(url);
  ASSERT_TRUE(s3.ok());
  const Outcome run = RunLoop(url, market_->dir + "/s3-swap.db", [&](int64_t ts) {
    if (ts == k) {
      EXPECT_TRUE(registry::SetChampion(**s3, "SOLUSDT", *second_).ok());
    }
  });
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_EQ(run.report.swaps.size(), 1u);
  EXPECT_EQ(run.report.swaps[0].at_ms, k + kTf);
  EXPECT_EQ(run.report.swaps[0].new_model_id, second_->model_id);
  ASSERT_FALSE(run.trades.empty());
  for (const auto& t : run.trades) EXPECT_EQ(t.model_id, second_->model_id) << t.trade_id;
  // poll_seconds 0 reads the pointer at every bar boundary; an hour reads it at the start and at
  // the first boundary only, however many bars go by.
  EXPECT_GE(PointerReads(url), static_cast<int>(run.report.bar_times));
  const std::string quiet = Upload("live-quiet");
  poll_seconds_ = 3600;
  const Outcome slow = RunLoop(quiet, market_->dir + "/s3-quiet.db");
  ASSERT_TRUE(slow.error.empty()) << slow.error;
  EXPECT_GT(slow.report.bar_times, 200);
  EXPECT_LE(PointerReads(quiet), 3);
}

}  // namespace
}  // namespace huracan::live

namespace huracan::live {
namespace {

// `huracan live --feed binance` on the fake feed (tests/js/fake_binance.mjs) replaying the
// sample's bars after the cut, with a fault injected, against `huracan live --replay` on the same
// bars: the same trades and byte-identical decisions. The replay folder holds the bars from the
// feed's REST warm-up (FeedWarmupBars before the start) to the end, so both warm on the same bars.
class LiveFeed : public ::testing::Test {
 protected:
  static constexpr char kTo[] = "2025-10-26T12:00";
  static constexpr int kBars = 36 * 60;

  static void SetUpTestSuite() {
    if (!huracan::testing::NodeToolsAvailable()) return;
    market_ = new SampleMarket();
    const int64_t from = *data::ParseIsoUtc(SampleMarket::kCut), to = *data::ParseIsoUtc(kTo);
    const int64_t warm = static_cast<int64_t>(FeedWarmupBars(*features::LoadRecipe("default")));
    const std::string cut = market_->dir + "/feed-span";
    fs::create_directories(cut);
    for (const auto& [symbol, file] : market_->files) {
      auto bars = data::LoadBars(file);
      ASSERT_TRUE(bars.ok());
      std::ofstream(cut + "/" + fs::path(file).stem().string() + ".csv") << data::BarsToCsv(
          bars->slice(data::FirstAtOrAfter(bars->ts_ms, from - warm * kTf), data::FirstAtOrAfter(bars->ts_ms, to)));
    }
    const std::string db = market_->dir + "/feed-replay.db";
    auto r = market_->Huracan("live --mode shadow --symbols SOLUSDT,DOGEUSDT --replay " + ShellQuote(cut) + " " +
                              Span() + " --archive " + ShellQuote(market_->archive) + " --db " + ShellQuote(db) +
                              " --decisions-out " + ShellQuote(market_->dir + "/feed-replay.txt"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    replay_trades_ = new std::vector<TradeRecord>(DbTrades(db, TradeBook::kShadow));
  }
  static void TearDownTestSuite() {
    delete market_;
    delete replay_trades_;
  }
  void SetUp() override {
    HURACAN_REQUIRE_NODE();
    ASSERT_NE(replay_trades_, nullptr);
    ASSERT_GT(replay_trades_->size(), 0u) << "zero-cost champions should trade after the cut";
  }

  static std::string Span(const std::string& to = kTo) {
    return std::string("--from ") + SampleMarket::kCut + " --to " + to;
  }
  static std::string ReplayDecisions() { return market_->dir + "/feed-replay.txt"; }

  // The fake on the sample's three files (two spot symbols, the futures reference: 2 clients).
  static std::unique_ptr<huracan::testing::FakeBinance> Fake(const std::string& scenario, int bars = kBars) {
    return std::make_unique<huracan::testing::FakeBinance>(
        huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet"), scenario,
        *data::ParseIsoUtc(SampleMarket::kCut), bars, std::vector<std::string>{"--clients", "2"});
  }
  // `huracan live --feed binance` on `fake`, trading SOL and DOGE.
  static CommandResult Feed(const huracan::testing::FakeBinance& fake, const std::string& db, const std::string& extra,
                            const std::string& env = "", const std::string& to = kTo) {
    const std::string base = "127.0.0.1:" + std::to_string(fake.port());
    return market_->Huracan("live --mode shadow --symbols SOLUSDT,DOGEUSDT --feed binance --ws-url ws://" + base +
                                " --rest-url http://" + base + " " + Span(to) + " --archive " +
                                ShellQuote(market_->archive) + " --db " + ShellQuote(db) + " " + extra,
                            env);
  }

  // `also`: further checks on the fake after the run (its log).
  void CheckParityUnder(const std::string& scenario,
                        const std::function<void(const huracan::testing::FakeBinance&)>& also = {}) {
    auto fake = Fake(scenario);
    ASSERT_GT(fake->port(), 0) << "the fake did not start";
    const std::string db = market_->dir + "/feed-" + scenario + ".db",
                      dec = market_->dir + "/feed-" + scenario + ".txt";
    auto r = Feed(*fake, db, "--decisions-out " + ShellQuote(dec));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["bar_times"].get<int64_t>(), kBars);
    EXPECT_EQ(DbTrades(db, TradeBook::kShadow), *replay_trades_);
    const std::vector<std::string> got = Lines(dec), want = Lines(ReplayDecisions());
    EXPECT_EQ(got.size(), want.size());
    EXPECT_TRUE(got == want) << scenario << ": decisions differ";
    EXPECT_GT(fake->Count("\"ev\":\"rest\""), 0) << "warm-up and backfill come from REST";
    if (also) also(*fake);
  }

  static Market* market_;
  static std::vector<TradeRecord>* replay_trades_;
};
Market* LiveFeed::market_ = nullptr;
std::vector<TradeRecord>* LiveFeed::replay_trades_ = nullptr;

TEST_F(LiveFeed, ADisconnectGivesTheReplaysTradesAndDecisions) { CheckParityUnder("disconnect"); }

TEST_F(LiveFeed, AStreamGapGivesTheReplaysTradesAndDecisions) { CheckParityUnder("gap"); }

// The exchange goes away for a second (websocket refused, REST 503) while 30 bar times pass, then
// comes back: the runner reconnects, backfills the 30 bars from REST and trades on; decisions at
// every bar (none missing, none twice) and trades are the uninterrupted replay's.
TEST_F(LiveFeed, AnOutageOfStreamAndRestIsBackfilledWithoutDuplicateOrMissingBars) {
  CheckParityUnder("outage", [](const huracan::testing::FakeBinance& fake) {
    EXPECT_EQ(fake.Count("\"ev\":\"outage_end\""), 1);
    std::printf("outage: %d websocket connections refused, %d REST calls refused, %d connections in all\n",
                fake.Count("\"ev\":\"refused\""), fake.Count("\"ev\":\"rest_refused\""),
                fake.Count("\"ev\":\"connect\""));
    EXPECT_GT(fake.Count("\"ev\":\"refused\"") + fake.Count("\"ev\":\"rest_refused\""), 0)
        << "the runner should have tried to reconnect while the exchange was away";
  });
}

// Killed (the test hook: SIGKILL after the trades of bar 100 are logged, before the state is
// saved), then restarted on the same feed (which waits while no client is connected): the saved
// span (99 bar times) is caught up from REST, the rest streamed, and the trades are an
// uninterrupted run's, each logged once. 12 hours (the state is saved at each bar: the slow part).
// The kill comes early: the fake must not have sent its last bar before it (the runner saving its
// state is slower than the fake), else the restart would wait for a stream that has ended.
TEST_F(LiveFeed, ARestartResumesOnTheFeedWithTheSameTrades) {
  constexpr int kHalfDay = 12 * 60;
  const std::string to = "2025-10-25T12:00";
  const std::string once = market_->dir + "/feed-once.db";
  {
    auto fake = Fake("clean", kHalfDay);
    ASSERT_GT(fake->port(), 0) << "the fake did not start";
    ASSERT_EQ(Feed(*fake, once, "", "timeout 120", to).exit_code, 0);
  }
  const std::vector<TradeRecord> want = DbTrades(once, TradeBook::kShadow);
  ASSERT_GT(want.size(), 0u) << "the uninterrupted run must trade";
  auto fake = Fake("clean", kHalfDay);
  ASSERT_GT(fake->port(), 0) << "the fake did not start";
  const std::string db = market_->dir + "/feed-restart.db", state = "--state-dir " + ShellQuote(market_->dir + "/st");
  auto killed = Feed(*fake, db, state, "HURACAN_TEST_CRASH_AT_BAR=100 timeout 120", to);
  EXPECT_NE(killed.exit_code, 0) << "the runner should have been killed after 100 bars";
  auto r = Feed(*fake, db, state, "timeout 120", to);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["caught_up"].get<int64_t>(), 99);
  EXPECT_EQ(j["bar_times"].get<int64_t>(), kHalfDay - 99);
  EXPECT_EQ(DbTrades(db, TradeBook::kShadow), want);
}

}  // namespace
}  // namespace huracan::live
