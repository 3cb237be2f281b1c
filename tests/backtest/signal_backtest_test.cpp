// Signal-file backtests: the file's parser, and the proof that there is one executor: a signal
// table built from an engine's own decisions gives the engine's trades, bar for bar.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "backtest/backtester.h"
#include "backtest/signal_file.h"
#include "data/parquet.h"
#include "decision/fakes.h"
#include "support/test_support.h"

namespace huracan::backtest {
namespace {

using testfakes::MakeMarket;
using testfakes::SigEngine;

constexpr char kHeader[] = "timestamp_ms,enter_long,exit_long,enter_short,exit_short\n";

TEST(SignalFile, ParsesRowsInAnyColumnOrderWithATag) {
  const std::vector<int64_t> ts = {1000, 2000, 3000};
  auto t = ParseSignalFile(
      "exit_short,tag,timestamp_ms,enter_short,exit_long,enter_long\r\n0,a b,2000,1,0,0\r\n"
      "1,,3000,0,0,0\r\n\r\n",
      ts);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->size(), 2u);
  EXPECT_TRUE(t->at(2000).enter_short);
  EXPECT_FALSE(t->at(2000).enter_long);
  EXPECT_EQ(t->at(2000).tag, "a b");
  EXPECT_TRUE(t->at(3000).exit_short);
  EXPECT_TRUE(ParseSignalFile(kHeader, ts).ok());  // a header alone: no signals
}

TEST(SignalFile, BadFilesNameTheProblemAndTheLine) {
  const std::vector<int64_t> ts = {1000, 2000};
  auto err = [&](const std::string& text) {
    auto r = ParseSignalFile(text, ts);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  EXPECT_NE(err("").find("empty file"), std::string::npos);
  EXPECT_NE(err("\n\n").find("empty file"), std::string::npos);
  EXPECT_NE(err("1000,1,0,0,0\n").find("line 1: missing header"), std::string::npos);
  EXPECT_NE(err("timestamp_ms,enter_long,exit_long,enter_short\n").find("missing header column 'exit_short'"),
            std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "1500,1,0,0,0\n").find("line 2: timestamp_ms 1500 is not the open time"),
            std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "1000,0,0,0,0\n2000,2,0,0,0\n").find("line 3: enter_long is '2'"),
            std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "x,0,0,0,0\n").find("line 2: timestamp_ms 'x' is not an integer"),
            std::string::npos);
  EXPECT_NE(err("timestamp_ms,enter_long,exit_long,enter_short,exit_short,note\n").find("unknown column 'note'"),
            std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "1000,0,0,0\n").find("line 2: 4 fields"), std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "1000,1,0,0,0\n1000,0,1,0,0\n").find("line 3: timestamp_ms 1000 appears twice"),
            std::string::npos);
  EXPECT_NE(err(std::string(kHeader) + "1000,1,0,1,0\n").find("enter_long and enter_short"), std::string::npos);
  for (const char* text : {"", "1000,1,0,0,0\n", "timestamp_ms,enter_long\n"})
    EXPECT_EQ(err(text).find('\n'), std::string::npos) << text;
}

// A random walk with room for stops on both sides, and an engine column of random +1/-1/0.
testfakes::Market RandomMarket(const std::string& symbol, size_t n, uint64_t seed) {
  testfakes::Market m = MakeMarket(symbol, n);
  std::mt19937_64 g(seed);
  std::normal_distribution<double> step(0.0, 0.002);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double px = 100;
  const size_t sig = static_cast<size_t>(testfakes::Col(m.frame, "sig"));
  for (size_t i = 0; i < n; ++i) {
    const double open = px;
    px *= 1.0 + step(g);
    m.bars.open[i] = open;
    m.bars.close[i] = px;
    m.bars.high[i] = std::max(open, px) * (1.0 + 0.002 * u(g));
    m.bars.low[i] = std::min(open, px) * (1.0 - 0.002 * u(g));
    const double r = u(g);
    m.frame.columns[sig][i] = r < 0.06 ? 1.0 : r < 0.12 ? -1.0 : 0.0;
  }
  return m;
}

// The guardrails a signal file's entries pass through (the others need engines).
bool SignalGuardrail(const std::string& reason) {
  return reason == "short_not_allowed" || reason == "position_open" || reason == "duplicate_signal" ||
         reason == "cooldown";
}

// The signal table that replays `decisions`: each accepted trade, and each signal one of the
// signal-file guardrails refused, is an entry (the replay refuses it again); any other signal
// (refused by the cost gate) is an exit signal, which acts when it is against the position.
decision::SignalTable FromDecisions(const std::vector<decision::Decision>& decisions) {
  decision::SignalTable t;
  for (const auto& d : decisions) {
    if (d.signal == Direction::kWait) continue;
    decision::SignalRow r;
    if (d.direction != Direction::kWait || SignalGuardrail(d.reason))
      (d.signal == Direction::kBuy ? r.enter_long : r.enter_short) = true;
    else
      (d.signal == Direction::kBuy ? r.exit_short : r.exit_long) = true;
    t.emplace(d.ts_ms, r);
  }
  return t;
}

TEST(SignalBacktest, AnEnginesOwnDecisionsReplayToTheSameTrades) {
  for (const std::string sym : {"ETH-USDT-PERP", "ETH-USDT"}) {
    const size_t n = 3000;
    const testfakes::Market m = RandomMarket(sym, n, 17);
    BacktestOptions o;
    o.pipeline.symbol = sym;
    o.pipeline.regime = testfakes::AlwaysRange(sym);
    o.pipeline.costs = costs::CostConfig::ForSymbol(sym);
    o.pipeline.adv_min_bars = 1;
    o.record_decisions = true;
    // The engine's stop and take-profit both at 40 bps (the floor; the sigma terms are tiny), its
    // horizon 10 bars: the same exits as --stop-bps 40 --take-profit-bps 40 --max-hold-bars 10.
    o.stop_sigmas = o.take_profit_sigmas = 1e-9;
    o.min_stop_bps = 40;
    SigEngine e("fake_a", 80.0, 10);
    auto eng = RunBacktestOnFrame(m.bars, m.frame, {&e}, decision::PipelineMode::kSingleEngine, o, 0, n);
    ASSERT_TRUE(eng.ok()) << eng.error().message;

    BacktestOptions so = o;
    so.record_decisions = false;
    so.pipeline.signals = std::make_shared<const decision::SignalTable>(FromDecisions(eng->decisions));
    so.fixed_exits = execution::FixedExits{.on = true, .stop_bps = 40, .take_profit_bps = 40, .max_hold_bars = 10};
    auto sig = RunBacktestOnFrame(m.bars, m.frame, {}, decision::PipelineMode::kSignals, so, 0, n);
    ASSERT_TRUE(sig.ok()) << sig.error().message;

    ASSERT_GT(eng->trades.size(), 40u) << sym;
    ASSERT_EQ(eng->trades.size(), sig->trades.size()) << sym;
    std::map<std::string, int> reasons;
    for (size_t i = 0; i < eng->trades.size(); ++i) {
      const Trade& a = eng->trades[i];
      const Trade& b = sig->trades[i];
      EXPECT_EQ(a.direction, b.direction) << i;
      EXPECT_EQ(a.signal_ts_ms, b.signal_ts_ms) << i;
      EXPECT_EQ(a.entry_ts_ms, b.entry_ts_ms) << i;
      EXPECT_EQ(a.exit_ts_ms, b.exit_ts_ms) << i;
      EXPECT_EQ(a.entry_price, b.entry_price) << i;
      EXPECT_EQ(a.exit_price, b.exit_price) << i;
      EXPECT_EQ(a.exit_reason, b.exit_reason) << i;
      EXPECT_EQ(a.net_bps, b.net_bps) << i;
      EXPECT_EQ(a.fees_bps, b.fees_bps) << i;
      EXPECT_EQ(a.spread_bps, b.spread_bps) << i;
      EXPECT_EQ(a.slippage_bps, b.slippage_bps) << i;
      ++reasons[a.exit_reason];
    }
    EXPECT_EQ(eng->bar_returns, sig->bar_returns) << sym;
    EXPECT_EQ(eng->metrics.net_bps, sig->metrics.net_bps) << sym;
    // The replay exercised the exits (the spot run has no shorts, so no opposite entries).
    for (const char* r : {"stop", "take_profit", "horizon"}) EXPECT_GT(reasons[r], 0) << sym << " " << r;
    EXPECT_GT(reasons[sym.ends_with("-PERP") ? "opposite" : "signal"], 0) << sym;
    // The guardrails that make sense without engines refused the same signals.
    int64_t refused = 0;
    for (const auto& [why, count] : eng->rejections) {
      if (!SignalGuardrail(why)) continue;
      EXPECT_EQ(sig->rejections[why], count) << sym << " " << why;
      refused += count;
    }
    EXPECT_GT(refused, 0) << sym;
    std::string seen;
    for (const auto& [r, k] : reasons) seen += " " + r + "=" + std::to_string(k);
    std::printf("%s: %zu trades,%s, %lld refused by the guardrails\n", sym.c_str(), eng->trades.size(), seen.c_str(),
                static_cast<long long>(refused));
  }
}

TEST(SignalBacktest, ShortsOnlyOnPerpsTagsAndNoWarmup) {
  for (const std::string sym : {"SOL-USDT", "SOL-USDT-PERP"}) {
    const testfakes::Market m = MakeMarket(sym, 6, 0.001);
    BacktestOptions o;
    o.pipeline.symbol = sym;
    o.pipeline.costs = costs::CostConfig::ForSymbol(sym);
    auto t = std::make_shared<decision::SignalTable>();
    (*t)[m.bars.ts_ms[0]] = decision::SignalRow{.enter_short = true, .tag = "first"};
    (*t)[m.bars.ts_ms[2]].exit_short = true;
    o.pipeline.signals = t;
    o.fixed_exits.on = true;
    auto r = RunBacktestOnFrame(m.bars, m.frame, {}, decision::PipelineMode::kSignals, o, 0, 6);
    ASSERT_TRUE(r.ok()) << r.error().message;
    if (!sym.ends_with("-PERP")) {
      EXPECT_TRUE(r->trades.empty());
      EXPECT_EQ(r->rejections.at("short_not_allowed"), 1);
      EXPECT_EQ(r->rejections.at("no_signal"), 5);
      continue;
    }
    ASSERT_EQ(r->trades.size(), 1u);
    EXPECT_EQ(r->trades[0].tag, "first");
    EXPECT_EQ(r->trades[0].entry_ts_ms, m.bars.ts_ms[1]);
    EXPECT_EQ(r->trades[0].exit_ts_ms, m.bars.ts_ms[3]);
    EXPECT_EQ(r->trades[0].exit_reason, "signal");
    EXPECT_EQ(r->rejections.at("no_signal"), 5);
  }
}

// huracan backtest --signals on a file of 6 bars (no minimum length), and bad signal files.
struct SixBars {
  std::string dir = huracan::testing::MakeTempDir("signals");
  std::string data = dir + "/SOL-USDT-PERP_1m_x.parquet";
  testfakes::Market m = MakeMarket("SOL-USDT-PERP", 6, 0.001);
  SixBars() { EXPECT_TRUE(data::WriteParquetBars(data, m.bars).ok()); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  }
  huracan::testing::CommandResult Run(const std::string& signals, const std::string& extra = "") const {
    return huracan::testing::RunHuracan("backtest --data " + huracan::testing::ShellQuote(data) + " --signals " +
                                        huracan::testing::ShellQuote(signals) + " " + extra);
  }
};

TEST(SignalBacktestCli, SixBarsTradeWithExitFieldsAndTag) {
  const SixBars s;
  const std::string ts0 = std::to_string(s.m.bars.ts_ms[0]), ts3 = std::to_string(s.m.bars.ts_ms[3]);
  const auto r = s.Run(s.Write("ok.csv", std::string(kHeader).substr(0, sizeof kHeader - 2) + ",tag\n" + ts0 +
                                             ",1,0,0,0,breakout\n" + ts3 + ",0,0,1,0,flip\n"),
                       "--costs zero --notional 500");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["trades"].size(), 2u) << r.out;
  const auto& a = j["trades"][0];
  EXPECT_EQ(a["entry_ts"], s.m.bars.ts_ms[1]);
  EXPECT_EQ(a["exit_ts"], s.m.bars.ts_ms[4]);
  EXPECT_EQ(a["exit_reason"], "opposite");
  EXPECT_EQ(a["tag"], "breakout");
  EXPECT_EQ(a["side"], "long");
  EXPECT_DOUBLE_EQ(a["entry"].get<double>(), s.m.bars.open[1]);
  const auto& b = j["trades"][1];
  EXPECT_EQ(b["side"], "short");
  EXPECT_EQ(b["exit_reason"], "end");
  EXPECT_EQ(b["exit_ts"], s.m.bars.ts_ms[5]);
  EXPECT_DOUBLE_EQ(b["exit"].get<double>(), s.m.bars.close[5]);
  EXPECT_EQ(b["tag"], "flip");
  EXPECT_EQ(j["combined"]["trades"], 2);
  EXPECT_EQ(j["costs"]["notional"], 500.0);
  EXPECT_TRUE(j.contains("rejections"));
}

TEST(SignalBacktestCli, BadSignalFilesExit2WithOneLine) {
  const SixBars s;
  const std::string ts0 = std::to_string(s.m.bars.ts_ms[0]);
  const std::string head = kHeader;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {head + "123,1,0,0,0\n", "line 2: timestamp_ms 123 is not the open time of a bar"},
      {head + ts0 + ",1,0,0,yes\n", "line 2: exit_short is 'yes', expected 0 or 1"},
      {ts0 + ",1,0,0,0\n", "line 1: missing header"},
      {"", "empty file"},
      {"timestamp_ms,enter_long,exit_long,enter_short,exit_short,score\n", "unknown column 'score'"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto r = s.Run(s.Write("bad" + std::to_string(i) + ".csv", cases[i].first));
    EXPECT_EQ(r.exit_code, 2) << cases[i].second;
    EXPECT_NE(r.err.find(cases[i].second), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad" + std::to_string(i) + ".csv"), std::string::npos) << r.err;
    // One line about the signal file (after the note on the reference).
    const size_t at = r.err.find("--signals");
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin() + static_cast<std::ptrdiff_t>(at), r.err.end(), '\n'), 1) << r.err;
  }
  const auto r = s.Run(s.Write("none.csv", head), "--stop-bps -1");
  EXPECT_EQ(r.exit_code, 2);
  const auto flags =
      huracan::testing::RunHuracan("backtest --data " + huracan::testing::ShellQuote(s.data) + " --stop-bps 10");
  EXPECT_EQ(flags.exit_code, 2);
  EXPECT_NE(flags.err.find("need --signals"), std::string::npos) << flags.err;
}

}  // namespace
}  // namespace huracan::backtest
