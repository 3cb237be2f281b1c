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

TEST(TelegramOutage, TheLiveLoopTradesOnTimeAndTheBotPushesTheQueuedAlertWhenItIsBack) {
  HURACAN_REQUIRE_NODE();
  SampleMarket market;
  // The replay folder: 3 days of history before kFrom (the warm-up) to kTo, DOGE's bad bar in it.
  const std::string replay = market.dir + "/outage-replay";
  fs::create_directories(replay);
  const int64_t from = *data::ParseIsoUtc(kFrom), to = *data::ParseIsoUtc(kTo), bad = *data::ParseIsoUtc(kBadBar);
  for (const auto& [symbol, file] : market.files) {
    auto bars = data::LoadBars(file);
    ASSERT_TRUE(bars.ok()) << file;
    data::BarSeries cut = bars->slice(data::FirstAtOrAfter(bars->ts_ms, from - 3 * 1440 * 60'000LL),
                                      data::FirstAtOrAfter(bars->ts_ms, to + 60'000));
    if (symbol == "DOGEUSDT") {
      const size_t i = data::FirstAtOrAfter(cut.ts_ms, bad);
      ASSERT_EQ(cut.ts_ms[i], bad);
      for (double* p : {&cut.open[i], &cut.high[i], &cut.low[i], &cut.close[i]}) *p *= 1000;
    }
    std::ofstream(replay + "/" + fs::path(file).stem().string() + ".csv") << data::BarsToCsv(cut);
  }
  const std::string span = std::string("--from ") + kFrom + " --to " + kTo;
  const std::string base_db = market.dir + "/outage-base.db", db = market.dir + "/outage.db";
  auto base = market.Huracan("live --mode shadow --replay " + ShellQuote(replay) + " " + span +
                             " --speed max --symbols SOLUSDT,DOGEUSDT --archive " + ShellQuote(market.archive) +
                             " --db " + ShellQuote(base_db));
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const std::vector<TradeRecord> want = ShadowTrades(base_db);
  ASSERT_GT(want.size(), 0u) << "the zero-cost champions should trade in the span";

  auto r = huracan::testing::RunCommand(
      "node " + ShellQuote(huracan::testing::JsDir() + "/live_telegram_outage.mjs") + " " +
      ShellQuote(huracan::testing::HuracanBinary()) + " " + ShellQuote(market.dir) + " " + ShellQuote(replay) + " " +
      ShellQuote(market.archive) + " " + ShellQuote(db) + " " + kFrom + " " + kTo + " " + kSpeed + " " + kBadBar);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::printf("%s", r.out.c_str());
  std::ifstream in(market.dir + "/outage.json");
  const nlohmann::json figures = nlohmann::json::parse(in);
  const nlohmann::json base_report = nlohmann::json::parse(base.out);
  EXPECT_EQ(figures["report"]["bar_times"], base_report["bar_times"]);
  EXPECT_EQ(ShadowTrades(db), want) << "Telegram's outage changed the trades";
}

}  // namespace
}  // namespace huracan::live
