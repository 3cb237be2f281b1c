// `huracan mechanic`: its gates (pure), and end to end on the embedded sample: one champion trained
// once for the whole binary (SOLUSDT, four engines with meta_label's booster, zero costs), copied into each case's own
// folder, the clock fixed with --now. The gates inside PublishCoin: publish_test.cpp.
#include "training/mechanic.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/time_units.h"
#include "data/catalog.h"
#include "registry/archive.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "support/test_support.h"
#include "training/crash_campaign_mechanic.h"
#include "training/mechanic_support.h"
#include "training/sql_ledger.h"

namespace huracan::training {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

constexpr char kSymbol[] = "SOLUSDT";
constexpr char kNow[] = "20270101T000000Z";  // well after the champion's promotion (wall clock)

// The trained base: data folder, archive and database with SOLUSDT's champion (trained once per
// build and ctest run: every case runs in its own process).
struct Base {
  std::string dir = huracan::testing::MakeTempDir("mechanic_base");
  bool ok = false;
  std::string log;

  Base() {
    ok = huracan::testing::CachedFolder("mechanic_base", dir, [this](const std::string& d) {
      fs::create_directories(d + "/data");
      for (const auto& f : huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet")) {
        const std::string name = fs::path(f).filename().string();
        if (name.rfind("BTC", 0) == 0 || name.rfind("SOL", 0) == 0) fs::copy_file(f, d + "/data/" + name);
      }
      std::ofstream(d + "/first.json") << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                                       << R"("sharpe_margin":0,"min_first_net_sharpe":-1000000})";
      CommandResult r = testing::TrainBase(d, "data", "trend_ma,zscore_reversion,ridge,meta_label", "SOLUSDT", "first");
      log = r.out + r.err;
      return r.exit_code == 0;
    });
  }
};

const Base& TrainedBase() {
  static const Base* base = new Base();
  return *base;
}

struct Mech : testing::MechanicCase {
  Mech() : MechanicCase(TrainedBase().dir, "mechanic", kSymbol) {
    std::ofstream(dir + "/closed.json") << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                                        << R"("sharpe_margin":1000,"min_first_net_sharpe":-1000000})";
  }
  std::string Command(const std::string& now, const std::string& rules, const std::string& extra = "") const {
    return ShellQuote(huracan::testing::HuracanBinary()) + " mechanic --once --data-dir " + ShellQuote(dir + "/data") +
           " --archive " + ShellQuote(archive) + " --db " + ShellQuote(db) +
           " --costs zero --symbols SOLUSDT --promotion-rules " + ShellQuote(dir + "/" + rules + ".json") + " --now " +
           now + " " + extra;
  }
  CommandResult Run(const std::string& now, const std::string& rules, const std::string& extra = "",
                    const std::string& env = "") {
    return RunCommand(env + " " + Command(now, rules, extra));
  }
  // The pointer loads its own bundle, without a fallback.
  void ExpectValidPointer() {
    auto c = registry::LoadChampion(*Store(), kSymbol);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_FALSE(c->fell_back);
  }
};

TEST(MechanicGates, CooloffAndFlapping) {
  registry::ChampionPointer p;
  p.symbol = kSymbol;
  auto entry = [](const std::string& id, const std::string& at) {
    registry::ChampionEntry e;
    e.model_id = id;
    e.promoted_at = at;
    return e;
  };
  p.current = entry("B", "2026-01-01T10:00:00.000Z");
  p.previous = {entry("A", "2026-01-01T00:00:00.000Z")};
  const int64_t t10 = ParseSqlTimestamp("2026-01-01T10:00:00.000Z");
  // 1 h after B: the cool-off holds; 7 h after: it does not.
  auto g = MechanicGates(p, "C", t10 + kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].first, "cooloff");
  EXPECT_TRUE(MechanicGates(p, "C", t10 + 7 * kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour).empty());
  // A -> B -> A inside the window is flapping; the same history outside it is not.
  p.previous.insert(p.previous.begin(), p.current);
  p.current = entry("A", "2026-01-01T12:00:00.000Z");
  const int64_t t12 = ParseSqlTimestamp("2026-01-01T12:00:00.000Z");
  g = MechanicGates(p, "C", t12 + 7 * kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].first, "flapping");
  EXPECT_NE(g[0].second.find("A -> B -> A"), std::string::npos) << g[0].second;
  EXPECT_TRUE(MechanicGates(p, "C", t12 + 40 * kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour).empty());
  EXPECT_EQ(MechanicRunId(t12), "mech-20260101T12");
  EXPECT_EQ(NextBoundaryMs(t12, kMsPerHour), t12 + kMsPerHour);
  EXPECT_EQ(NextBoundaryMs(t12 + 1, kMsPerHour), t12 + kMsPerHour);
}

// A rollback takes B out of the history: A -> B -> (rollback) A is rebuilt from `rolled_back`.
TEST(MechanicGates, ARollbackBackToTheOldChampionIsFlapping) {
  registry::ChampionPointer p;
  p.symbol = kSymbol;
  registry::ChampionEntry a, b;
  a.model_id = "A";
  a.promoted_at = "2026-01-01T00:00:00.000Z";
  b.model_id = "B";
  b.promoted_at = "2026-01-01T01:00:00.000Z";
  b.rolled_back_at = "2026-01-01T02:00:00.000Z";
  p.current = a;
  p.rolled_back = {b};
  const int64_t t0 = ParseSqlTimestamp(a.promoted_at);
  auto g = MechanicGates(p, "C", t0 + 8 * kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].first, "flapping");
  EXPECT_NE(g[0].second.find("A -> B -> A"), std::string::npos) << g[0].second;
  // Outside the window (the rollback more than 24 h ago), no flapping.
  EXPECT_TRUE(MechanicGates(p, "C", t0 + 40 * kMsPerHour, 6 * kMsPerHour, 24 * kMsPerHour).empty());
}

TEST(Mechanic, RefusedChallengerJoinsTheSetWithItsParent) {
  ASSERT_TRUE(TrainedBase().ok) << TrainedBase().log;
  Mech m;
  const std::string champion = m.Pointer().current.model_id;
  auto r = m.Run(kNow, "closed");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto line = Mech::Line(r);
  EXPECT_EQ(line["run_id"], "mech-20270101T00");
  EXPECT_EQ(line["challengers"], 1);
  EXPECT_TRUE(line["promoted"].empty()) << r.out;
  ASSERT_EQ(line["refused"].size(), 1u) << r.out;
  EXPECT_EQ(line["refused"][0]["failed_rules"][0], "beat_champion") << r.out;
  const std::string id = line["refused"][0]["model_id"];
  EXPECT_EQ(m.Pointer().current.model_id, champion);
  auto set = registry::ReadChallengerSet(*m.Store(), kSymbol);
  ASSERT_TRUE(set.ok() && set->has_value());
  ASSERT_EQ((*set)->challengers.size(), 1u);
  EXPECT_EQ((*set)->challengers[0].model_id, id);
  EXPECT_EQ((*set)->challengers[0].parent_id, champion);
  EXPECT_EQ((*set)->challengers[0].source, "mechanic");
  EXPECT_EQ((*set)->challengers[0].path.rfind("challengers/SOLUSDT/", 0), 0u);
  EXPECT_EQ(m.Count("SELECT COUNT(*) FROM models WHERE model_id = ? AND kind = 'challenger' AND parent_id = ?",
                    {id, champion}),
            1);
}

// The warm start: the champion's XGBoost booster gets mechanic.extra_trees (default 10) more trees,
// recorded in config.json; two passes on the same inputs store byte-identical bundles; 0 is the
// fine-tune without it. The booster is meta_label's: gbdt finds no edge net of costs on the embedded
// sample (off, so no trees); its warm start is tested in tests/engines.
TEST(Mechanic, WarmStartAddsTreesToTheBoosterDeterministically) {
  ASSERT_TRUE(TrainedBase().ok) << TrainedBase().log;
  auto challenger = [](Mech& m, const std::string& extra) {
    auto r = m.Run(kNow, "closed", extra);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto set = registry::ReadChallengerSet(*m.Store(), kSymbol);
    EXPECT_TRUE(set.ok() && set->has_value() && (*set)->challengers.size() == 1u);
    return (*set)->challengers.at(0);
  };
  auto mechanic_extra = [](Mech& m, const registry::ChallengerEntry& c) {
    auto b = registry::ReadBundle(*m.Store(), c.path, c.sha256);
    EXPECT_TRUE(b.ok()) << b.error().message;
    return b->config.extra.at("mechanic");
  };
  Mech a, b;
  const registry::ChallengerEntry ca = challenger(a, ""), cb = challenger(b, "");
  EXPECT_EQ(ca.sha256, cb.sha256) << "same inputs, same bundle";
  EXPECT_EQ(ca.model_id, cb.model_id);
  const nlohmann::json mech = mechanic_extra(a, ca);
  EXPECT_EQ(mech.value("extra_trees", nlohmann::json()), nlohmann::json({{"meta_label", 10}})) << mech.dump();
  EXPECT_TRUE(mech.at("kept_engines").empty()) << "meta_label took trees: not kept as it was; " << mech.dump();

  Mech off;
  std::ofstream(off.dir + "/off.yaml") << "mechanic:\n  extra_trees: 0\n";
  const registry::ChallengerEntry co = challenger(off, "--config " + ShellQuote(off.dir + "/off.yaml"));
  EXPECT_NE(co.sha256, ca.sha256);
  const nlohmann::json mech_off = mechanic_extra(off, co);
  EXPECT_FALSE(mech_off.contains("extra_trees")) << mech_off.dump();
  EXPECT_EQ(mech_off.at("kept_engines"), nlohmann::json({"meta_label"})) << mech_off.dump();
}

// A pass with nothing new (the same last closed bar, the same champion) stores no second
// challenger: the symbol is reported as skipped, and no bundle, set entry or models row is
// added. Once new bars have closed, the next pass stores a new challenger.
TEST(Mechanic, AnUnchangedPassStoresNoSecondChallenger) {
  ASSERT_TRUE(TrainedBase().ok) << TrainedBase().log;
  Mech m;
  const std::string champion = m.Pointer().current.model_id;
  Result<data::BarSeries> bars = NotFound("no SOL file");
  for (const auto& f : huracan::testing::ListFiles(m.dir + "/data", ".parquet"))
    if (fs::path(f).filename().string().rfind("SOL", 0) == 0) bars = data::LoadBars(f);
  ASSERT_TRUE(bars.ok() && !bars->empty());
  // An hour before the data's end: the bars of the last hour have not closed yet.
  const std::string early = registry::FormatArchiveTimestamp(bars->ts_ms.back() + kMsPerMinute - kMsPerHour);
  auto challengers = [&] { return m.Count("SELECT COUNT(*) FROM models WHERE kind = 'challenger'"); };
  auto stored = [&] {
    auto list = registry::Archive(*m.Store()).ListChallengers(kSymbol);
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  };

  const size_t before = stored();  // the daily run's own bundle
  auto r = m.Run(early, "closed", "--run-id mech-a");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto line = Mech::Line(r);
  EXPECT_EQ(line["challengers"], 1) << r.out;
  EXPECT_TRUE(line["skipped"].empty()) << r.out;
  ASSERT_EQ(line["refused"].size(), 1u) << r.out;
  const std::string first = line["refused"][0]["model_id"];
  const int64_t promotions = m.Count("SELECT COUNT(*) FROM promotions");

  // The same clock again (another run id: a later pass of the hour): nothing new.
  r = m.Run(early, "closed", "--run-id mech-b");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  line = Mech::Line(r);
  EXPECT_EQ(line["challengers"], 0) << r.out;
  EXPECT_TRUE(line["refused"].empty()) << r.out;
  ASSERT_EQ(line["skipped"].size(), 1u) << r.out;
  EXPECT_EQ(line["skipped"][0]["symbol"], kSymbol);
  EXPECT_EQ(line["skipped"][0]["reason"], "unchanged");
  EXPECT_EQ(line["skipped"][0]["model_id"], first);
  EXPECT_EQ(line["skipped"][0]["parent_id"], champion);
  EXPECT_NE(r.err.find("SOLUSDT: skipped (unchanged)"), std::string::npos) << r.err;
  EXPECT_EQ(challengers(), 1);
  EXPECT_EQ(stored(), before + 1);
  EXPECT_EQ(m.Count("SELECT COUNT(*) FROM promotions"), promotions);
  EXPECT_EQ(m.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = 'mech-b' AND status = 'done'"), 1);
  auto set = registry::ReadChallengerSet(*m.Store(), kSymbol);
  ASSERT_TRUE(set.ok() && set->has_value());
  ASSERT_EQ((*set)->challengers.size(), 1u);
  EXPECT_EQ((*set)->challengers[0].model_id, first);

  // New bars have closed since: a new challenger.
  r = m.Run(kNow, "closed", "--run-id mech-c");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  line = Mech::Line(r);
  EXPECT_EQ(line["challengers"], 1) << r.out;
  EXPECT_TRUE(line["skipped"].empty()) << r.out;
  ASSERT_EQ(line["refused"].size(), 1u) << r.out;
  EXPECT_NE(line["refused"][0]["model_id"], first);
  EXPECT_EQ(challengers(), 2);
  EXPECT_EQ(stored(), before + 2);
}

// The crash campaign on the refusal path (tests/training/crash_campaign_mechanic.h): nothing in the
// sample trades through the combiner, so a fine-tuned challenger never beats its champion's net
// Sharpe there and joins the challenger set. kill -9 at each of the 7 stage boundaries this path
// reaches and at 3 seeded random delays (2 under the sanitizers), each on a fresh copy of the base,
// then a rerun of the same run id: the state an uninterrupted pass leaves, and a further pass does
// nothing. The promotion path: MechanicEvidence.KillAtEveryStageAndRandomPointsOfAPromotionPass.
TEST(Mechanic, KillAtEveryStageAndRandomPointsOfARefusalPass) {
  ASSERT_TRUE(TrainedBase().ok) << TrainedBase().log;
  testing::CrashCampaign cc;
  cc.make_case = [] { return std::make_unique<Mech>(); };
  cc.command = [](const testing::MechanicCase& c) {
    return static_cast<const Mech&>(c).Command(kNow, "closed", "--run-id mech-k");
  };
  cc.run_id = "mech-k";
  cc.stages = {"after_load",           "after_score",       "after_tune",     "after_archive",
               "after_challenger_set", "in_db_transaction", "after_db_commit"};
  cc.random_points = testing::CrashCampaignRandomPoints(3, 2);
  const testing::CrashCampaignResult res = testing::RunCrashCampaign(cc);
  EXPECT_EQ(res.clean.champion, res.before) << "the refusal path promoted " << res.clean.champion;
  EXPECT_EQ(res.clean.decisions.size(), 1u);
  EXPECT_EQ(res.clean.kind, "challenger");
  EXPECT_EQ(res.clean.set, std::vector<std::string>{res.clean.model_id});
  EXPECT_EQ(res.Points(), 7 + cc.random_points) << "too few random kills landed";
}

}  // namespace
}  // namespace huracan::training
