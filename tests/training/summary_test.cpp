#include "training/summary.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::training {
namespace {

DailySummary Sample() {
  DailySummary s;
  s.date = "2025-11-08";
  s.run_id = "20251108";
  SymbolSummary a;
  a.symbol = "SOLUSDT";
  a.status = LedgerStatus::kDone;
  a.attempts = 2;
  a.retries = 1;
  a.has_outcome = true;
  a.outcome.symbol = "SOLUSDT";
  a.outcome.run_id = "20251108";
  a.outcome.model_id = "SOLUSDT@20251108T000000Z";
  a.outcome.promoted = true;
  a.outcome.champion_after = a.outcome.model_id;
  a.outcome.reason = "promoted: first model";
  a.outcome.oos.trades = 120;
  a.outcome.oos.hit_rate = 0.55;
  a.outcome.oos.net_bps = 3.25;
  a.outcome.oos.window = "W";
  a.outcome.contributors = {{"trend_ma", 0.4, 50, 40, 5.0, 0.6, 80}, {"macd", 0.3, 10, 0, 0, 0, 0}};
  SymbolSummary b;
  b.symbol = "DOGEUSDT";
  b.status = LedgerStatus::kTimeout;
  b.attempts = 2;
  b.retries = 1;
  b.error = "timed out after 1800 s; worker killed";
  SymbolSummary c;
  c.symbol = "BTCUSDT-PERP";
  c.status = LedgerStatus::kDone;
  c.attempts = 1;
  c.has_outcome = true;
  c.outcome.symbol = "BTCUSDT-PERP";
  c.outcome.champion_before = c.outcome.champion_after = "BTCUSDT-PERP@20251107T000000Z";
  c.outcome.reason = "rejected: beat_champion: ...";
  c.outcome.rejections = {{"engines_off", 300}, {"regime_illiquid", 100}};  // 0 OOS trades: why
  c.outcome.closest_engine = {{"engine", "pairs_spread"},
                              {"side", "long"},
                              {"signals", 57},
                              {"shrunk_edge_bps", 14.5},
                              {"round_trip_cost_bps", 20.0},
                              {"gap_bps", 5.5},
                              {"break_even_fee_bps", 2.02}};
  s.symbols = {c, b, a};
  return s;
}

TEST(Summary, TextNamesChangesReasonsNumbersAndFailures) {
  std::string t = FormatSummaryText(Sample());
  EXPECT_NE(t.find("Huracan daily training summary 2025-11-08 (run 20251108)"), std::string::npos) << t;
  EXPECT_NE(t.find("3 symbols: 2 done, 0 failed, 1 timed out; retries 2"), std::string::npos) << t;
  EXPECT_NE(t.find("Champions: 1 changed, 1 kept, 0 coins without a champion"), std::string::npos) << t;
  EXPECT_NE(t.find("SOLUSDT: champion CHANGED: (none) -> SOLUSDT@20251108T000000Z [after 1 retries]"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("BTCUSDT-PERP: champion KEPT: BTCUSDT-PERP@20251107T000000Z"), std::string::npos) << t;
  EXPECT_NE(t.find("why: rejected: beat_champion"), std::string::npos) << t;
  EXPECT_NE(t.find("no OOS trade; bars by reason: engines_off 75%, regime_illiquid 25%\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("bars by reason"), t.rfind("bars by reason")) << "only the coin without trades says why: " << t;
  EXPECT_NE(t.find("closest engine (latest OOS window): pairs_spread long, 57 signals, edge 14.50 bps vs cost + "
                   "floor 20.00 bps, break-even fee 2.02 bps/side\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("closest engine"), t.rfind("closest engine")) << "only the coin without trades names it: " << t;
  EXPECT_NE(t.find("120 trades, hit rate 55.0%, net edge +3.25 bps/trade"), std::string::npos) << t;
  EXPECT_NE(t.find("top engines: trend_ma (w 0.40, +5.00 bps, 40 trades)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("1. SOLUSDT  +3.25 bps x 120 trades = +390 bps"), std::string::npos) << t;
  EXPECT_NE(t.find("- DOGEUSDT: timeout after 2 attempts: timed out after 1800 s; worker killed"), std::string::npos)
      << t;
}

TEST(Summary, JsonRoundTripsThroughTheArchive) {
  std::string dir = huracan::testing::MakeTempDir("summary");
  auto store = storage::OpenObjectStore(dir);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(WriteDailySummary(**store, Sample()).ok());
  auto back = ReadDailySummary(**store, "20251108");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(FormatSummaryText(*back), FormatSummaryText(Sample()));
  auto j = Sample().ToJson();
  EXPECT_EQ(j["totals"]["timeout"], 1);
  EXPECT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["top_contributors"][0]["symbol"], "SOLUSDT");
  EXPECT_FALSE(ReadDailySummary(**store, "2025-11-09").ok());
  EXPECT_FALSE(NormaliseDate("2025-13-01").ok());
  EXPECT_EQ(*NormaliseDate("20251108"), "2025-11-08");
  EXPECT_EQ(RunDate("20251108", 0), "2025-11-08");
  EXPECT_EQ(RunDate("nightly", 1762567200000), "2025-11-08");
}

TEST(Summary, BuiltFromLedgerAndModelsRows) {
  std::string dir = huracan::testing::MakeTempDir("summary_db");
  auto db = storage::OpenDatabase(dir + "/h.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  auto& d = **db;
  ASSERT_TRUE(d.Exec("INSERT INTO run_ledger (run_id, symbol, status, attempts, error) VALUES "
                     "('r1','AUSDT','done',1,NULL), ('r1','BUSDT','failed',3,'boom'), ('r2','CUSDT','done',1,NULL)")
                  .ok());
  CoinOutcome o;
  o.symbol = "AUSDT";
  o.run_id = "r1";
  o.model_id = "AUSDT@20251108T000000Z";
  o.reason = "rejected: psr: ...";
  ASSERT_TRUE(
      d.Exec("INSERT INTO models (model_id, kind, created_at, params, symbol) VALUES (?, 'challenger', 'x', ?, ?)",
             {o.model_id, o.ToJson().dump(), "AUSDT"})
          .ok());
  auto s = BuildDailySummary(d, "r1", "2025-11-08", 0);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->symbols.size(), 2u);
  EXPECT_TRUE(s->symbols[0].has_outcome);
  EXPECT_EQ(s->symbols[0].champion_action(), "none");
  EXPECT_EQ(s->symbols[1].status, LedgerStatus::kFailed);
  EXPECT_EQ(s->symbols[1].retries, 2);
  EXPECT_EQ(s->symbols[1].error, "boom");
}

}  // namespace
}  // namespace huracan::training
