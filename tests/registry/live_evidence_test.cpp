// The live-evidence gates: the pure verdict over per-trade net bps, the database query over
// shadow_trades / live_trades, and GateOnLiveEvidence on top of a backtest decision, with
// synthetic shadow trades that carry a planted edge after the split.
#include "registry/live_evidence.h"

#include <gtest/gtest.h>

#include <cmath>

#include "storage/database.h"
#include "storage/migrations.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {

constexpr int64_t kSplit = 1761350400000;  // 2025-10-25T00:00:00Z: the challenger starts here
constexpr int64_t kMin = 60'000;

// n trades of mean `edge` bps with a deterministic spread of about 10 bps.
std::vector<double> Trades(int n, double edge, double phase) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(edge + 10.0 * std::sin(phase + 2.1 * i));
  return out;
}

PromotionRules Gates(int64_t min_trades, double band) {
  PromotionRules r;
  r.live_min_trades = min_trades;
  r.live_net_bps_band = band;
  return r;
}

TEST(LiveEvidence, OffByDefaultAndOutOfTheRulesJson) {
  const PromotionRules off;
  EXPECT_FALSE(off.ToJson().contains("live_min_trades"));
  const LiveEvidenceVerdict v = DecideLiveEvidence({{}, Trades(50, 0, 0)}, off);
  EXPECT_FALSE(v.enabled);
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(LiveEvidenceDistance(v), "live gates off");
  const PromotionRules on = Gates(30, 2);
  auto back = PromotionRules::FromJson(on.ToJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->live_min_trades, 30);
  EXPECT_DOUBLE_EQ(back->live_net_bps_band, 2);
  EXPECT_FALSE(Gates(-1, 0).Validate().ok());
  EXPECT_FALSE(Gates(1, -1).Validate().ok());
}

TEST(LiveEvidence, CountsAndTheBandOfTheDifference) {
  const PromotionRules rules = Gates(30, 2);
  // Better live, enough trades: passes.
  LiveEvidenceVerdict v = DecideLiveEvidence({Trades(60, 5, 1), Trades(60, 0, 0)}, rules);
  EXPECT_TRUE(v.pass) << v.reason;
  EXPECT_GT(v.diff_lower_bps, -2);
  EXPECT_EQ(LiveEvidenceDistance(v), "live evidence enough for promotion");
  // The same edge, too few trades: the count gate.
  v = DecideLiveEvidence({Trades(10, 5, 1), Trades(60, 0, 0)}, rules);
  EXPECT_EQ(v.failed_rules, std::vector<std::string>{kRuleLiveTrades});
  EXPECT_EQ(v.trades_needed, 20);
  EXPECT_EQ(LiveEvidenceDistance(v).rfind("needs 20 more trades", 0), 0u) << LiveEvidenceDistance(v);
  // Worse live: the band gate, however many trades.
  v = DecideLiveEvidence({Trades(200, -5, 1), Trades(200, 0, 0)}, rules);
  EXPECT_EQ(v.failed_rules, std::vector<std::string>{kRuleLiveNetBps});
  EXPECT_GT(v.bps_short, 0);
  // Equal on average: not a point comparison. A zero band fails (the interval reaches below 0),
  // a band wider than the interval's half width passes.
  const LiveEvidence same{Trades(100, 1, 1), Trades(100, 1, 1)};
  EXPECT_FALSE(DecideLiveEvidence(same, Gates(30, 0)).pass);
  EXPECT_TRUE(DecideLiveEvidence(same, Gates(30, 5)).pass);
  // No champion trades in the period: the champion counts as 0 bps per trade.
  v = DecideLiveEvidence({Trades(40, 5, 1), {}}, rules);
  EXPECT_DOUBLE_EQ(v.champion_net_bps, 0);
  EXPECT_TRUE(v.pass) << v.reason;
  // No challenger trades at all never passes.
  EXPECT_FALSE(DecideLiveEvidence({{}, {}}, Gates(1, 100)).pass);
}

class LiveEvidenceDb : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = storage::OpenDatabase(huracan::testing::MakeTempDir("live-evidence") + "/h.db");
    ASSERT_TRUE(d.ok());
    db_ = std::move(d).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
  }
  // Closed trades of `model` (1000 quote each), one per 30 minutes from `from`.
  void Insert(const std::string& table, const std::string& model, bool challenger, const std::vector<double>& bps,
              int64_t from) {
    for (size_t i = 0; i < bps.size(); ++i) {
      const int64_t t = from + static_cast<int64_t>(i) * 30 * kMin;
      const std::string id = "SOLUSDT|" + storage::SqlTimestamp(t - 10 * kMin) + "|" + model;
      const std::string sql = "INSERT INTO " + table +
                              " (trade_id, time, symbol, side, size, entry, exit, fees, net_pnl, model_id" +
                              (table == "shadow_trades" ? ", challenger" : "") + ") VALUES (?, ?, 'SOLUSDT', 'long', " +
                              "1000, 1, 1, 0, ?, ?" + (table == "shadow_trades" ? ", ?" : "") + ")";
      std::vector<storage::SqlValue> args = {id, storage::SqlTimestamp(t), bps[i] * 1000 / 1e4, model};
      if (table == "shadow_trades") args.emplace_back(int64_t{challenger ? 1 : 0});
      ASSERT_TRUE(db_->Exec(sql, args).ok());
    }
  }
  // A backtest decision that promotes `id` (both challengers look better in their backtest).
  static PromotionDecision BacktestPass(const std::string& id) {
    ModelMetricsSummary champ, chall;
    champ.model_id = "SOLUSDT@champion";
    champ.trades = chall.trades = 200;
    champ.days = chall.days = 30;
    champ.psr = chall.psr = 0.99;
    champ.max_drawdown = chall.max_drawdown = 0.05;
    champ.window = chall.window = "W";
    champ.net_sharpe = 1.0;
    chall.net_sharpe = 2.0;
    chall.model_id = id;
    PromotionDecision d = DecidePromotion(chall, champ, PromotionRules{});
    EXPECT_TRUE(d.promote) << d.reason;
    return d;
  }
  std::unique_ptr<storage::Database> db_;
};

TEST_F(LiveEvidenceDb, PromotedOnceTheLiveEdgeHasEnoughTradesNotOnTheBacktestAlone) {
  // The champion: 10 days of trades before the split (a different regime: +8 bps) and flat after.
  Insert("live_trades", "SOLUSDT@champion", false, Trades(40, 8, 0.3), kSplit - 10 * 1440 * kMin);
  Insert("shadow_trades", "SOLUSDT@champion", false, Trades(80, 0, 0), kSplit);
  // Challenger A: the edge appears after the split (+6 bps). B: better only in its backtest.
  const std::vector<double> a = Trades(80, 6, 1), b = Trades(80, -4, 2);
  const PromotionRules rules = Gates(50, 1);

  // A with its first 20 trades: not yet enough evidence.
  Insert("shadow_trades", "SOLUSDT@A", true, std::vector<double>(a.begin(), a.begin() + 20), kSplit);
  auto early = GateOnLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@A", 0, rules, BacktestPass("SOLUSDT@A"));
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_FALSE(early->promote);
  EXPECT_EQ(early->failed_rules, std::vector<std::string>{kRuleLiveTrades});
  EXPECT_EQ(early->reason.rfind("rejected: live_min_trades", 0), 0u) << early->reason;
  EXPECT_EQ(early->snapshot["live"]["trades_needed"], 30);

  // A with all 80: promoted. The period starts at its first shadow trade: the champion's trades
  // before the split (the other regime) do not count.
  Insert("shadow_trades", "SOLUSDT@A", true, std::vector<double>(a.begin() + 20, a.end()), kSplit + 20 * 30 * kMin);
  auto ev = ReadLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@A", 0);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->challenger_bps.size(), 80u);
  EXPECT_EQ(ev->champion_bps.size(), 80u);
  auto late = GateOnLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@A", 0, rules, BacktestPass("SOLUSDT@A"));
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->promote) << late->reason;
  EXPECT_TRUE(late->snapshot["live"]["pass"].get<bool>());
  // A period given from before the split takes the champion's trades of the other regime too.
  auto since_before =
      GateOnLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@A", kSplit - 20 * 1440 * kMin, rules, BacktestPass("SOLUSDT@A"));
  ASSERT_TRUE(since_before.ok());
  EXPECT_EQ(since_before->snapshot["live"]["champion_trades"], 120);

  // B: as many trades, better only in its backtest: rejected on the band.
  Insert("shadow_trades", "SOLUSDT@B", true, b, kSplit);
  auto bd = GateOnLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@B", 0, rules, BacktestPass("SOLUSDT@B"));
  ASSERT_TRUE(bd.ok());
  EXPECT_FALSE(bd->promote);
  EXPECT_EQ(bd->failed_rules, std::vector<std::string>{kRuleLiveNetBps});

  // With the gates off the backtest decision comes back unchanged.
  const PromotionDecision plain = BacktestPass("SOLUSDT@B");
  auto off = GateOnLiveEvidence(*db_, "SOLUSDT", "SOLUSDT@B", 0, PromotionRules{}, plain);
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(off->promote);
  EXPECT_EQ(off->reason, plain.reason);
  EXPECT_EQ(off->snapshot, plain.snapshot);
}

}  // namespace
}  // namespace huracan::registry
