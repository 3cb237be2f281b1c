// Telegram goes away mid-run and comes back (issue 15, "Feeds: Telegram and the exchange feed go
// away and come back"): tests/js/live_telegram_outage.mjs runs `huracan live --telegram` against the
// fake Bot API, takes the fake away while the runner trades and brings it back; it checks that the
// bar time kept advancing, that the alert raised during the outage was pushed once Telegram was
// back and that the bot answers again. Here: the sample's zero-cost champions (so there are
// trades), a replay folder with one bad DOGE bar (its "degraded" alert falls in the outage), and
// the trades of the run, which must be those of the same replay without Telegram.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/catalog.h"
#include "data/csv.h"
#include "data/timestamps.h"
#include "live/sample_market.h"
#include "live/trade_log.h"
#include "storage/database.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;
using huracan::testing::ShellQuote;

constexpr char kFrom[] = "2025-10-25T00:00:00Z", kTo[] = "2025-10-25T10:00:00Z";
constexpr char kBadBar[] = "2025-10-25T02:30:00Z";  // DOGE's bar at 1,000 times its prices
constexpr char kSpeed[] = "6000";                   // 600 bars in 6 s

std::vector<TradeRecord> ShadowTrades(const std::string& db) {
  auto d = storage::OpenDatabase(db);
  EXPECT_TRUE(d.ok()) << db;
  if (!d.ok()) return {};
  auto rows = ReadTrades(**d, TradeBook::kShadow);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? *rows : std::vector<TradeRecord>{};
}

// A replay folder of the sample from 3 days before kFrom (the warm-up) to kTo in which each of
// `bad_bars` (symbol -> ISO time) is a bar at 1,000 times the symbol's prices; "" on failure.
std::string BadBarReplay(const SampleMarket& market, const std::vector<std::pair<std::string, std::string>>& bad_bars) {
  const std::string replay = market.dir + "/outage-replay";
  fs::create_directories(replay);
  const int64_t from = *data::ParseIsoUtc(kFrom), to = *data::ParseIsoUtc(kTo);
  for (const auto& [symbol, file] : market.files) {
    auto bars = data::LoadBars(file);
    EXPECT_TRUE(bars.ok()) << file;
    if (!bars.ok()) return "";
    data::BarSeries cut = bars->slice(data::FirstAtOrAfter(bars->ts_ms, from - 3 * 1440 * 60'000LL),
                                      data::FirstAtOrAfter(bars->ts_ms, to + 60'000));
    for (const auto& [bad_symbol, iso] : bad_bars) {
      if (bad_symbol != symbol) continue;
      const int64_t bad = *data::ParseIsoUtc(iso);
      const size_t i = data::FirstAtOrAfter(cut.ts_ms, bad);
      EXPECT_EQ(cut.ts_ms[i], bad);
      for (double* p : {&cut.open[i], &cut.high[i], &cut.low[i], &cut.close[i]}) *p *= 1000;
    }
    std::ofstream(replay + "/" + fs::path(file).stem().string() + ".csv") << data::BarsToCsv(cut);
  }
  return replay;
}

// Runs live_telegram_outage.mjs over BadBarReplay(bad_bars) from kFrom to kTo, with Telegram away
// for at least `min_outage_ms`; checks the run's bar times and trades against the same replay
// without Telegram (which must have trades when `expect_trades`) and returns the script's figures
// (null on failure).
nlohmann::json RunOutage(const std::vector<std::pair<std::string, std::string>>& bad_bars, const char* speed,
                         int min_outage_ms, bool expect_trades = true) {
  SampleMarket market;
  const std::string replay = BadBarReplay(market, bad_bars);
  if (replay.empty()) return nullptr;
  std::string bad_list;
  for (const auto& [symbol, iso] : bad_bars) bad_list += (bad_list.empty() ? "" : ",") + iso;
  const std::string span = std::string("--from ") + kFrom + " --to " + kTo;
  const std::string base_db = market.dir + "/outage-base.db", db = market.dir + "/outage.db";
  auto base = market.Huracan("live --mode shadow --replay " + ShellQuote(replay) + " " + span +
                             " --speed max --symbols SOLUSDT,DOGEUSDT --archive " + ShellQuote(market.archive) +
                             " --db " + ShellQuote(base_db));
  EXPECT_EQ(base.exit_code, 0) << base.err;
  const std::vector<TradeRecord> want = ShadowTrades(base_db);
  if (expect_trades) {
    EXPECT_GT(want.size(), 0u) << "the zero-cost champions should trade in the span";
  }

  auto r = huracan::testing::RunCommand("node " + ShellQuote(huracan::testing::JsDir() + "/live_telegram_outage.mjs") +
                                        " " + ShellQuote(huracan::testing::HuracanBinary()) + " " +
                                        ShellQuote(market.dir) + " " + ShellQuote(replay) + " " +
                                        ShellQuote(market.archive) + " " + ShellQuote(db) + " " + kFrom + " " + kTo +
                                        " " + speed + " " + bad_list + " " + std::to_string(min_outage_ms));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  if (r.exit_code != 0) return nullptr;
  std::printf("%s", r.out.c_str());
  std::ifstream in(market.dir + "/outage.json");
  const nlohmann::json figures = nlohmann::json::parse(in);
  const nlohmann::json base_report = nlohmann::json::parse(base.out);
  EXPECT_EQ(figures["report"]["bar_times"], base_report["bar_times"]);
  EXPECT_EQ(ShadowTrades(db), want) << "Telegram's outage changed the trades";
  return figures;
}

// The pushes that are alerts ("[kind] ..."), in the order Telegram took them.
std::vector<std::string> AlertPushes(const nlohmann::json& figures) {
  std::vector<std::string> out;
  for (const auto& p : figures["pushes"])
    if (p.get<std::string>().rfind('[', 0) == 0)
      out.push_back(p.get<std::string>().substr(0, p.get<std::string>().find(':')));
  return out;
}

TEST(TelegramOutage, TheLiveLoopTradesOnTimeAndTheBotPushesTheQueuedAlertWhenItIsBack) {
  HURACAN_REQUIRE_NODE();
  const nlohmann::json figures = RunOutage({{"DOGEUSDT", kBadBar}}, kSpeed, 1500);
  ASSERT_FALSE(figures.is_null());
  EXPECT_EQ(AlertPushes(figures), std::vector<std::string>{"[degraded] DOGEUSDT"});
}

// An outage of 15 s, twice the old 4-attempt window of a push: the alerts raised at its start
// (DOGE's bad bar at 00:45, SOL's at 01:30, about 2 and 4 s after the first bar) wait, and
// arrive after Telegram is back, in order, each once, and the bot, whose polls had backed off for
// up to 16 s, answers a /status sent at the return within 3 s of the first push (the push going
// through ends the polls' backoff). The replay runs at 1,500x (24 s) so the pushes (backoff capped
// at 5 s) and the reply arrive before it ends. The span's trades all come after these
// bad bars, so the run has none (the case above checks the trades).
TEST(TelegramOutage, AlertsRaisedEarlyInALongOutageArriveInOrderOnceWhenItIsBack) {
  HURACAN_REQUIRE_NODE();
  const nlohmann::json figures =
      RunOutage({{"DOGEUSDT", "2025-10-25T00:45:00Z"}, {"SOLUSDT", "2025-10-25T01:30:00Z"}}, "1500", 15000,
                /*expect_trades=*/false);
  ASSERT_FALSE(figures.is_null());
  EXPECT_GE(figures["outage_ms"].get<int64_t>(), 15000);
  EXPECT_EQ(AlertPushes(figures), (std::vector<std::string>{"[degraded] DOGEUSDT", "[degraded] SOLUSDT"}));
  EXPECT_LE(figures["status_replied_after_ms"].get<int64_t>(), figures["alert_pushed_after_ms"].get<int64_t>() + 3000);
}

// The outbox (docs/RELIABILITY.md, "Feeds go away and come back"): one shadow run of `replay` from
// kFrom to kTo at `speed` with `--telegram --state-dir STATE` through live_alert_outbox.mjs, the
// fake Bot API "up" or "down"; `kill_when`: a file whose appearance gets the run killed (-9), or
// "-". Returns the script's {code, signal, err, pushes} (null on failure).
nlohmann::json RunOutboxLive(const SampleMarket& market, const std::string& replay, const std::string& state,
                             const char* telegram, const std::string& kill_when, const char* speed) {
  const std::string out = market.dir + "/outbox-run.json";
  auto r = huracan::testing::RunCommand(
      "node " + ShellQuote(huracan::testing::JsDir() + "/live_alert_outbox.mjs") + " " +
      ShellQuote(huracan::testing::HuracanBinary()) + " " + ShellQuote(market.dir) + " " + ShellQuote(out) + " " +
      telegram + " " + ShellQuote(kill_when) + " --mode shadow --replay " + ShellQuote(replay) + " --from " + kFrom +
      " --to " + kTo + " --speed " + speed + " --symbols SOLUSDT,DOGEUSDT --archive " + ShellQuote(market.archive) +
      " --db " + ShellQuote(market.dir + "/outbox.db") + " --state-dir " + ShellQuote(state));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  if (r.exit_code != 0) return nullptr;
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

// The pushes that carry a degraded alert (fresh or from the previous run).
std::vector<std::string> DegradedPushes(const nlohmann::json& run) {
  std::vector<std::string> out;
  for (const auto& p : run["pushes"])
    if (p.get<std::string>().find("[degraded]") != std::string::npos) out.push_back(p.get<std::string>());
  return out;
}

// The one alert of the outbox at `path` (chat 111), as the next run must send it.
std::string OutboxAlertAsResent(const std::string& path) {
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << path;
  if (j.is_discarded()) return "";
  EXPECT_EQ(j["chats"].size(), 1u);
  EXPECT_EQ(j["chats"][0]["chat_id"], 111);
  EXPECT_EQ(j["chats"][0]["alerts"].size(), 1u);
  const nlohmann::json& a = j["chats"][0]["alerts"][0];
  const std::string at = a["at"].get<std::string>(), text = a["text"].get<std::string>();
  EXPECT_EQ(text.rfind("[degraded] DOGEUSDT", 0), 0u) << text;
  return "(from the previous run, " + at.substr(0, 10) + " " + at.substr(11, 5) + " UTC) " + text;
}

// The outbox in `state` holds one alert; the next run, with Telegram up, pushes it once, marked as
// from the previous run, and no other degraded alert, and removes the file.
void ExpectSentOnceByTheNextRun(const SampleMarket& market, const std::string& replay, const std::string& state) {
  const std::string outbox = state + "/alert_outbox.json";
  ASSERT_TRUE(fs::exists(outbox));
  const std::string resent = OutboxAlertAsResent(outbox);
  const nlohmann::json up = RunOutboxLive(market, replay, state, "up", "-", "max");
  ASSERT_FALSE(up.is_null());
  ASSERT_EQ(up["code"], 0) << up["err"];
  EXPECT_EQ(DegradedPushes(up), std::vector<std::string>{resent}) << up["err"];
  EXPECT_FALSE(fs::exists(outbox));
}

// A run that ends during an outage keeps its undelivered alert in STATE/alert_outbox.json; the
// next run with Telegram up sends it first, marked, once, and removes the file; a third run
// sends nothing again.
TEST(TelegramOutage, AnAlertLeftAtAStopDuringAnOutageIsSentOnceByTheNextRun) {
  HURACAN_REQUIRE_NODE();
  SampleMarket market;
  const std::string replay = BadBarReplay(market, {{"DOGEUSDT", kBadBar}});
  ASSERT_FALSE(replay.empty());
  const std::string state = market.dir + "/state", outbox = state + "/alert_outbox.json";
  const nlohmann::json down = RunOutboxLive(market, replay, state, "down", "-", "max");
  ASSERT_FALSE(down.is_null());
  ASSERT_EQ(down["code"], 0) << down["err"];
  EXPECT_NE(down["err"].get<std::string>().find("1 alert(s) not delivered to chat 111 at shutdown: kept in " + outbox),
            std::string::npos)
      << down["err"];
  ExpectSentOnceByTheNextRun(market, replay, state);
  if (::testing::Test::HasFatalFailure()) return;

  const nlohmann::json again = RunOutboxLive(market, replay, state, "up", "-", "max");
  ASSERT_FALSE(again.is_null());
  ASSERT_EQ(again["code"], 0) << again["err"];
  EXPECT_EQ(DegradedPushes(again), std::vector<std::string>{});
}

// kill -9 during an outage, after an alert was queued: the outbox was written when it was queued,
// and the next run delivers it.
TEST(TelegramOutage, AnAlertQueuedDuringAnOutageSurvivesAKill9) {
  HURACAN_REQUIRE_NODE();
  SampleMarket market;
  const std::string replay = BadBarReplay(market, {{"DOGEUSDT", "2025-10-25T00:45:00Z"}});
  ASSERT_FALSE(replay.empty());
  const std::string state = market.dir + "/state", outbox = state + "/alert_outbox.json";
  const nlohmann::json killed = RunOutboxLive(market, replay, state, "down", outbox, "1500");
  ASSERT_FALSE(killed.is_null());
  ASSERT_EQ(killed["signal"], "SIGKILL") << killed["err"];
  ExpectSentOnceByTheNextRun(market, replay, state);
}

}  // namespace
}  // namespace huracan::live
