#include "registry/promotion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "storage/database.h"
#include "storage/migrations.h"
#include "support/test_support.h"

namespace huracan::registry {
namespace {

ModelMetricsSummary Good(const std::string& id, double sharpe = 1.8) {
  ModelMetricsSummary m;
  m.model_id = id;
  m.trades = 120;
  m.days = 28;
  m.net_sharpe = sharpe;
  m.psr = 0.98;
  m.max_drawdown = 0.08;
  m.hit_rate = 0.54;
  m.net_bps = 6.5;
  m.cost_bps = 4.0;
  m.window = "2025-10-11/2025-11-08";
  return m;
}

TEST(Promotion, FirstModelPassingAbsoluteGatesIsPromoted) {
  PromotionDecision d = DecidePromotion(Good("BTC@2"), std::nullopt, PromotionRules{});
  EXPECT_TRUE(d.promote) << d.reason;
  EXPECT_TRUE(d.failed_rules.empty());
  EXPECT_EQ(d.from_model_id, "");
  EXPECT_EQ(d.to_model_id, "BTC@2");
  EXPECT_EQ(d.reason.rfind("promoted: first model", 0), 0u) << d.reason;
  EXPECT_TRUE(d.snapshot["champion"].is_null());
  EXPECT_EQ(d.snapshot["challenger"]["trades"], 120);
  EXPECT_EQ(d.snapshot["rules"]["min_trades"], 30);
}

TEST(Promotion, EachAbsoluteGateRejectsWithItsOwnReason) {
  PromotionRules rules;
  struct Case {
    const char* code;
    void (*spoil)(ModelMetricsSummary&);
    const char* text;
  };
  const Case cases[] = {
      {kRuleMinTrades, [](ModelMetricsSummary& m) { m.trades = 29; }, "29 OOS trades < 30 required"},
      {kRuleMinDays, [](ModelMetricsSummary& m) { m.days = 13.5; }, "13.5 OOS days < 14.0 required"},
      {kRulePsr, [](ModelMetricsSummary& m) { m.psr = 0.94; }, "PSR 0.940 < 0.950"},
      {kRuleDrawdown, [](ModelMetricsSummary& m) { m.max_drawdown = 0.31; }, "max drawdown 31.0% > limit 25.0%"},
      {kRuleFirstSharpe, [](ModelMetricsSummary& m) { m.net_sharpe = -0.2; },
       "first model's net Sharpe -0.200 is not above"},
      {kRuleInvalid, [](ModelMetricsSummary& m) { m.psr = std::nan(""); }, "challenger metrics hold NaN"},
  };
  for (const Case& c : cases) {
    ModelMetricsSummary m = Good("BTC@2");
    c.spoil(m);
    PromotionDecision d = DecidePromotion(m, std::nullopt, rules);
    EXPECT_FALSE(d.promote) << c.code;
    EXPECT_EQ(d.failed_rules, std::vector<std::string>{c.code}) << d.reason;
    EXPECT_EQ(d.reason.rfind("rejected: ", 0), 0u);
    EXPECT_NE(d.reason.find(std::string(c.code) + ": " + c.text), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("coin stays without a champion"), std::string::npos) << d.reason;
    EXPECT_NO_THROW((void)d.snapshot.dump());  // NaN is written as null, still valid JSON
  }
  // Several failures are all reported, in rule order.
  ModelMetricsSummary tiny = Good("BTC@2");
  tiny.trades = 3;
  tiny.days = 2;
  tiny.psr = 0.5;
  PromotionDecision d = DecidePromotion(tiny, std::nullopt, rules);
  EXPECT_EQ(d.failed_rules, (std::vector<std::string>{kRuleMinTrades, kRuleMinDays, kRulePsr}));
}

TEST(Promotion, ChallengerMustBeatChampionByMarginOnTheSameWindow) {
  PromotionRules rules;
  rules.sharpe_margin = 0.2;
  ModelMetricsSummary champ = Good("BTC@1", 1.5);
  PromotionDecision tie = DecidePromotion(Good("BTC@2", 1.7), champ, rules);  // 1.7 == 1.5 + 0.2: not a beat
  EXPECT_FALSE(tie.promote);
  EXPECT_EQ(tie.failed_rules, std::vector<std::string>{kRuleBeatChampion});
  EXPECT_NE(tie.reason.find("does not beat champion's 1.500 + margin 0.200"), std::string::npos) << tie.reason;
  EXPECT_NE(tie.reason.find("champion BTC@1 kept"), std::string::npos);
  EXPECT_EQ(tie.from_model_id, "BTC@1");

  PromotionDecision win = DecidePromotion(Good("BTC@2", 1.75), champ, rules);
  EXPECT_TRUE(win.promote) << win.reason;
  EXPECT_NE(win.reason.find("beats champion BTC@1"), std::string::npos);
  EXPECT_EQ(win.snapshot["champion"]["model_id"], "BTC@1");

  ModelMetricsSummary other_window = Good("BTC@2", 3.0);
  other_window.window = "2025-10-01/2025-10-29";
  PromotionDecision w = DecidePromotion(other_window, champ, rules);
  EXPECT_FALSE(w.promote);
  EXPECT_EQ(w.failed_rules, std::vector<std::string>{kRuleWindow});

  // A better Sharpe does not excuse a small sample ("no flip on a tiny sample").
  ModelMetricsSummary lucky = Good("BTC@2", 5.0);
  lucky.trades = 10;
  PromotionDecision l = DecidePromotion(lucky, champ, rules);
  EXPECT_FALSE(l.promote);
  EXPECT_EQ(l.failed_rules, std::vector<std::string>{kRuleMinTrades});
}

TEST(Promotion, RulesAreConfigurableAndValidated) {
  auto r = PromotionRules::FromJson({{"min_trades", 10}, {"min_days", 7}, {"sharpe_margin", 0.0}});
  ASSERT_TRUE(r.ok());
  ModelMetricsSummary m = Good("X@1");
  m.trades = 12;
  m.days = 8;
  EXPECT_TRUE(DecidePromotion(m, std::nullopt, *r).promote);
  EXPECT_FALSE(DecidePromotion(m, std::nullopt, PromotionRules{}).promote);
  auto unknown = PromotionRules::FromJson({{"min_trade", 10}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("min_trade"), std::string::npos);
  EXPECT_FALSE(PromotionRules::FromJson({{"min_psr", 1.5}}).ok());
  EXPECT_FALSE(PromotionRules::FromJson({{"max_drawdown", 0}}).ok());
  auto back = ModelMetricsSummary::FromJson(m.ToJson(), "metrics");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->trades, 12);
  EXPECT_EQ(back->window, m.window);
}

TEST(Promotion, MinDsrIsOffByDefaultAndGatesWhenSet) {
  ModelMetricsSummary m = Good("X@1");
  m.dsr = 0.2;
  PromotionDecision off = DecidePromotion(m, std::nullopt, PromotionRules{});
  EXPECT_TRUE(off.promote) << off.reason;
  EXPECT_FALSE(PromotionRules{}.ToJson().contains("min_dsr"));  // the training key stays as before

  auto rules = PromotionRules::FromJson({{"min_dsr", 0.9}});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->ToJson()["min_dsr"], 0.9);
  PromotionDecision low = DecidePromotion(m, std::nullopt, *rules);
  EXPECT_FALSE(low.promote);
  EXPECT_EQ(low.failed_rules, std::vector<std::string>{kRuleDsr});
  EXPECT_NE(low.reason.find("dsr: DSR 0.200 < 0.900"), std::string::npos) << low.reason;
  m.dsr = 0.9;  // the boundary passes
  PromotionDecision at = DecidePromotion(m, std::nullopt, *rules);
  EXPECT_TRUE(at.promote) << at.reason;
  EXPECT_NE(at.reason.find("DSR 0.900"), std::string::npos) << at.reason;
  m.dsr = 0.8999;
  EXPECT_FALSE(DecidePromotion(m, std::nullopt, *rules).promote);

  EXPECT_FALSE(PromotionRules::FromJson({{"min_dsr", 1.1}}).ok());
  EXPECT_FALSE(PromotionRules::FromJson({{"min_dsr", -0.1}}).ok());
  EXPECT_TRUE(PromotionRules::FromJson({{"min_dsr", 0}}).ok());
  EXPECT_TRUE(PromotionRules::FromJson({{"min_dsr", 1}}).ok());
}

TEST(Promotion, SummaryCarriesDsrAndOldJsonStillLoads) {
  ModelMetricsSummary m = Good("X@1");
  m.dsr = 0.77;
  auto back = ModelMetricsSummary::FromJson(m.ToJson(), "metrics");
  ASSERT_TRUE(back.ok());
  EXPECT_DOUBLE_EQ(back->dsr, 0.77);
  nlohmann::json old = m.ToJson();
  old.erase("dsr");
  auto old_back = ModelMetricsSummary::FromJson(old, "old metrics");
  ASSERT_TRUE(old_back.ok());
  EXPECT_EQ(old_back->dsr, 0.0);
  EXPECT_DOUBLE_EQ(old_back->psr, m.psr);
}

TEST(Promotion, DecisionsAndModelRowsGoToTheDatabaseOnce) {
  std::string dir = testing::MakeTempDir("promo");
  auto db = storage::OpenDatabase(dir + "/h.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  ModelMetricsSummary champ = Good("BTCUSDT@20251107T020000Z", 1.0);
  ModelMetricsSummary chall = Good("BTCUSDT@20251108T020000Z", 1.5);
  PromotionDecision d = DecidePromotion(chall, champ, PromotionRules{});
  ASSERT_TRUE(d.promote);
  ASSERT_TRUE(RecordDecision(**db, "BTCUSDT", d, 1762567200000).ok());
  ASSERT_TRUE(RecordDecision(**db, "BTCUSDT", d, 1762567200000).ok());  // a rerun: no duplicate
  auto rows = (*db)->Query("SELECT from_model_id, to_model_id, reason, at, snapshot, decision FROM promotions");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const auto& r = rows->rows[0];
  EXPECT_EQ(*r.String("from_model_id"), champ.model_id);
  EXPECT_EQ(*r.String("to_model_id"), chall.model_id);
  EXPECT_EQ(*r.String("reason"), d.reason);
  EXPECT_EQ(*r.String("at"), "2025-11-08T02:00:00.000Z");
  EXPECT_EQ(*r.String("decision"), "promotion");
  auto snap = nlohmann::json::parse(*r.String("snapshot"));
  EXPECT_EQ(snap["challenger"]["net_sharpe"], 1.5);
  EXPECT_EQ(snap["champion"]["net_sharpe"], 1.0);

  // A first-model rejection has a NULL from_model_id.
  ModelMetricsSummary weak = Good("ETHUSDT@20251108T020000Z");
  weak.trades = 5;
  ASSERT_TRUE(RecordDecision(**db, "ETHUSDT", DecidePromotion(weak, std::nullopt, {}), 1762567200000).ok());
  auto rej = (*db)->Query("SELECT from_model_id, decision FROM promotions WHERE symbol = ?", {"ETHUSDT"});
  ASSERT_EQ(rej->size(), 1u);
  EXPECT_TRUE(rej->rows[0].IsNull(0));
  EXPECT_EQ(*rej->rows[0].String("decision"), "rejection");

  ModelRow row;
  row.model_id = chall.model_id;
  row.parent_id = champ.model_id;
  row.kind = "challenger";
  row.created_at_ms = 1762567200000;
  row.s3_path = "challengers/BTCUSDT/20251108T020000Z/";
  row.features_used = {"ret_1", "rsi_14"};
  row.params = {{"engines", 23}};
  row.symbol = "BTCUSDT";
  ASSERT_TRUE(UpsertModel(**db, row).ok());
  row.kind = "champion";
  ASSERT_TRUE(UpsertModel(**db, row).ok());
  ASSERT_TRUE(UpsertModelMetrics(**db, chall, true).ok());
  ASSERT_TRUE(UpsertModelMetrics(**db, chall, true).ok());
  auto models = (*db)->Query("SELECT kind, features_used, params FROM models");
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ(*models->rows[0].String("kind"), "champion");
  EXPECT_EQ(nlohmann::json::parse(*models->rows[0].String("features_used")), row.features_used);
  auto metrics = (*db)->Query("SELECT sharpe, \"window\", promoted FROM model_metrics");
  ASSERT_EQ(metrics->size(), 1u);
  EXPECT_EQ(*metrics->rows[0].Double("sharpe"), 1.5);
  EXPECT_EQ(*metrics->rows[0].Int("promoted"), 1);
}

}  // namespace
}  // namespace huracan::registry
