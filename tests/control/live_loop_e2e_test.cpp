// The control loop end to end (issue 12, "Tests as a person would use it"): `huracan live --telegram
// --serve` replays the sample at a finite speed while tests/js/live_loop_e2e.mjs plays the operator
// against the fake Bot API (/trade 2, /status, a stranger's /trade 5, the status page). Here: the
// champions it trades (zero costs, so they trade), and afterwards the decisions, the trades and the
// audit rows: from the swap's bar on, only the two selected symbols are decided, and the newly
// selected one trades.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "data/timestamps.h"
#include "live/symbols_selector.h"
#include "live/trade_log.h"
#include "storage/database.h"
#include "support/test_support.h"

namespace huracan {
namespace {

using testing::RunCommand;
using testing::ShellQuote;

TEST(LiveControlLoop, TradeTwoFromTelegramReachesTheRunnerAndThePage) {
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed: skipping";
  const std::string work = testing::MakeTempDir("live_loop");
  const std::string archive = work + "/archive", db = work + "/live.db", bin = ShellQuote(testing::HuracanBinary());
  {
    std::ofstream(work + "/rules.json") << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                                        << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
  }
  // One engine keeps the training to seconds. Telegram is down (nothing listens on port 1): the
  // summary push fails, the run does not. Its zero-cost champions: BTC first by net edge, DOGE
  // and SOL tied (DOGE first by name), and DOGE trades every 75 minutes on 2025-10-31.
  auto tr = RunCommand("cd " + ShellQuote(work) +
                       " && TELEGRAM_TOKEN=1:x TELEGRAM_CHAT_ID=111 TELEGRAM_API_BASE=http://127.0.0.1:1 " + bin +
                       " train --mode sequential --retries 0 --data-dir " + ShellQuote(testing::SampleDir()) +
                       " --archive " + ShellQuote(archive) + " --db " + ShellQuote(work + "/train.db") +
                       " --promotion-rules rules.json --costs zero --symbols all --engines seasonality");
  ASSERT_EQ(tr.exit_code, 0) << tr.out << tr.err;
  EXPECT_NE(tr.out.find("\nsummary: not pushed to Telegram to 1 of 1 chat(s): sendMessage: "), std::string::npos)
      << tr.out;
  // The runner starts on BTC and SOL (an earlier selection); /trade 2 will swap SOL for DOGE.
  live::SymbolSelector start;
  start.symbols = {"BTCUSDT-PERP", "SOLUSDT"};
  start.source = "test";
  ASSERT_TRUE(live::WriteSymbolSelector(archive + "/symbols_selector.json", start).ok());

  // 8 hours of bars at 3600x: about 8 s of replay, time enough to act mid-run.
  const std::string from = "2025-10-31T00:00:00Z", to = "2025-10-31T08:00:00Z";
  auto r = RunCommand("node " + ShellQuote(testing::JsDir() + "/live_loop_e2e.mjs") + " " + bin + " " +
                      ShellQuote(work) + " " + ShellQuote(testing::SampleDir()) + " " + ShellQuote(archive) + " " +
                      ShellQuote(db) + " " + from + " " + to + " 3600");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(work + "/loop.json");
  const nlohmann::json loop = nlohmann::json::parse(in);
  const auto selected = loop["selector"].get<std::vector<std::string>>();
  ASSERT_EQ(selected, (std::vector<std::string>{"BTCUSDT-PERP", "DOGEUSDT"}));

  // Two swaps at the same bar, the one after the selector changed: SOL out, DOGE in.
  std::map<std::string, std::string> swaps;
  std::set<int64_t> swap_at;
  for (const auto& w : loop["report"]["swaps"]) {
    swaps[w["symbol"].get<std::string>()] = w["reason"];
    swap_at.insert(*data::ParseIsoUtc(w["at"].get<std::string>()));
  }
  ASSERT_EQ(swaps, (std::map<std::string, std::string>{{"DOGEUSDT", "selected"}, {"SOLUSDT", "deselected"}}))
      << loop["report"].dump();
  ASSERT_EQ(swap_at.size(), 1u);
  const int64_t swap_ms = *swap_at.begin();
  EXPECT_GT(swap_ms, *data::ParseIsoUtc(from));
  EXPECT_LT(swap_ms, *data::ParseIsoUtc(to));

  // Decisions: BTC and SOL before the swap's bar, BTC and DOGE from it on.
  std::map<std::string, int> before, after;
  std::ifstream dec(work + "/decisions.txt");
  for (std::string line; std::getline(dec, line);) {
    const size_t a = line.find('|'), b = line.find('|', a + 1);
    ++(std::stoll(line.substr(0, a)) < swap_ms ? before : after)[line.substr(a + 1, b - a - 1)];
  }
  EXPECT_EQ(before.size(), 2u);
  EXPECT_GT(before["BTCUSDT-PERP"], 0);
  EXPECT_GT(before["SOLUSDT"], 0);
  EXPECT_EQ(after.size(), 2u);
  EXPECT_GT(after["BTCUSDT-PERP"], 0);
  EXPECT_GT(after["DOGEUSDT"], 0);

  // Trades: DOGE traded, every entry from the swap's bar on; nothing else traded.
  auto d = storage::OpenDatabase(db);
  ASSERT_TRUE(d.ok()) << d.error().message;
  auto trades = live::ReadTrades(**d, live::TradeBook::kLive);
  ASSERT_TRUE(trades.ok()) << trades.error().message;
  EXPECT_GT(trades->size(), 0u) << "DOGE's zero-cost champion should trade once selected";
  EXPECT_EQ(static_cast<int64_t>(trades->size()), loop["report"]["trades_logged"].get<int64_t>());
  for (const auto& t : *trades) {
    EXPECT_EQ(t.symbol, "DOGEUSDT") << t.trade_id;
    const size_t a = t.trade_id.find('|'), b = t.trade_id.rfind('|');
    EXPECT_GE(*data::ParseIsoUtc(t.trade_id.substr(a + 1, b - a - 1)), swap_ms) << t.trade_id;
  }

  // The audit: the operator's two commands ran, the stranger's was refused.
  auto rows = (*d)->Query("SELECT chat_id, command, args, result FROM control_audit ORDER BY at");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  std::vector<std::string> audit;
  for (const auto& x : rows->rows)
    audit.push_back(x.Text(0).value_or("") + "|" + x.Text(1).value_or("") + "|" + x.Text(2).value_or("") + "|" +
                    x.Text(3).value_or(""));
  std::sort(audit.begin(), audit.end());
  EXPECT_EQ(audit, (std::vector<std::string>{"111|/status||ok", "111|/trade|2|ok",
                                             "999|/trade|5|refused: chat not allowed (@mallory)"}));
}

}  // namespace
}  // namespace huracan
