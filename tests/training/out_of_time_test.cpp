// `huracan backtest --model` (a frozen bundle) and `huracan check out-of-time`, end to end on the
// embedded sample: real training runs, real archives, the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/parquet.h"
#include "data/timestamps.h"
#include "support/test_support.h"

namespace huracan::training {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

// Enough engines that the sample trades on both sides of a split under free costs (after the rule
// engines' selection/calibration split, three engines are too few on 3 weeks of bars).
constexpr char kEngines[] =
    "trend_ma,zscore_reversion,seasonality,rsi_reversal,vwap_reversion,panic_reversal,sweep,ridge";

// SOL and BTC-PERP in a private data folder; a small engine set keeps it fast. `coin` is BTC-PERP, the
// sample coin that trades under free costs; `free` is a costs file with every cost and the net-edge
// floor at 0.
struct Sample {
  std::string dir = huracan::testing::MakeTempDir("oot");
  std::string data = dir + "/data";
  std::string archive = dir + "/archive";
  std::string coin;
  std::string free = dir + "/free.json";

  Sample() {
    fs::create_directories(data);
    for (const auto& f : huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet")) {
      const std::string name = fs::path(f).filename().string();
      if (name.starts_with("SOL-") || name.starts_with("BTC-")) fs::copy_file(f, data + "/" + name);
      if (name.starts_with("BTC-USDT-PERP")) coin = data + "/" + name;
    }
    std::ofstream(free) << R"({"taker_fee_bps": 0, "maker_fee_bps": 0, "spread_floor_bps": 0, "slippage_k": 0,)"
                        << R"("max_slippage_bps": 0, "funding_bps_per_8h": 0, "net_edge_floor_bps": 0})";
    std::ofstream(dir + "/rules.json") << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                                       << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
  }
  // Runs the binary from inside the temp folder, so defaults such as ./archive land there.
  CommandResult Huracan(const std::string& args) const {
    return RunCommand("cd " + ShellQuote(dir) + " && HURACAN_ENGINES_RUN=" + kEngines + " " +
                      ShellQuote(huracan::testing::HuracanBinary()) + " " + args);
  }
  // Trains on the bars before `before` only (a copy of the data folder cut there), as the
  // out-of-time check does; "" trains on everything.
  CommandResult Train(const std::string& costs, const std::string& before = "") const {
    std::string from_dir = data;
    if (!before.empty()) {
      from_dir = dir + "/data-before";
      fs::create_directories(from_dir);
      const int64_t cut = *data::ParseIsoUtc(before);
      for (const auto& f : huracan::testing::ListFiles(data, ".parquet")) {
        auto bars = data::ReadParquetBars(f);
        if (!bars.ok()) return CommandResult{2, "", bars.error().message};
        Status st = data::WriteParquetBars(from_dir + "/" + fs::path(f).filename().string(),
                                           bars->slice(0, data::FirstAtOrAfter(bars->ts_ms, cut)));
        if (!st.ok()) return CommandResult{2, "", st.error().message};
      }
    }
    return Huracan("train --mode sequential --retries 0 --data-dir " + ShellQuote(from_dir) + " --archive " +
                   ShellQuote(archive) + " --db " + ShellQuote(dir + "/h.db") + " --promotion-rules " +
                   ShellQuote(dir + "/rules.json") + " --costs " + costs);
  }
};

TEST(FrozenBacktest, ChampionTradesWithTheBundleCostsAndTheNewTradeFields) {
  Sample s;
  // The champion is trained on the bars before `from` and judged, frozen, on the bars after it.
  const std::string from = "2025-11-01";
  auto tr = s.Train(ShellQuote(s.free), from);
  ASSERT_EQ(tr.exit_code, 0) << tr.out << tr.err;
  auto res = s.Huracan("backtest --model champion --archive " + ShellQuote(s.archive) + " --data " +
                       ShellQuote(s.coin) + " --from " + from + " --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto j = nlohmann::json::parse(res.out);
  EXPECT_TRUE(j["model_id"].get<std::string>().starts_with("BTCUSDT-PERP@")) << j["model_id"];
  EXPECT_EQ(j["costs_source"], "bundle");
  EXPECT_EQ(j["costs"]["taker_fee_bps"].get<double>(), 0.0);
  const int64_t from_ms = *data::ParseIsoUtc(from);
  EXPECT_GE(j["test"]["begin_ts"].get<int64_t>(), from_ms);
  ASSERT_GT(j["trades"].size(), 0u) << "zero costs should make the champion trade";
  EXPECT_EQ(j["combined"]["trades"].get<size_t>(), j["trades"].size());
  const double notional = j["costs"]["notional"].get<double>();
  for (const auto& t : j["trades"]) {
    for (const char* k : {"entry_ts", "exit_ts", "side", "entry", "exit", "fees", "net_pnl"})
      ASSERT_TRUE(t.contains(k)) << k << " in " << t.dump();
    EXPECT_TRUE(t["side"] == "long" || t["side"] == "short") << t["side"];
    EXPECT_EQ(t["side"] == "long", t["direction"] == "buy");
    EXPECT_GE(t["entry_ts"].get<int64_t>(), from_ms);
    EXPECT_EQ(t["entry"], t["entry_price"]);
    EXPECT_NEAR(t["net_pnl"].get<double>(), notional * t["net_bps"].get<double>() * 1e-4, 1e-9);
    const double cost_bps =
        t["fees_bps"].get<double>() + t["spread_bps"].get<double>() + t["slippage_bps"].get<double>();
    EXPECT_NEAR(t["fees"].get<double>(), notional * cost_bps * 1e-4, 1e-9);
    EXPECT_EQ(t["fees_bps"].get<double>(), 0.0);  // zero costs: only the bar's own spread estimate is paid
  }

  // --costs overrides the bundle's costs: the same model now pays fees.
  auto costly = s.Huracan("backtest --model champion --archive " + ShellQuote(s.archive) + " --data " +
                          ShellQuote(s.coin) + " --from " + from + " --costs binance-spot-taker");
  ASSERT_EQ(costly.exit_code, 0) << costly.err;
  const auto c = nlohmann::json::parse(costly.out);
  EXPECT_EQ(c["costs_source"], "settings");
  EXPECT_GT(c["costs"]["taker_fee_bps"].get<double>(), 0.0);
  for (const auto& t : c["trades"]) EXPECT_GT(t["fees_bps"].get<double>(), 0.0);

  // The bundle folder the champion points at gives the same run.
  std::ifstream pointer(s.archive + "/champion/BTCUSDT-PERP/latest.json");
  const auto ptr = nlohmann::json::parse(pointer);
  const std::string bundle = s.archive + "/" + ptr["path"].get<std::string>();
  auto by_dir = s.Huracan("backtest --model " + ShellQuote(bundle) + " --data " + ShellQuote(s.coin) + " --from " +
                          from + " --format json");
  ASSERT_EQ(by_dir.exit_code, 0) << by_dir.err;
  EXPECT_EQ(nlohmann::json::parse(by_dir.out)["trades"], j["trades"]);

  // A tampered copy is refused, naming the file.
  const std::string copy = s.dir + "/tampered";
  fs::copy(bundle, copy);
  std::ofstream(copy + "/config.json", std::ios::app) << "\n";
  auto bad = s.Huracan("backtest --model " + ShellQuote(copy) + " --data " + ShellQuote(s.coin));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("config.json: sha256 mismatch"), std::string::npos) << bad.err;
  // --train-days has no meaning for a frozen model; --from needs --model.
  EXPECT_EQ(s.Huracan("backtest --model " + ShellQuote(bundle) + " --data " + ShellQuote(s.coin) + " --train-days 3")
                .exit_code,
            2);
  EXPECT_EQ(s.Huracan("backtest --data " + ShellQuote(s.coin) + " --from 2025-11-01").exit_code, 2);
}

TEST(FittedBacktest, TradesCarryTheNewFields) {
  Sample s;
  auto res = s.Huracan("backtest --data " + ShellQuote(s.coin) + " --costs zero --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto j = nlohmann::json::parse(res.out);
  ASSERT_GT(j["trades"].size(), 0u);
  for (const auto& t : j["trades"]) {
    for (const char* k : {"side", "entry", "exit", "fees", "net_pnl"}) ASSERT_TRUE(t.contains(k)) << k;
    EXPECT_NEAR(t["net_pnl"].get<double>(), 1000.0 * t["net_bps"].get<double>() * 1e-4, 1e-9);
  }
}

TEST(OutOfTimeCheck, TrainsBeforeTheSplitAndJudgesTheFrozenModelsAfterIt) {
  Sample s;
  auto res = s.Huracan("check out-of-time --data-dir " + ShellQuote(s.data) + " --split 2025-11-01 --costs " +
                       ShellQuote(s.free) + " --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto j = nlohmann::json::parse(res.out);
  EXPECT_EQ(j["split"], "2025-11-01");
  ASSERT_EQ(j["symbols"].size(), 2u);
  int judged = 0;
  for (const auto& [sym, c] : j["symbols"].items()) {
    for (const char* k :
         {"promised_bps", "band_lo_bps", "band_hi_bps", "realised_bps", "inside", "trades_before", "trades_after"})
      ASSERT_TRUE(c.contains(k)) << sym << " " << k;
    EXPECT_FALSE(c.contains("error")) << c["error"];
    // Trained on the bars before the split only: the model id is the data end, the split itself.
    EXPECT_EQ(c["model_id"], sym + "@20251101T000000Z");
    EXPECT_EQ(c["realised_bps"].is_null(), c["trades_after"].get<int64_t>() == 0) << sym;
    if (c["trades_after"].get<int64_t>() > 0 && c["trades_before"].get<int64_t>() >= 2) {
      ASSERT_TRUE(c["inside"].is_boolean()) << sym;
      const double r = c["realised_bps"].get<double>();
      EXPECT_EQ(c["inside"].get<bool>(), c["band_lo_bps"].get<double>() <= r && r <= c["band_hi_bps"].get<double>());
      ++judged;
    }
  }
  EXPECT_GT(judged, 0) << "zero costs: some coin should trade on both sides of the split\n" << res.out;
  EXPECT_EQ(j["total"]["coins"], 2);
  EXPECT_GT(j["total"]["coins_with_trades_after"].get<int>(), 0);
  EXPECT_TRUE(j["total"]["inside_share"].is_number());
  // Nothing of the user's is touched: no archive or database in the working folder.
  EXPECT_FALSE(fs::exists(s.dir + "/archive"));
  EXPECT_FALSE(fs::exists(s.dir + "/huracan.db"));

  auto text = s.Huracan("check out-of-time --data-dir " + ShellQuote(s.data) + " --split 2025-11-01 --costs " +
                        ShellQuote(s.free));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("BTCUSDT-PERP"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("total: 2 coins"), std::string::npos) << text.out;

  auto bad = s.Huracan("check out-of-time --data-dir " + ShellQuote(s.data) + " --split 2025-13-01");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--split"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace huracan::training
