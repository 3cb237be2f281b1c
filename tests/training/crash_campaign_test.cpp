// Crash campaign for `huracan train`: SIGKILL at seeded random points of a multi-symbol run, each
// followed by a rerun of the same run id, then the archive and the database are checked against
// an uninterrupted run from the same start state (docs/RELIABILITY.md, "Crash campaign").
//
// A clean run is timed first; every kill point is a uniform random fraction of that time after
// a start. Most kills take the whole run (the scheduler's process group and every worker); some
// take a single worker, which the scheduler retries within the same run (--retries 1). Kills are
// chained (kill, rerun and kill again, ...) before the final full rerun, so that the points do not
// each cost a whole run; chains of one are kill -> full rerun -> check cycles. The campaign goes
// on until `points` kills have landed (the process was alive when killed), or fails after 5x
// that many tries.
//
// Environment (make crash-long-train sets them):
//   HURACAN_CRASH_SEED    the seed (printed; default 20261130)
//   HURACAN_CRASH_POINTS  kills that must land (default 24; 10 under the sanitizers)
//   HURACAN_CRASH_COINS   0: the embedded sample's 3 coins (default); N: the first N coins of
//                         ../shared/data/candles/1m (skips when absent)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "storage/object_store.h"
#include "support/crash_points.h"
#include "support/test_support.h"
#include "training/train_run_support.h"

namespace huracan::training {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using huracan::testing::CrashRng;
using huracan::testing::CrashSeed;
using huracan::testing::Descendants;
using huracan::testing::EnvInt;
using huracan::testing::KillProcessTree;
using huracan::testing::ProcessAlive;
using huracan::testing::ReadProcStat;
using huracan::testing::ShellQuote;
using huracan::testing::SpawnInOwnGroup;
using huracan::testing::WaitForExit;
using huracan::testing::WaitUntilGone;

constexpr const char* kRun = "crash";
// Two workers of one thread each, so the timing of a run does not depend on the machine's cores;
// two cheap engines on 10 days, so a run takes about a second; a short claim lease, so that a
// rerun takes over the killed run's claims within half a second.
constexpr const char* kFlags =
    "--run-id crash --engines trend_ma,zscore_reversion --history-days 10 --mode parallel --max-concurrent 2 "
    "--threads 1 --retries 1 --claim-lease-seconds 0.5 --claim-heartbeat-seconds 0.1";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Every object under models/ and challengers/ (the bundles), and each champion pointer's model
// id: what must be byte-identical to an uninterrupted run's.
std::map<std::string, std::string> ArchiveDigest(const TrainRun& r) {
  std::map<std::string, std::string> out;
  auto store = storage::OpenObjectStore(r.archive);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return out;
  for (const std::string prefix : {"models/", "challengers/"}) {
    auto keys = (*store)->List(prefix);
    EXPECT_TRUE(keys.ok());
    if (!keys.ok()) continue;
    for (const auto& k : *keys) {
      auto bytes = (*store)->Get(k);
      EXPECT_TRUE(bytes.ok()) << k;
      out[k] = bytes.ok() ? *bytes : "";
    }
  }
  registry::Archive a(**store);
  auto syms = a.ListChampionSymbols();
  EXPECT_TRUE(syms.ok());
  if (!syms.ok()) return out;
  for (const auto& s : *syms) {
    auto p = registry::ReadChampionPointer(**store, s);
    EXPECT_TRUE(p.ok() && p->has_value()) << s;
    if (p.ok() && p->has_value()) out["champion/" + s] = (*p)->current.model_id + " " + (*p)->current.path;
  }
  return out;
}

// The run's daily summary (summaries/daily/DATE.json, rewritten by every run) without what
// legitimately differs between an interrupted and an uninterrupted run: when it was written,
// attempts and retries, stage timings and whether a stored bundle was reused.
std::string SummaryDigest(const TrainRun& r) {
  auto store = storage::OpenObjectStore(r.archive);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return "";
  auto keys = (*store)->List("summaries/daily/");
  EXPECT_TRUE(keys.ok() && keys->size() == 1u) << "one daily summary";
  if (!keys.ok() || keys->empty()) return "";
  auto bytes = (*store)->Get(keys->front());
  EXPECT_TRUE(bytes.ok());
  if (!bytes.ok()) return "";
  nlohmann::json j = nlohmann::json::parse(*bytes);
  j.erase("generated_at");
  j["totals"].erase("retries");
  for (auto& sym : j["symbols"]) {
    for (const char* k : {"attempts", "retries"}) sym.erase(k);
    for (const char* k : {"stages", "reused_bundle"}) sym["outcome"].erase(k);
  }
  return j.dump(1);
}

// Keys of the two digests that differ (missing on one side or different bytes), for the message.
std::string DigestDiff(const std::map<std::string, std::string>& got, const std::map<std::string, std::string>& want) {
  std::string out;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end())
      out += "missing " + k + "\n";
    else if (it->second != v)
      out += "differs " + k + "\n";
  }
  for (const auto& [k, v] : got)
    if (!want.count(k)) out += "extra " + k + "\n";
  return out;
}

// The state a chain starts from, and what the uninterrupted run from it leaves.
struct Start {
  std::string name;
  std::function<void(TrainRun&)> setup;  // fills a fresh fixture
  int64_t prior_models = 0;              // models of earlier runs already in it
  double clean_s = 0;                    // wall time of the uninterrupted run
  std::map<std::string, std::string> archive = {};
  std::string rows = {};
  std::string summary = {};
};

// Everything the issue asks of the state a rerun leaves: valid champions on verified bundles, a
// complete ledger without duplicate rows, a consistent challenger set, and the same bundles,
// champions and rows as the uninterrupted run.
void ExpectCompleteAndConsistent(TrainRun& r, int64_t n, const Start& start) {
  r.ExpectNoDuplicates(kRun, n);
  r.ExpectValidChampions(static_cast<size_t>(n));
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = ?", {std::string(kRun)}), n);
  EXPECT_EQ(r.Count("SELECT COUNT(DISTINCT symbol) FROM run_ledger WHERE run_id = ?", {std::string(kRun)}), n);
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM models"), n + start.prior_models);
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM promotions"), n + start.prior_models);
  auto store = storage::OpenObjectStore(r.archive);
  ASSERT_TRUE(store.ok());
  registry::Archive a(**store);
  auto syms = a.ListChampionSymbols();
  ASSERT_TRUE(syms.ok());
  for (const auto& s : *syms) {
    auto c = registry::LoadChampion(**store, s);
    ASSERT_TRUE(c.ok()) << s;
    EXPECT_TRUE(registry::VerifyChampionEntry(**store, c->entry).ok()) << s;
    EXPECT_EQ(a.ListChallengers(s)->size(), start.prior_models > 0 ? 2u : 1u) << s;
    auto set = registry::ReadChallengerSet(**store, s);
    ASSERT_TRUE(set.ok()) << s << ": " << set.error().message;
    if (!set->has_value()) continue;
    for (const auto& e : (*set)->challengers) {
      EXPECT_NE(e.model_id, c->entry.model_id) << s << ": the champion is also a challenger";
      EXPECT_TRUE(registry::VerifyBundle(**store, e.path, e.sha256).ok()) << s << " challenger " << e.model_id;
    }
  }
  const auto got = ArchiveDigest(r);
  EXPECT_EQ(got, start.archive) << DigestDiff(got, start.archive);
  EXPECT_EQ(RowsDigest(r), start.rows);
  EXPECT_EQ(SummaryDigest(r), start.summary);
}

struct CampaignTally {
  int orphans = 0;  // temp files of writes cut short, left in the archive after the rerun
  int tries = 0;
  int landed = 0;
  int landed_on_workers = 0;
  int reruns = 0;
  int chains = 0;
};

// A run started in the background and killed `delay_s` later: the whole process tree, or one of
// its workers (picked by `rng`). Returns whether the kill landed.
bool StartAndKill(TrainRun& r, double delay_s, bool worker, CrashRng& rng, int point, CampaignTally& tally) {
  const std::string log = r.dir + "/run" + std::to_string(tally.tries);
  const pid_t pid = SpawnInOwnGroup("exec " + r.TrainCommand(kFlags) + " >" + ShellQuote(log + ".out") + " 2>" +
                                    ShellQuote(log + ".err"));
  EXPECT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
  bool landed = false;
  std::vector<pid_t> killed;
  std::string what;
  if (worker) {
    std::vector<pid_t> workers;
    for (pid_t p : Descendants(pid)) {
      pid_t ppid = 0;
      char state = 0;
      if (ReadProcStat(p, &ppid, &state) && ppid == pid) workers.push_back(p);
    }
    if (!workers.empty()) {
      const pid_t w = workers[static_cast<size_t>(rng.Below(static_cast<int>(workers.size())))];
      landed = ProcessAlive(w) && ::kill(w, SIGKILL) == 0;
      ::kill(-w, SIGKILL);
      killed.push_back(w);
    }
    what = "one worker";
  } else {
    killed = KillProcessTree(pid);
    what = "whole run (" + std::to_string(killed.size()) + " processes)";
  }
  const int st = WaitForExit(pid);
  EXPECT_TRUE(WaitUntilGone(killed)) << "a killed process outlived SIGKILL";
  if (!worker) landed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
  const std::string out = ReadText(log + ".out"), err = ReadText(log + ".err");
  if (worker) {
    // The scheduler retries the killed worker's symbol (or finds it committed): the run ends by
    // itself with every symbol done.
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "point " << point << ": " << out << err;
    EXPECT_NE(out.find(" 0 failed, 0 timed out"), std::string::npos) << out << err;
  } else if (!landed) {
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "point " << point << ": " << out << err;
  }
  std::printf("point %d: %s at %.0f ms: %s\n", point, what.c_str(), delay_s * 1000,
              landed   ? "killed mid-run"
              : worker ? "no worker was running"
                       : "the run had ended");
  std::fflush(stdout);
  ++tally.tries;
  if (landed) {
    ++tally.landed;
    if (worker) ++tally.landed_on_workers;
  }
  return landed;
}

// The campaign: chain i starts from starts[i % starts.size()] (a fresh TrainRun each time).
void RunCampaign(std::vector<Start> starts, int64_t symbols, int points, uint64_t seed) {
  // The uninterrupted reference runs, timed: the kill points are fractions of their wall time.
  for (Start& st : starts) {
    TrainRun ref;
    st.setup(ref);
    const auto t0 = Clock::now();
    auto clean = ref.Train(kFlags);
    st.clean_s = SecondsSince(t0);
    ASSERT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    st.archive = ArchiveDigest(ref);
    st.rows = RowsDigest(ref);
    st.summary = SummaryDigest(ref);
    ASSERT_EQ(std::count(st.rows.begin(), st.rows.end(), '\n'), symbols + st.prior_models) << st.rows;
    std::printf("clean run from %s: %lld symbols in %.2f s\n", st.name.c_str(), static_cast<long long>(symbols),
                st.clean_s);
  }
  std::printf("%d kills to land\n", points);

  CrashRng rng(seed);
  CampaignTally tally;
  const auto c0 = Clock::now();
  while (tally.landed < points && tally.tries < 5 * points) {
    const Start& start = starts[static_cast<size_t>(tally.chains) % starts.size()];
    SCOPED_TRACE("chain " + std::to_string(tally.chains) + " from " + start.name);
    TrainRun r;
    start.setup(r);
    ++tally.chains;
    const int links = 1 + rng.Below(5);
    for (int k = 0; k < links && tally.landed < points; ++k) {
      const bool worker = rng.Below(5) == 0;
      const double delay = rng.Fraction() * start.clean_s;
      const bool landed = StartAndKill(r, delay, worker, rng, tally.tries, tally);
      if (!landed || worker) break;  // the run finished (by itself or after a retry): the chain is over
    }
    // The final full rerun of the same run id, then the checks.
    auto rerun = r.Train(kFlags);
    ++tally.reruns;
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    const std::string done = std::to_string(symbols) + " symbols, " + std::to_string(symbols) + " done";
    EXPECT_NE(rerun.out.find(done), std::string::npos) << rerun.out << rerun.err;
    ExpectCompleteAndConsistent(r, symbols, start);
    // A Put cut short leaves a temp file; the rerun's Put of the same key removes it.
    for (const auto& e : fs::recursive_directory_iterator(r.archive))
      if (e.path().filename().string().rfind(".tmp-", 0) == 0) {
        ++tally.orphans;
        ADD_FAILURE() << "temp file left in the archive: " << e.path().string();
      }
    if (::testing::Test::HasFailure()) {
      std::printf("failed in chain %d (seed %llu): the folder is kept at %s\n", tally.chains,
                  static_cast<unsigned long long>(seed), r.dir.c_str());
      return;
    }
    fs::remove_all(r.dir);
  }
  std::printf(
      "crash campaign: seed %llu, %d kill points tried, %d landed mid-run (%d on a single worker), %d chains, "
      "%d full reruns, %d orphaned temp files, %.1f s\n",
      static_cast<unsigned long long>(seed), tally.tries, tally.landed, tally.landed_on_workers, tally.chains,
      tally.reruns, tally.orphans, SecondsSince(c0));
  EXPECT_GE(tally.landed, points) << "too few kills landed while the run was alive";
  EXPECT_GE(tally.landed, 1) << "no kill landed";
}

// The two states a chain starts from: an empty archive and database (every model is a first
// promotion), and one holding the champions of an earlier run (`base`, the same coins), against
// which the run's models are judged (and, the sample's models trading nothing, rejected).
std::vector<Start> FreshAndSeeded(const std::function<void(TrainRun&)>& use_data, int64_t symbols) {
  auto base = std::make_shared<TrainRun>();
  use_data(*base);
  auto first = base->Train("--run-id base --engines trend_ma --history-days 10 --threads 1");
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  return {Start{.name = "an empty archive", .setup = use_data},
          Start{.name = "an archive with champions",
                .setup =
                    [base, use_data](TrainRun& r) {
                      use_data(r);
                      fs::copy(base->archive, r.archive, fs::copy_options::recursive);
                      for (const auto& e : fs::directory_iterator(base->dir))
                        if (e.path().filename().string().rfind("h.db", 0) == 0)
                          fs::copy_file(e.path(), r.dir + "/" + e.path().filename().string());
                    },
                .prior_models = symbols}};
}

int DefaultPoints() {
#ifdef HURACAN_SANITIZE_BUILD
  return 10;  // about 3x slower runs under ASan: fewer points, same code paths
#else
  return 24;
#endif
}

TEST(CrashCampaign, TrainKillNineAtRandomPointsThenRerunLosesAndDuplicatesNothing) {
  const uint64_t seed = CrashSeed("HURACAN_CRASH_SEED", 20261130);
  const int points = static_cast<int>(EnvInt("HURACAN_CRASH_POINTS", DefaultPoints()));
  const int64_t coins = EnvInt("HURACAN_CRASH_COINS", 0);
  if (coins <= 0) {
    RunCampaign(FreshAndSeeded([](TrainRun&) {}, 3), 3, points, seed);
    return;
  }
  HURACAN_REQUIRE_SHARED(shared, "1m");
  std::vector<std::string> files = huracan::testing::ListFiles(shared, ".parquet");
  if (static_cast<int64_t>(files.size()) > coins) files.resize(static_cast<size_t>(coins));
  const auto use_shared = [files](TrainRun& r) {
    r.data = r.dir + "/data";
    fs::create_directories(r.data);
    for (const auto& f : files) fs::create_symlink(f, r.data + "/" + fs::path(f).filename().string());
  };
  const auto n = static_cast<int64_t>(files.size());
  RunCampaign(FreshAndSeeded(use_shared, n), n, points, seed);
}

// The same on PostgreSQL (ctest training.postgres), from an empty database, fewer points: each
// chain works in a schema of its own.
TEST(PostgresCrashCampaign, TrainKillNineAtRandomPointsThenRerun) {
  if (FreshPostgresSchema("crash_probe").empty())
    GTEST_SKIP() << "DATABASE_URL is not a postgres:// URL: skipping (ctest runs these via scripts/with-postgres.sh)";
  const uint64_t seed = CrashSeed("HURACAN_CRASH_SEED", 20261130);
  int schema = 0;
  Start fresh{.name = "an empty database",
              .setup = [&](TrainRun& r) { r.db = FreshPostgresSchema("crash_" + std::to_string(schema++)); }};
  RunCampaign({fresh}, 3, 6, seed);
}

}  // namespace
}  // namespace huracan::training
