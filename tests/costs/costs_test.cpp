#include <gtest/gtest.h>

#include <cmath>

#include "costs/cost_model.h"
#include "costs/cost_presets.h"
#include "costs/guardrails.h"

namespace huracan::costs {
namespace {

CostConfig PerpConfig() {
  CostConfig c = CostConfig::ForSymbol("BTC-USDT-PERP");
  c.spread_floor_bps = 1.0;
  c.slippage_k = 1.0;
  c.notional = 1000;
  c.funding_bps_per_8h = 1.0;
  c.net_edge_floor_bps = 2.0;
  return c;
}

MarketSnapshot Snap() {
  return MarketSnapshot{
      .price = 100, .spread_bps = 4, .sigma_bar_bps = 10, .adv_quote = 1e8, .bars_per_day = 1440, .perp = true};
}

TEST(CostModel, NumbersByHand) {
  CostModel m(PerpConfig());
  EXPECT_EQ(m.config().taker_fee_bps, 5.0);
  // sigma_daily = 10*sqrt(1440); sqrt(1000/1e8) -> 10*sqrt(1440e-5) = 10*0.12 = 1.2 bps per side.
  EXPECT_NEAR(m.SlippageBpsPerSide(Snap()), 1.2, 1e-12);
  CostBreakdown rt = m.RoundTrip(Snap(), 60);
  EXPECT_DOUBLE_EQ(rt.fees_bps, 10.0);
  EXPECT_DOUBLE_EQ(rt.spread_bps, 4.0);
  EXPECT_NEAR(rt.slippage_bps, 2.4, 1e-12);
  EXPECT_DOUBLE_EQ(rt.funding_bps, 0.125);  // 1 bps per 8h over 60 min
  EXPECT_NEAR(m.round_trip_cost_bps(Snap(), 60), 16.525, 1e-12);
  EXPECT_NEAR(m.NetEdge(-20.0, Snap(), 60), 3.475, 1e-12);
  EXPECT_TRUE(m.ShouldTrade(-20.0, Snap(), 60));
  EXPECT_FALSE(m.ShouldTrade(18.0, Snap(), 60));  // net 1.475 < floor 2
  // Spot: no funding; default spot fees 7.5 per side.
  MarketSnapshot spot = Snap();
  spot.perp = false;
  CostModel s(CostConfig::ForSymbol("SOL-USDT"));
  EXPECT_DOUBLE_EQ(s.RoundTrip(spot, 60).funding_bps, 0.0);
  EXPECT_DOUBLE_EQ(s.RoundTrip(spot, 60).fees_bps, 15.0);
}

TEST(CostModel, SpreadFloorSlippageCapAndMakerEntry) {
  CostConfig c = PerpConfig();
  c.maker_entry = true;
  c.max_slippage_bps = 30;
  CostModel m(c);
  MarketSnapshot snap = Snap();
  snap.spread_bps = 0.3;
  EXPECT_DOUBLE_EQ(m.SpreadBps(snap), 1.0);
  snap.spread_bps = std::nan("");
  EXPECT_DOUBLE_EQ(m.SpreadBps(snap), 1.0);
  snap.adv_quote = 0;  // unknown liquidity: the cap
  EXPECT_DOUBLE_EQ(m.SlippageBpsPerSide(snap), 30.0);
  snap.adv_quote = 1.0;  // tiny ADV: capped too
  EXPECT_DOUBLE_EQ(m.SlippageBpsPerSide(snap), 30.0);
  EXPECT_DOUBLE_EQ(m.RoundTrip(Snap(), 0).fees_bps, 2.0 + 5.0);
}

TEST(CostModel, LotRounding) {
  CostConfig c = PerpConfig();
  c.qty_step = 0.01;
  c.min_notional = 5;
  CostModel m(c);
  auto q = m.RoundQuantity(1000, 333);
  ASSERT_TRUE(q.ok());
  EXPECT_NEAR(*q, 3.0, 1e-12);                 // 3.003 rounded down
  EXPECT_FALSE(m.RoundQuantity(4, 100).ok());  // value 4 < 5
  c.qty_step = 0.1;
  EXPECT_FALSE(CostModel(c).RoundQuantity(6, 100).ok());  // 0.06 rounds to 0
  EXPECT_FALSE(m.RoundQuantity(100, 0).ok());
  CostConfig bad = c;
  bad.notional = -1;
  EXPECT_FALSE(bad.Validate().ok());
  EXPECT_TRUE(c.Validate().ok());
}

Candidate Good(Direction d = Direction::kBuy, bool perp = true) {
  return Candidate{.symbol = "ETH-USDT-PERP",
                   .bar_close_ms = 1'000'000,
                   .direction = d,
                   .perp = perp,
                   .spread_bps = 3,
                   .net_edge_bps = 5,
                   .net_edge_floor_bps = 2,
                   .min_notional_ok = true};
}

TEST(Guardrails, EachRejectionIsCountedByReason) {
  GuardrailConfig cfg;
  cfg.max_open_positions = 1;
  const int64_t now = 1'000'000;
  {
    Guardrails g(cfg);
    Selector s;
    s.block.insert("ETH-USDT-PERP");
    g.SetSelector(s);
    EXPECT_EQ(g.Check(Good(), now), reason::kBlocked);
  }
  Guardrails g(cfg);
  EXPECT_EQ(g.Check(Good(), now + cfg.stale_after_ms + 1), reason::kStaleData);
  Candidate c = Good();
  c.spread_bps = 31;
  EXPECT_EQ(g.Check(c, now), reason::kSpreadTooWide);
  c = Good();
  c.net_edge_bps = 1.9;
  EXPECT_EQ(g.Check(c, now), reason::kNetEdgeBelowFloor);
  c = Good();
  c.min_notional_ok = false;
  EXPECT_EQ(g.Check(c, now), reason::kBelowMinNotional);
  EXPECT_EQ(g.Check(Good(Direction::kSell, /*perp=*/false), now), reason::kShortNotAllowed);
  // Accepted, then the same direction again is a duplicate.
  EXPECT_EQ(g.Check(Good(), now), "");
  EXPECT_EQ(g.Check(Good(), now + 60'000), reason::kDuplicate);
  // Position open in the same direction.
  g.OnPositionOpened("ETH-USDT-PERP", Direction::kBuy, now);
  EXPECT_EQ(g.position("ETH-USDT-PERP"), Direction::kBuy);
  c = Good();
  c.bar_close_ms = now + cfg.dedup_ms + 1;
  EXPECT_EQ(g.Check(c, c.bar_close_ms), reason::kPositionOpen);
  // Another symbol while the portfolio is full.
  c = Good();
  c.symbol = "SOL-USDT-PERP";
  EXPECT_EQ(g.Check(c, now), reason::kMaxOpenPositions);
  // After the close: cooldown.
  g.OnPositionClosed("ETH-USDT-PERP", now + 120'000, 1.0);
  EXPECT_EQ(g.open_positions(), 0);
  c = Good(Direction::kSell);
  c.bar_close_ms = now + 180'000;
  EXPECT_EQ(g.Check(c, now + 180'000), reason::kCooldown);
  const auto& r = g.rejections();
  for (auto why : {reason::kStaleData, reason::kSpreadTooWide, reason::kNetEdgeBelowFloor, reason::kBelowMinNotional,
                   reason::kShortNotAllowed, reason::kDuplicate, reason::kPositionOpen, reason::kMaxOpenPositions,
                   reason::kCooldown})
    EXPECT_EQ(r.at(std::string(why)), 1) << why;
}

TEST(Guardrails, KillSwitches) {
  GuardrailConfig cfg;
  cfg.capital = 10'000;
  cfg.cooldown_ms = 0;
  cfg.dedup_ms = 0;
  const int64_t day0 = 20'000 * 86'400'000LL;
  {
    // Symbol daily loss: -250 > 2% of 10k; tomorrow it is lifted.
    Guardrails g(cfg);
    g.OnPositionOpened("ETH-USDT-PERP", Direction::kBuy, day0);
    g.OnPositionClosed("ETH-USDT-PERP", day0 + 1000, -250);
    Candidate c = Good();
    c.bar_close_ms = day0 + 5000;
    EXPECT_EQ(g.Check(c, day0 + 5000), reason::kSymbolDailyLoss);
    c.bar_close_ms = day0 + 86'400'000;
    EXPECT_EQ(g.Check(c, c.bar_close_ms), "");
  }
  {
    // Symbol drawdown over several days (no single day breaches 2%): 5% from peak trips it.
    Guardrails g(cfg);
    int64_t t = day0;
    for (int i = 0; i < 4; ++i, t += 86'400'000) {
      g.OnPositionOpened("ETH-USDT-PERP", Direction::kBuy, t);
      g.OnPositionClosed("ETH-USDT-PERP", t + 1, -150);
    }
    Candidate c = Good();
    c.bar_close_ms = t;
    EXPECT_EQ(g.Check(c, t), reason::kSymbolDrawdown);
    c.bar_close_ms = t + 2 * 86'400'000;  // re-armed after drawdown_rearm_ms
    EXPECT_EQ(g.Check(c, c.bar_close_ms), "");
  }
  {
    // Portfolio daily loss from two symbols, each under its own limit.
    Guardrails g(cfg);
    g.OnPositionOpened("A-USDT", Direction::kBuy, day0);
    g.OnPositionClosed("A-USDT", day0 + 1, -160);
    g.OnPositionOpened("B-USDT", Direction::kBuy, day0);
    g.OnPositionClosed("B-USDT", day0 + 2, -160);
    Candidate c = Good();
    c.symbol = "C-USDT-PERP";
    c.bar_close_ms = day0 + 10;
    EXPECT_EQ(g.Check(c, day0 + 10), reason::kPortfolioDailyLoss);
    EXPECT_EQ(g.rejections().at("portfolio_daily_loss"), 1);
  }
  {
    GuardrailConfig pc = cfg;
    pc.portfolio_drawdown_frac = 0.04;
    pc.portfolio_daily_loss_frac = 0.5;
    Guardrails g(pc);
    for (const char* s : {"A-USDT", "B-USDT", "C-USDT"}) {
      g.OnPositionOpened(s, Direction::kBuy, day0);
      g.OnPositionClosed(s, day0 + 1, -150);
    }
    Candidate c = Good();
    c.symbol = "D-USDT-PERP";
    EXPECT_EQ(g.Check(c, c.bar_close_ms = day0 + 10), reason::kPortfolioDrawdown);
  }
}

TEST(Selector, AllowBlockTopN) {
  auto s =
      ParseSelectorJson(R"({"allow":["X-USDT"],"block":["B-USDT"],"ranked":["A-USDT","B-USDT","C-USDT"],"top_n":2})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->Allows("A-USDT"));
  EXPECT_FALSE(s->Allows("B-USDT"));  // blocked even though ranked
  EXPECT_FALSE(s->Allows("C-USDT"));  // outside the top 2
  EXPECT_TRUE(s->Allows("X-USDT"));   // allowlist
  Selector open;
  EXPECT_TRUE(open.Allows("ANY"));
  EXPECT_FALSE(ParseSelectorJson(R"({"alow":[]})").ok());
  EXPECT_FALSE(ParseSelectorJson(R"({"top_n":-1})").ok());
}

TEST(CostPresets, EachPresetResolvesToItsPublishedFigures) {
  auto cfg = [](const std::string& name, const std::string& symbol) {
    auto f = LoadCosts(name);
    EXPECT_TRUE(f.ok()) << name << ": " << (f.ok() ? "" : f.error().message);
    EXPECT_TRUE(name == kDefaultCostsPreset || !f->source.empty()) << name << " names no source";
    return f->overrides.ForSymbol(symbol);
  };
  const CostConfig spot = cfg("binance-spot-taker", "SOLUSDT");
  EXPECT_EQ(spot.taker_fee_bps, 10.0);
  EXPECT_EQ(spot.maker_fee_bps, 10.0);
  EXPECT_FALSE(spot.maker_entry);
  const CostConfig vip = cfg("binance-spot-vip-maker", "SOLUSDT");
  EXPECT_EQ(vip.maker_fee_bps, 4.2);
  EXPECT_EQ(vip.taker_fee_bps, 6.0);
  EXPECT_TRUE(vip.maker_entry);
  for (const char* name : {"binance-usdm-taker", "binance-usdm-maker"}) {
    const CostConfig c = cfg(name, "BTCUSDT-PERP");
    EXPECT_EQ(c.maker_fee_bps, 2.0) << name;
    EXPECT_EQ(c.taker_fee_bps, 5.0) << name;
    EXPECT_EQ(c.maker_entry, std::string(name) == "binance-usdm-maker") << name;
  }
  const CostConfig zero = cfg("zero", "BTCUSDT-PERP");
  for (double v : {zero.taker_fee_bps, zero.maker_fee_bps, zero.spread_floor_bps, zero.slippage_k,
                   zero.max_slippage_bps, zero.funding_bps_per_8h})
    EXPECT_EQ(v, 0.0);
  // Only the bar's own spread estimate is left (4 bps here: half on each side).
  EXPECT_EQ(CostModel(zero).round_trip_cost_bps(Snap(), 60), Snap().spread_bps);
  MarketSnapshot no_spread = Snap();
  no_spread.spread_bps = std::nan("");
  EXPECT_EQ(CostModel(zero).round_trip_cost_bps(no_spread, 60), 0.0);
  // default: today's per-symbol defaults, untouched.
  const CostConfig def = cfg("default", "BTCUSDT-PERP");
  EXPECT_EQ(def.taker_fee_bps, CostConfig::ForSymbol("BTCUSDT-PERP").taker_fee_bps);
  EXPECT_EQ(def.maker_fill_bars, 3);
  EXPECT_EQ(def.maker_trade_through_bps, 1.0);
  // Keys missing from a preset keep the symbol's default.
  EXPECT_EQ(zero.notional, CostConfig::ForSymbol("BTCUSDT-PERP").notional);
  for (const auto& name : CostPresetNames()) EXPECT_TRUE(IsCostPreset(name));
  EXPECT_EQ(CostPresetNames().size(), 6u);
}

TEST(CostPresets, ABadFileIsRefusedNamingTheFileAndTheKey) {
  auto err = [](const std::string& text) {
    auto r = ParseCostsJson(text, "my.json");
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  auto has = [](const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; };
  std::string m = err(R"({"taker_fees_bps": 1})");
  EXPECT_TRUE(has(m, "my.json") && has(m, "taker_fees_bps") && has(m, "unknown key")) << m;
  m = err(R"({"maker_fee_bps": "2"})");
  EXPECT_TRUE(has(m, "my.json") && has(m, "maker_fee_bps") && has(m, "expected a number")) << m;
  m = err(R"({"slippage_k": -0.5})");
  EXPECT_TRUE(has(m, "my.json") && has(m, "slippage_k") && has(m, ">= 0")) << m;
  m = err(R"({"notional": 0})");
  EXPECT_TRUE(has(m, "notional") && has(m, "> 0")) << m;
  m = err(R"({"entry": "limit"})");
  EXPECT_TRUE(has(m, "entry") && has(m, "maker")) << m;
  m = err(R"({"maker_fill_bars": 0})");
  EXPECT_TRUE(has(m, "maker_fill_bars") && has(m, ">= 1")) << m;
  m = err(R"({"maker_fill_bars": 2.5})");
  EXPECT_TRUE(has(m, "maker_fill_bars") && has(m, "integer")) << m;
  m = err(R"({"source": 3})");
  EXPECT_TRUE(has(m, "source")) << m;
  m = err(R"([1, 2])");
  EXPECT_TRUE(has(m, "my.json")) << m;
  m = err("{");
  EXPECT_TRUE(has(m, "my.json")) << m;
  auto none = LoadCosts("/nonexistent/costs.json");
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(has(none.error().message, "/nonexistent/costs.json")) << none.error().message;
  // A valid file: only the keys it names are set; `source` is ignored.
  auto ok = ParseCostsJson(R"({"source": "x", "taker_fee_bps": 3, "entry": "maker", "maker_fill_bars": 2,
                              "maker_trade_through_bps": 0.5, "net_edge_floor_bps": -1})",
                           "my.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->source, "x");
  const CostConfig c = ok->overrides.ForSymbol("SOLUSDT");
  EXPECT_EQ(c.taker_fee_bps, 3.0);
  EXPECT_EQ(c.maker_fee_bps, 7.5);
  EXPECT_TRUE(c.maker_entry);
  EXPECT_EQ(c.maker_fill_bars, 2);
  EXPECT_EQ(c.maker_trade_through_bps, 0.5);
  EXPECT_EQ(c.net_edge_floor_bps, -1.0);
}

TEST(CostPresets, TheResolvedJsonReadsBackAsTheSameConfig) {
  CostConfig c = CostConfig::ForSymbol("BTCUSDT-PERP");
  c.maker_entry = true;
  c.maker_fill_bars = 5;
  c.qty_step = 0.001;
  auto back = ParseCostsJson(CostConfigToJson(c).dump(), "show");
  ASSERT_TRUE(back.ok()) << back.error().message;
  const CostConfig d = back->overrides.ForSymbol("SOLUSDT");
  EXPECT_EQ(CostConfigToJson(d), CostConfigToJson(c));
  for (const auto& f : CostNumberFields()) EXPECT_TRUE(CostConfigToJson(c).contains(f.name)) << f.name;
}

}  // namespace
}  // namespace huracan::costs
