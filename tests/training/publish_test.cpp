// Stages 6-9 (archive, promotion, database) with a synthetic trained coin, including kill -9
// at each named stage followed by a rerun: nothing lost, nothing duplicated, pointer valid.
#include "training/publish.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <tuple>

#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "registry/live_evidence.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/test_support.h"
#include "training/sql_ledger.h"

namespace huracan::training {
namespace {

constexpr int64_t kDataEnd = 1762560000000;  // 2025-11-08T00:00:00Z

TrainedCoin MakeCoin(const std::string& symbol, const std::string& key, double sharpe) {
  TrainedCoin c;
  c.symbol = symbol;
  c.training_key = key;
  c.data_end_ms = kDataEnd;
  (void)c.bundle.model.Add("trend_ma", "params-of-" + key);
  c.bundle.config.symbol = symbol;
  c.bundle.config.feature_hash = "f00d";
  c.bundle.config.data_start_ms = kDataEnd - 86400000LL * 28;
  c.bundle.config.data_end_ms = kDataEnd;
  c.bundle.config.engines = {"trend_ma"};
  c.oos.trades = 120;
  c.oos.days = 20;
  c.oos.net_sharpe = sharpe;
  c.oos.psr = 0.99;
  c.oos.max_drawdown = 0.05;
  c.oos.hit_rate = 0.55;
  c.oos.net_bps = 3.5;
  c.oos.cost_bps = 6;
  c.oos.window = "W";
  c.contributors = {{"trend_ma", 1.0, 50, 120, 3.5, 0.55, 420}};
  c.features_used = {"ret_1"};
  return c;
}

// The champion's metrics on "the same window": what its bundle says, for this unit test.
Result<registry::ModelMetricsSummary> StubEvaluate(const registry::ModelBundle& b, const std::string& id) {
  auto m = registry::ModelMetricsSummary::FromJson(b.metrics.at("oos"), id);
  if (m.ok()) m->window = "W";
  return m;
}

struct Env {
  std::string dir = huracan::testing::MakeTempDir("publish");
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<storage::Database> db;
  WallClock clock;

  Env() { Open(); }
  void Open() {
    auto st = storage::OpenObjectStore(dir + "/archive");
    EXPECT_TRUE(st.ok());
    store = std::move(st).value();
    auto d = storage::OpenDatabase(dir + "/h.db");
    EXPECT_TRUE(d.ok());
    db = std::move(d).value();
    EXPECT_TRUE(storage::Migrate(*db).ok());
  }
  Result<CoinOutcome> Publish(const TrainedCoin& c, const std::string& run_id,
                              const registry::PromotionRules& rules = {}, const PromotionGate& gate = {},
                              const std::string& challenger_source = "") {
    PublishContext ctx;
    ctx.rules = rules;
    ctx.store = store.get();
    ctx.db = db.get();
    ctx.clock = &clock;
    ctx.run_id = run_id;
    ctx.gate = gate;
    ctx.challenger_source = challenger_source;
    ctx.max_challengers = 2;
    return PublishCoin(c, ctx, &StubEvaluate, nullptr);
  }
  int64_t Count(const std::string& sql) {
    auto r = db->Query(sql);
    EXPECT_TRUE(r.ok()) << sql;
    return r.ok() ? *r->rows[0].Int(0) : -1;
  }
};

TEST(Publish, FirstModelThenBetterThenWorse) {
  Env e;
  auto a = e.Publish(MakeCoin("SOLUSDT", "k1", 2.0), "20251108");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->promoted) << a->reason;
  EXPECT_EQ(a->model_id, "SOLUSDT@20251108T000000Z");
  EXPECT_EQ(a->champion_after, a->model_id);

  auto b = e.Publish(MakeCoin("SOLUSDT", "k2", 2.5), "20251109");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->model_id, "SOLUSDT@20251108T000001Z");  // same data end, another key: next slot
  EXPECT_TRUE(b->promoted) << b->reason;
  EXPECT_EQ(b->champion_before, a->model_id);

  auto c = e.Publish(MakeCoin("SOLUSDT", "k3", 2.55), "20251110");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->promoted);
  EXPECT_NE(c->reason.find("beat_champion"), std::string::npos) << c->reason;
  EXPECT_EQ(c->champion_after, b->model_id);

  auto p = registry::LoadChampion(*e.store, "SOLUSDT");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->entry.model_id, b->model_id);
  EXPECT_FALSE(p->fell_back);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM models"), 3);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM promotions"), 3);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM run_ledger WHERE status = 'done'"), 3);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM meta_weights WHERE symbol = 'SOLUSDT'"), 1);

  // Publishing the same run again reuses the stored bundle and adds nothing.
  auto again = e.Publish(MakeCoin("SOLUSDT", "k3", 9.9), "20251110");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->reused_bundle);
  EXPECT_EQ(again->model_id, c->model_id);
  EXPECT_DOUBLE_EQ(again->oos.net_sharpe, 2.55);  // the stored bundle's metrics, not the recomputation
  EXPECT_FALSE(again->promoted);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM models"), 3);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM promotions"), 3);
}

// The live-evidence gates in the daily run: a model better in its backtest is held back (and
// joins the challenger set) until its shadow trades beside the champion show the edge; a first
// model has nothing to be compared with; with the gates off nothing changes.
TEST(Publish, LiveGatesHoldBackAModelUntilItsShadowTradesShowTheEdge) {
  Env e;
  registry::PromotionRules rules;
  rules.live_min_trades = 20;
  rules.live_net_bps_band = 1;
  auto a = e.Publish(MakeCoin("SOLUSDT", "k1", 2.0), "20251108", rules);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->promoted) << a->reason;
  EXPECT_TRUE(a->challengers.empty());

  auto b = e.Publish(MakeCoin("SOLUSDT", "k2", 2.5), "20251109", rules);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_FALSE(b->promoted);
  EXPECT_EQ(b->failed_rules, (std::vector<std::string>{registry::kRuleLiveTrades, registry::kRuleLiveNetBps}));
  EXPECT_EQ(b->champion_after, a->model_id);
  auto set = registry::ReadChallengerSet(*e.store, "SOLUSDT");
  ASSERT_TRUE(set.ok() && set->has_value());
  ASSERT_EQ((*set)->challengers.size(), 1u);
  EXPECT_EQ((*set)->challengers[0].model_id, b->model_id);
  EXPECT_EQ((*set)->challengers[0].source, "daily");
  ASSERT_EQ(b->challengers.size(), 1u);
  EXPECT_EQ(b->challengers[0]["model_id"], b->model_id);
  EXPECT_EQ(b->challengers[0]["live"]["trades_needed"], 20);

  // Its shadow trades beside the champion: +5 bps against 0 over 30 trades each.
  for (int i = 0; i < 30; ++i)
    for (const auto& [model, flag, bps] : {std::tuple{b->model_id, 1, 5.0}, std::tuple{a->model_id, 0, 0.0}}) {
      const std::string t = storage::SqlTimestamp(kDataEnd + (i + 1) * 1800000LL);
      ASSERT_TRUE(e.db->Exec("INSERT INTO shadow_trades (trade_id, time, symbol, side, size, entry, exit, fees, "
                             "net_pnl, model_id, challenger) VALUES (?, ?, 'SOLUSDT', 'long', 1000, 1, 1, 0, ?, ?, ?)",
                             {"SOLUSDT|" + t + "|" + model, t, (bps + (i % 2 ? 3 : -3)) / 10, model, flag})
                      .ok());
    }
  // The same run again (the bundle is reused): now promoted on its live evidence.
  auto again = e.Publish(MakeCoin("SOLUSDT", "k2", 2.5), "20251109", rules);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->promoted) << again->reason;
  EXPECT_EQ(again->champion_after, b->model_id);
  set = registry::ReadChallengerSet(*e.store, "SOLUSDT");
  ASSERT_TRUE(set.ok() && set->has_value());
  EXPECT_TRUE((*set)->challengers.empty()) << "the promoted model leaves the set";

  // Gates off: a backtest-better model is promoted at once, and no challenger set is written.
  Env off;
  ASSERT_TRUE(off.Publish(MakeCoin("SOLUSDT", "k1", 2.0), "20251108").ok());
  auto c = off.Publish(MakeCoin("SOLUSDT", "k2", 2.5), "20251109");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->promoted);
  EXPECT_FALSE(c->ToJson().contains("challengers"));
  auto none = registry::ReadChallengerSet(*off.store, "SOLUSDT");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// The mechanic's gates: a promotion the rules allow is refused when a gate fails, the challenger
// joins the set; a promoted challenger leaves it; the set keeps the newest two.
TEST(Publish, GatesVetoPromotionsAndTheChallengerSetFollows) {
  Env e;
  ASSERT_TRUE(e.Publish(MakeCoin("SOLUSDT", "k1", 2.0), "r1").ok());
  auto veto = [](const registry::ChampionPointer& p, const std::string&, int64_t) {
    return std::vector<std::pair<std::string, std::string>>{{"cooloff", "champion " + p.current.model_id + " too new"}};
  };
  auto b = e.Publish(MakeCoin("SOLUSDT", "k2", 3.0), "r2", {}, veto, "mechanic");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_FALSE(b->promoted);
  EXPECT_EQ(b->failed_rules, std::vector<std::string>{"cooloff"});
  EXPECT_NE(b->reason.find("rejected: cooloff: champion SOLUSDT@20251108T000000Z too new"), std::string::npos)
      << b->reason;
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM promotions WHERE decision = 'rejection' AND reason LIKE '%cooloff%'"), 1);
  EXPECT_EQ(e.Count("SELECT COUNT(*) FROM models WHERE kind = 'challenger' AND parent_id = 'SOLUSDT@20251108T000000Z'"),
            1);
  auto c = e.Publish(MakeCoin("SOLUSDT", "k3", 3.5), "r3", {}, veto, "mechanic");
  auto d = e.Publish(MakeCoin("SOLUSDT", "k4", 4.0), "r4", {}, veto, "mechanic");
  ASSERT_TRUE(c.ok() && d.ok());
  auto set = registry::ReadChallengerSet(*e.store, "SOLUSDT");
  ASSERT_TRUE(set.ok() && set->has_value());
  ASSERT_EQ((*set)->challengers.size(), 2u);
  EXPECT_EQ((*set)->challengers[0].model_id, d->model_id);
  EXPECT_EQ((*set)->challengers[1].model_id, c->model_id);
  EXPECT_EQ((*set)->challengers[0].parent_id, "SOLUSDT@20251108T000000Z");
  EXPECT_EQ((*set)->challengers[0].source, "mechanic");
  // No gate failing: promoted, and out of the set.
  auto pass = [](const registry::ChampionPointer&, const std::string&, int64_t) {
    return std::vector<std::pair<std::string, std::string>>{};
  };
  auto f = e.Publish(MakeCoin("SOLUSDT", "k5", 5.0), "r5", {}, pass, "mechanic");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->promoted) << f->reason;
  set = registry::ReadChallengerSet(*e.store, "SOLUSDT");
  ASSERT_TRUE(set.ok() && set->has_value());
  EXPECT_EQ((*set)->challengers.size(), 2u);
  for (const auto& ch : (*set)->challengers) EXPECT_NE(ch.model_id, f->model_id);
  // The daily run (no gate, no source) leaves the set alone.
  auto g = e.Publish(MakeCoin("SOLUSDT", "k6", 1.0), "r6");
  ASSERT_TRUE(g.ok());
  set = registry::ReadChallengerSet(*e.store, "SOLUSDT");
  ASSERT_TRUE(set.ok() && set->has_value());
  EXPECT_EQ((*set)->challengers.size(), 2u);
}

// Runs the publish in a child process that kills itself at `stage`; returns true when it died
// by SIGKILL.
bool PublishAndDie(Env& e, const TrainedCoin& coin, const std::string& run_id, const std::string& stage) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("HURACAN_TEST_CRASH_AT", stage.c_str(), 1);
    Env child;
    child.dir = e.dir;
    child.Open();
    auto r = child.Publish(coin, run_id);
    ::_exit(r.ok() ? 0 : 3);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

TEST(Publish, KillAtEveryStageThenRerunLosesAndDuplicatesNothing) {
  for (const std::string stage : {"after_archive", "after_champion", "in_db_transaction", "after_db_commit"}) {
    SCOPED_TRACE(stage);
    Env e;
    // An existing champion, so the promotion row must name it as `from` even after a crash.
    auto first = e.Publish(MakeCoin("DOGEUSDT", "old", 1.0), "20251107");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first->promoted);
    e.db.reset();
    ASSERT_TRUE(PublishAndDie(e, MakeCoin("DOGEUSDT", "new", 2.0), "20251108", stage));
    e.Open();
    // The pointer is valid whatever the crash point.
    auto mid = registry::LoadChampion(*e.store, "DOGEUSDT");
    ASSERT_TRUE(mid.ok()) << mid.error().message;
    EXPECT_FALSE(mid->fell_back);

    auto r = e.Publish(MakeCoin("DOGEUSDT", "new", 2.0), "20251108");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->promoted) << r->reason;
    EXPECT_EQ(r->champion_before, first->model_id);
    auto p = registry::LoadChampion(*e.store, "DOGEUSDT");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->entry.model_id, r->model_id);
    EXPECT_FALSE(p->fell_back);
    EXPECT_EQ(e.Count("SELECT COUNT(*) FROM models"), 2);
    EXPECT_EQ(e.Count("SELECT COUNT(*) FROM model_metrics"), 2);
    EXPECT_EQ(e.Count("SELECT COUNT(*) FROM promotions"), 2);
    EXPECT_EQ(e.Count("SELECT COUNT(*) FROM promotions WHERE from_model_id = 'DOGEUSDT@20251108T000000Z' AND "
                      "to_model_id = 'DOGEUSDT@20251108T000001Z' AND decision = 'promotion'"),
              1);
    EXPECT_EQ(e.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = '20251108' AND status = 'done'"), 1);
    auto challengers = registry::Archive(*e.store).ListChallengers("DOGEUSDT");
    ASSERT_TRUE(challengers.ok());
    EXPECT_EQ(challengers->size(), 2u);
  }
}

}  // namespace
}  // namespace huracan::training
