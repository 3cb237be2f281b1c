#include "meta/combiner.h"

#include <gtest/gtest.h>

#include <numeric>

namespace huracan::meta {
namespace {

MetaCombiner Make(MetaConfig cfg = {}) {
  auto m = MetaCombiner::Create(cfg, {"zeta", "alpha", "mid"});
  EXPECT_TRUE(m.ok());
  return std::move(m).value();
}

double Sum(const std::vector<double>& w) { return std::accumulate(w.begin(), w.end(), 0.0); }

TEST(Meta, PriorWeightsAreEqualAndSorted) {
  MetaCombiner m = Make();
  ASSERT_EQ(m.stats().size(), 3u);
  EXPECT_EQ(m.stats()[0].id, "alpha");
  EXPECT_EQ(m.stats()[2].id, "zeta");
  for (double w : m.weights()) EXPECT_NEAR(w, 1.0 / 3, 1e-12);
}

TEST(Meta, ClipAndNormaliseRespectsBounds) {
  auto w = ClipAndNormalise({10, 1, 1, 1, 0}, 0.05, 0.4);
  EXPECT_NEAR(Sum(w), 1.0, 1e-12);
  EXPECT_NEAR(w[0], 0.4, 1e-12);
  EXPECT_NEAR(w[4], 0.05, 1e-12);
  for (double x : w) {
    EXPECT_GE(x, 0.05 - 1e-12);
    EXPECT_LE(x, 0.4 + 1e-12);
  }
  EXPECT_NEAR(w[1], (1 - 0.4 - 0.05) / 3, 1e-12);
  // Infeasible cap (2 * 0.4 < 1): plain normalisation.
  auto w2 = ClipAndNormalise({3, 1}, 0.0, 0.4);
  EXPECT_NEAR(w2[0], 0.75, 1e-12);
}

TEST(Meta, MinSamplesBeforeOwnRecordCounts) {
  MetaConfig cfg;
  cfg.min_samples = 5;
  cfg.max_weight = 0.9;
  cfg.min_weight = 0.0;
  MetaCombiner m = Make(cfg);
  for (int i = 0; i < 4; ++i) m.RecordOutcome("alpha", 50.0);
  for (double w : m.weights()) EXPECT_NEAR(w, 1.0 / 3, 1e-12);  // still the prior
  m.RecordOutcome("alpha", 50.0);
  EXPECT_GT(m.weight_of("alpha"), m.weight_of("mid"));
  EXPECT_NEAR(Sum(m.weights()), 1.0, 1e-12);
  // A losing engine sinks below the prior engines.
  for (int i = 0; i < 10; ++i) m.RecordOutcome("zeta", -30.0);
  EXPECT_LT(m.weight_of("zeta"), m.weight_of("mid"));
  EXPECT_FALSE(m.RecordOutcome("unknown", 1.0));
}

TEST(Meta, EmaUpdateByHand) {
  MetaConfig cfg;
  cfg.ema_alpha = 0.5;
  MetaCombiner m = Make(cfg);
  m.RecordOutcome("mid", 10.0);   // hit
  m.RecordOutcome("mid", -20.0);  // miss
  const EngineStats& st = m.stats()[1];
  EXPECT_EQ(st.samples, 2);
  EXPECT_DOUBLE_EQ(st.accuracy_ema, 0.5 * (0.5 * 0.5 + 0.5 * 1.0) + 0.5 * 0.0);  // 0.375
  EXPECT_DOUBLE_EQ(st.net_edge_ema_bps, 0.5 * (0.5 * 10.0) + 0.5 * -20.0);       // -7.5
}

TEST(Meta, CombineWeightsEdgeAndThresholdsDirection) {
  MetaConfig cfg;
  cfg.edge_threshold_bps = 5.0;
  cfg.confidence_threshold = 0.4;
  MetaCombiner m = Make(cfg);
  std::vector<Vote> votes = {{"alpha", Direction::kBuy, 20.0, 0.8, 30}, {"mid", Direction::kBuy, 10.0, 0.6, 60}};
  Combined c = m.Combine(votes);
  EXPECT_DOUBLE_EQ(c.edge_bps, 15.0);
  EXPECT_NEAR(c.confidence, 0.7, 1e-12);
  EXPECT_EQ(c.horizon_minutes, 45);
  EXPECT_EQ(c.direction, Direction::kBuy);
  // Disagreement lowers confidence below the threshold: no direction.
  votes.push_back({"zeta", Direction::kSell, -12.0, 0.9, 30});
  c = m.Combine(votes);
  EXPECT_NEAR(c.edge_bps, 6.0, 1e-12);
  EXPECT_NEAR(c.confidence, (0.8 + 0.6 - 0.9) / 3, 1e-12);
  EXPECT_EQ(c.direction, Direction::kWait);
  // Small edge: no direction either.
  std::vector<Vote> small = {{"alpha", Direction::kSell, -3.0, 0.9, 10}};
  EXPECT_EQ(m.Combine(small).direction, Direction::kWait);
  EXPECT_EQ(m.Combine(std::vector<Vote>{}).direction, Direction::kWait);
}

TEST(Meta, StateRoundTripsAndIsDeterministic) {
  MetaConfig cfg;
  cfg.min_samples = 2;
  MetaCombiner a = Make(cfg);
  MetaCombiner b = Make(cfg);
  for (int i = 0; i < 30; ++i) {
    const double x = (i % 7) - 2.5;
    a.RecordOutcome(i % 2 ? "alpha" : "zeta", x * 3);
    b.RecordOutcome(i % 2 ? "alpha" : "zeta", x * 3);
  }
  EXPECT_EQ(a.Save(), b.Save());
  auto back = MetaCombiner::Load(a.Save());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->Save(), a.Save());
  EXPECT_EQ(back->weights(), a.weights());
  EXPECT_FALSE(MetaCombiner::Load("{}").ok());
  std::string bad = a.Save();
  bad.replace(bad.find("ema_alpha"), 9, "ema_alphx");
  EXPECT_FALSE(MetaCombiner::Load(bad).ok());
}

TEST(Meta, InvalidConfigRefused) {
  MetaConfig cfg;
  cfg.min_weight = 0.5;
  cfg.max_weight = 0.4;
  EXPECT_FALSE(MetaCombiner::Create(cfg, {"a"}).ok());
  EXPECT_FALSE(MetaCombiner::Create({}, {"a", "a"}).ok());
}

}  // namespace
}  // namespace huracan::meta
