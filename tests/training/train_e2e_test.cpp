// End-to-end `huracan train` / `huracan summary` on the embedded sample (real files, real worker
// processes, real SQLite and archive). Kept small: a few engines and permissive promotion rules,
// so that champions are promoted and every path runs in seconds.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/archive.h"
#include "registry/champion.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "support/test_support.h"
#include "training/shard.h"
#include "training/train_run_support.h"

namespace huracan::training {
namespace {

namespace fs = std::filesystem;
using huracan::testing::CommandResult;
using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

// Processes whose command line mentions `needle` (e.g. a test's temp dir): none may outlive a run.
int LiveProcessesMentioning(const std::string& needle) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(e.path() / "cmdline", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (s.find(needle) == std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close != std::string::npos && line.substr(close + 2, 1) == "Z") continue;
    ++n;
  }
  return n;
}

TEST(TrainE2E, SampleTrainsPromotesSummarisesAndResumes) {
  TrainRun r;
  auto first = r.Train("--run-id 20251108 --mode parallel --max-concurrent 2");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("3 symbols, 3 done"), std::string::npos) << first.out;
  r.ExpectNoDuplicates("20251108", 3);
  r.ExpectValidChampions(3);
  r.ExpectDsrAndBand("BTCUSDT-PERP");
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM promotions WHERE decision = 'promotion'"), 3);
  // The promoted models' rows point at their copies under models/.
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM models WHERE kind = 'champion' AND s3_path LIKE 'models/%'"), 3);

  auto sum = RunCommand(ShellQuote(huracan::testing::HuracanBinary()) + " summary --date 2025-11-08 --archive " +
                        ShellQuote(r.archive));
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_NE(sum.out.find("Huracan daily training summary 2025-11-08 (run 20251108)"), std::string::npos) << sum.out;
  for (const char* s : {"BTCUSDT-PERP", "DOGEUSDT", "SOLUSDT"}) EXPECT_NE(sum.out.find(s), std::string::npos) << s;
  EXPECT_NE(sum.out.find("Champions: 3 changed"), std::string::npos) << sum.out;
  EXPECT_NE(sum.out.find("Failures: none"), std::string::npos) << sum.out;
  std::ifstream js(r.archive + "/summaries/daily/2025-11-08.json");
  auto j = nlohmann::json::parse(js);
  EXPECT_EQ(j["totals"]["done"], 3);
  EXPECT_EQ(j["symbols"].size(), 3u);
  EXPECT_EQ(j["symbols"][0]["champion"], "changed");
  EXPECT_TRUE(j["symbols"][0]["outcome"]["stages"].contains("walk_forward"));

  // Rerun of the same run id: everything is already done, nothing is retrained.
  auto again = r.Train("--run-id 20251108 --mode sequential");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("3 done (3 already done before)"), std::string::npos) << again.out;
  r.ExpectNoDuplicates("20251108", 3);

  // A new run on the same data: new challengers, which do not beat the champions by the margin.
  auto next = r.Train("--run-id 20251109 --mode hybrid");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  r.ExpectNoDuplicates("20251109", 3);
  r.ExpectValidChampions(3);
  auto sum2 = RunCommand(ShellQuote(huracan::testing::HuracanBinary()) + " summary --date 20251109 --archive " +
                         ShellQuote(r.archive));
  ASSERT_EQ(sum2.exit_code, 0);
  EXPECT_NE(sum2.out.find("Champions: 0 changed, 3 kept"), std::string::npos) << sum2.out;
  EXPECT_NE(sum2.out.find("beat_champion"), std::string::npos) << sum2.out;
}

TEST(TrainE2E, BundleConfigHoldsTheCostsItWasJudgedUnder) {
  TrainRun r;
  r.UseData({"DOGE"});
  // A costs file given by a relative path reaches the workers too.
  std::ofstream(r.dir + "/my_costs.json") << R"({"source": "test", "taker_fee_bps": 4.5, "entry": "maker"})";
  auto res = r.Train("--run-id 20251108 --mode parallel --engines trend_ma --costs my_costs.json",
                     "cd " + ShellQuote(r.dir) + " &&");
  ASSERT_EQ(res.exit_code, 0) << res.out << res.err;
  auto store = storage::OpenObjectStore(r.archive);
  ASSERT_TRUE(store.ok());
  auto c = registry::LoadChampion(**store, "DOGEUSDT");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const nlohmann::json& costs = c->bundle.config.extra.at("costs");
  EXPECT_EQ(costs.at("taker_fee_bps").get<double>(), 4.5);
  EXPECT_EQ(costs.at("maker_fee_bps").get<double>(), 7.5);  // the spot default where the file is silent
  EXPECT_EQ(costs.at("entry").get<std::string>(), "maker");
  EXPECT_EQ(costs.at("maker_fill_bars").get<int>(), 3);
  auto bad = r.Train("--run-id 20251109 --costs no-such-preset");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no-such-preset"), std::string::npos) << bad.err;
}

TEST(TrainE2E, ShardsSplitTheRunAcrossMachines) {
  TrainRun r;
  auto a = r.Train("--run-id s1 --shard 0/2 --no-steal");
  auto b = r.Train("--run-id s1 --shard 1/2 --no-steal");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // Together: every symbol once, none twice.
  r.ExpectNoDuplicates("s1", 3);
  EXPECT_EQ(r.Count("SELECT SUM(attempts) FROM run_ledger WHERE run_id = 's1'"), 3);
  EXPECT_FALSE(r.Train("--run-id s1 --shard 2/2").exit_code == 0);

  // The job after the shards (docs/DEPLOY.md) rebuilds the summary from the shared ledger alone.
  fs::remove_all(r.archive + "/summaries");
  const std::string summary = ShellQuote(huracan::testing::HuracanBinary()) + " summary --rebuild --db " +
                              ShellQuote(r.db) + " --archive " + ShellQuote(r.archive) + " --json --run-id ";
  auto rebuilt = RunCommand(summary + "s1");
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_NE(rebuilt.err.find("3 of 3 symbols done"), std::string::npos) << rebuilt.err;
  nlohmann::json j = nlohmann::json::parse(rebuilt.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << rebuilt.out;
  EXPECT_EQ(j.at("run_id"), "s1");
  EXPECT_EQ(j.at("totals").at("done"), 3);
  EXPECT_EQ(j.at("symbols").size(), 3u);
  EXPECT_EQ(huracan::testing::ListFiles(r.archive + "/summaries/daily", ".json").size(), 1u);
  auto unknown = RunCommand(summary + "no-such-run");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("run no-such-run: no symbol in the ledger"), std::string::npos) << unknown.err;
  auto misuse = RunCommand(ShellQuote(huracan::testing::HuracanBinary()) + " summary --run-id s1");
  EXPECT_EQ(misuse.exit_code, 2);
  EXPECT_NE(misuse.err.find("--run-id needs --rebuild"), std::string::npos) << misuse.err;
}

TEST(TrainE2E, StuckSymbolIsKilledAtTheTimeoutAndRetried) {
  TrainRun r;
  r.UseData({"BTC", "SOL"});
  auto t0 = std::chrono::steady_clock::now();
  // The healthy symbol must finish inside the per-symbol timeout even on a loaded machine or
  // under sanitizers, so it trains two cheap engines and the timeout is wider there.
#ifdef HURACAN_SANITIZE_BUILD
  const std::string timeout = "0.75";
  const double max_secs = 240;
#else
  const std::string timeout = "0.2";
  const double max_secs = 90;
#endif
  auto res = r.Train("--run-id t1 --engines trend_ma,macd --timeout-minutes " + timeout + " --retries 1 --mode hybrid",
                     "HURACAN_TEST_HANG_SYMBOL=SOLUSDT");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(res.exit_code, 1) << res.out << res.err;
  EXPECT_LT(secs, max_secs);
  EXPECT_EQ(r.Status("t1", "SOLUSDT"), "timeout");
  EXPECT_EQ(r.Status("t1", "BTCUSDT-PERP"), "done");
  EXPECT_EQ(r.Count("SELECT attempts FROM run_ledger WHERE run_id = 't1' AND symbol = 'SOLUSDT'"), 2);
  EXPECT_EQ(LiveProcessesMentioning(r.dir), 0) << "a killed worker survived";
  EXPECT_NE(res.err.find("SOLUSDT timeout"), std::string::npos) << res.err;
  // The summary counts the timeout and the retry.
  auto store = storage::OpenObjectStore(r.archive);
  ASSERT_TRUE(store.ok());
  std::vector<std::string> keys = *(*store)->List("summaries/daily/");
  ASSERT_EQ(keys.size(), 1u);
  auto j = nlohmann::json::parse(*(*store)->Get(keys[0]));
  EXPECT_EQ(j["totals"]["timeout"], 1);
  EXPECT_EQ(j["totals"]["retries"], 1);
  EXPECT_EQ(j["failures"][0]["symbol"], "SOLUSDT");
  // Resume: the rerun trains only the unfinished symbol.
  auto again = r.Train("--run-id t1 --engines trend_ma,macd");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("2 done (1 already done before)"), std::string::npos) << again.out;
}

TEST(TrainE2E, CorruptFileFailsThatSymbolAndTheExitCodeSaysSo) {
  TrainRun r;
  r.UseData({"BTC", "SOL"});
  std::ofstream(r.data + "/DOGE-USDT_1m_20251011_20251108.parquet", std::ios::binary) << "PAR1 not really parquet";
  auto res = r.Train("--run-id c1");
  EXPECT_EQ(res.exit_code, 1) << res.out << res.err;
  EXPECT_EQ(r.Status("c1", "DOGEUSDT"), "failed");
  EXPECT_EQ(r.Status("c1", "SOLUSDT"), "done");
  auto d = r.Db();
  auto err = d->Query("SELECT error FROM run_ledger WHERE run_id = 'c1' AND symbol = 'DOGEUSDT'");
  ASSERT_TRUE(err.ok());
  EXPECT_NE(err->rows[0].Text(0).value_or("").find("DOGE-USDT_1m_20251011_20251108.parquet"), std::string::npos)
      << err->rows[0].Text(0).value_or("");
}

// A database that cannot be reached: exit 2, one line on stderr naming it (never the password),
// and nothing written to the archive.
TEST(TrainE2E, UnreachableDatabaseIsOneClearErrorAndWritesNothing) {
  TrainRun r;
  r.db = "postgresql://trainer:s3cret@127.0.0.1:1/huracan";
  auto res = r.Train("--run-id db1");
  EXPECT_EQ(res.exit_code, 2) << res.out << res.err;
  EXPECT_EQ(std::count(res.err.begin(), res.err.end(), '\n'), 1) << "one line on stderr: " << res.err;
  EXPECT_NE(res.err.find("127.0.0.1:1/huracan"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("cannot connect"), std::string::npos) << res.err;
  EXPECT_EQ(res.err.find("s3cret"), std::string::npos) << "password leaked: " << res.err;
  EXPECT_FALSE(fs::exists(r.archive)) << "nothing may be archived without the database";
}

TEST(TrainE2E, KillNineAtEveryStageThenRerunCompletesWithoutDuplicates) {
#ifdef HURACAN_SANITIZE_BUILD
  const std::vector<std::string> stages = {"after_archive", "after_champion"};
#else
  const std::vector<std::string> stages = {"after_load", "after_archive", "after_champion", "in_db_transaction",
                                           "after_db_commit"};
#endif
  for (const auto& stage : stages) {
    SCOPED_TRACE(stage);
    TrainRun r;
    r.UseData({"BTC", "SOL"});
    auto died = r.Train("--run-id k1 --symbols SOLUSDT", "HURACAN_TEST_CRASH_AT=" + stage + ":SOLUSDT");
    if (stage == "after_db_commit") {
      // The worker died after committing `done` with its rows: the scheduler reads the ledger and
      // counts the symbol as done.
      EXPECT_EQ(died.exit_code, 0) << died.out << died.err;
    } else {
      EXPECT_EQ(died.exit_code, 1) << died.out << died.err;
      EXPECT_NE(died.err.find("signal 9"), std::string::npos) << died.err;
    }
    r.ExpectValidChampions(stage == "after_champion" || stage == "in_db_transaction" || stage == "after_db_commit" ? 1
                                                                                                                   : 0);
    auto rerun = r.Train("--run-id k1 --symbols SOLUSDT");
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    r.ExpectNoDuplicates("k1", 1);
    r.ExpectValidChampions(1);
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM promotions WHERE decision = 'promotion'"), 1);
    auto store = storage::OpenObjectStore(r.archive);
    auto ch = registry::LoadChampion(**store, "SOLUSDT");
    ASSERT_TRUE(ch.ok());
    EXPECT_EQ(ch->entry.model_id, "SOLUSDT@20251108T115800Z");
    EXPECT_EQ(registry::Archive(**store).ListChallengers("SOLUSDT")->size(), 1u);
  }
}

TEST(TrainE2E, KillNineOfTheWholeRunThenRerunFinishesIt) {
  TrainRun r;
  // Start the run, kill -9 the scheduler (its workers die with it), rerun.
  std::string cmd = "HURACAN_TEST_HANG_SYMBOL=SOLUSDT " + ShellQuote(huracan::testing::HuracanBinary()) +
                    " train --data-dir " + ShellQuote(r.data) + " --archive " + ShellQuote(r.archive) + " --db " +
                    ShellQuote(r.db) + " --engines trend_ma --promotion-rules " + ShellQuote(r.rules) +
                    " --run-id w1 --mode sequential --claim-lease-seconds 3 >/dev/null 2>&1 & echo $!";
  auto bg = RunCommand(cmd);
  pid_t pid = static_cast<pid_t>(std::stol(bg.out));
  // Wait until SOLUSDT (the last symbol, hanging) is running, so the others are done.
  for (int i = 0; i < 600 && r.Status("w1", "SOLUSDT") != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(r.Status("w1", "SOLUSDT"), "running");
  const std::string dead_owner = r.ClaimOwner("w1", "SOLUSDT");
  EXPECT_NE(dead_owner, "");
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 50 && LiveProcessesMentioning(r.dir) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(LiveProcessesMentioning(r.dir), 0) << "workers outlived the killed scheduler";
  auto rerun = RunCommand(ShellQuote(huracan::testing::HuracanBinary()) + " train --data-dir " + ShellQuote(r.data) +
                          " --archive " + ShellQuote(r.archive) + " --db " + ShellQuote(r.db) +
                          " --engines trend_ma --promotion-rules " + ShellQuote(r.rules) +
                          " --run-id w1 --claim-heartbeat-seconds 0.5");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("3 done (2 already done before)"), std::string::npos) << rerun.out;
  // The dead run's claim on SOLUSDT was taken over once its 3 s lease had ended (the rerun looks
  // again every heartbeat, 0.5 s).
  const std::string owner = r.ClaimOwner("w1", "SOLUSDT");
  EXPECT_NE(owner, "");
  EXPECT_NE(owner, dead_owner);
  EXPECT_EQ(r.Count("SELECT attempts FROM run_ledger WHERE run_id = 'w1' AND symbol = 'SOLUSDT'"), 2);
  r.ExpectNoDuplicates("w1", 3);
  r.ExpectValidChampions(3);
}

// `workers` `huracan train` processes on one run id at once, each one worker process at a time
// (a waiting process looks at a busy symbol again every heartbeat: 0.5 s here), process i with
// `extra(i)` and the environment `env`; returns their outputs (stdout + stderr), after checking
// that each exits 0.
std::vector<std::string> TrainAtOnce(TrainRun& r, const std::string& run, int workers,
                                     const std::function<std::string(int)>& extra, const std::string& env = "") {
  std::string script;
  for (int i = 0; i < workers; ++i) {
    script += "(" + env + " " + ShellQuote(huracan::testing::HuracanBinary()) + " train --data-dir " +
              ShellQuote(r.data) + " --archive " + ShellQuote(r.archive) + " --db " + ShellQuote(r.db) +
              " --engines trend_ma --promotion-rules " + ShellQuote(r.rules) + " --run-id " + run +
              " --retries 0 --mode parallel --max-concurrent 1 --threads 1 --claim-heartbeat-seconds 0.5 " + extra(i) +
              " >" + ShellQuote(r.dir + "/o" + std::to_string(i)) + " 2>&1; echo $? >" +
              ShellQuote(r.dir + "/rc" + std::to_string(i)) + ") & ";
  }
  script += "wait";
  auto res = RunCommand(script);
  EXPECT_EQ(res.exit_code, 0) << res.err;
  std::vector<std::string> outs;
  for (int i = 0; i < workers; ++i) {
    std::ifstream rc(r.dir + "/rc" + std::to_string(i)), out(r.dir + "/o" + std::to_string(i));
    std::string code((std::istreambuf_iterator<char>(rc)), std::istreambuf_iterator<char>());
    std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    EXPECT_EQ(code, "0\n") << "worker " << i << ": " << text;
    outs.push_back(text);
  }
  return outs;
}

std::vector<std::string> TrainConcurrently(TrainRun& r, const std::string& run, int workers) {
  auto outs = TrainAtOnce(r, run, workers, [](int) { return std::string(); });
  for (const auto& text : outs) EXPECT_NE(text.find("3 symbols, 3 done"), std::string::npos) << text;
  return outs;
}

// How many times `needle` occurs in `text`.
int Occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// Every symbol trained exactly once by 4 invocations of one run id: one `started` log line and one
// attempt per symbol over all of them, one row of each kind, valid champions.
void ExpectFourWorkersTrainEachSymbolOnce(TrainRun& r, const std::string& run) {
  auto outs = TrainConcurrently(r, run, 4);
  int started = 0;
  for (const auto& o : outs) started += Occurrences(o, " started (attempt");
  EXPECT_EQ(started, 3);
  EXPECT_EQ(r.Count("SELECT SUM(attempts) FROM run_ledger WHERE run_id = ?", {run}), 3);
  EXPECT_EQ(r.Count("SELECT MAX(attempts) FROM run_ledger WHERE run_id = ?", {run}), 1);
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = ? AND claim_expires_ms IS NOT NULL AND "
                    "status <> 'done'",
                    {run}),
            0);
  r.ExpectNoDuplicates(run, 3);
  r.ExpectValidChampions(3);
}

TEST(TrainE2E, FourWorkersOnOneRunIdTrainEverySymbolOnce) {
  TrainRun r;
  ExpectFourWorkersTrainEachSymbolOnce(r, "four");
}

// Four shard tasks (`--shard i/4`) on one run id where shard 0 holds 5 of the 7 symbols and its
// first one is slow: the other tasks, done with their own shards, steal shard 0's symbols from its
// end; every symbol is trained once. With --no-steal each task trains exactly its own shard.
TEST(TrainE2E, ShardTasksStealFromTheLargestShardAndTrainEachSymbolOnce) {
  TrainRun r;
  r.UseData({"BTC", "SOL", "DOGE"});
  // Copies of DOGE's file under names that fall in shard 0 of 4, like DOGEUSDT (SOL: 1, BTC: 2).
  const std::vector<std::string> big = {"DOG10USDT", "DOG1USDT", "DOG5USDT", "DOG9USDT", "DOGEUSDT"};
  for (const auto& sym : big) {
    ASSERT_TRUE(InShard(sym, Shard{0, 4})) << sym;
    if (sym != "DOGEUSDT")
      fs::copy_file(r.data + "/DOGE-USDT_1m_20251011_20251108.parquet",
                    r.data + "/" + sym.substr(0, sym.size() - 4) + "-USDT_1m_20251011_20251108.parquet");
  }
  auto shard = [](int i) { return "--shard " + std::to_string(i) + "/4"; };
#ifdef HURACAN_SANITIZE_BUILD
  const std::string slow = "HURACAN_TEST_SLOW_SYMBOL=DOG10USDT:10";
#else
  const std::string slow = "HURACAN_TEST_SLOW_SYMBOL=DOG10USDT:3";
#endif
  auto outs = TrainAtOnce(r, "steal", 4, shard, slow);
  int started = 0, stolen_from_big = 0;
  for (int i = 0; i < 4; ++i) {
    started += Occurrences(outs[i], " started (attempt");
    EXPECT_EQ(Occurrences(outs[i], "shard " + std::to_string(i) + "/4, then stealing"), 1) << outs[i];
    for (const auto& sym : big) {
      const int stolen = Occurrences(outs[i], "train: " + sym + " stolen from another shard");
      EXPECT_EQ(stolen, i == 0 ? 0 : Occurrences(outs[i], "train: " + sym + " started")) << outs[i];
      stolen_from_big += stolen;
    }
  }
  EXPECT_EQ(started, 7);
  EXPECT_GE(stolen_from_big, 1) << outs[0] << outs[1] << outs[2] << outs[3];
  EXPECT_EQ(Occurrences(outs[0], "train: DOG10USDT started"), 1) << "the owner trains its first symbol";
  EXPECT_EQ(r.Count("SELECT SUM(attempts) FROM run_ledger WHERE run_id = 'steal'"), 7);
  EXPECT_EQ(r.Count("SELECT MAX(attempts) FROM run_ledger WHERE run_id = 'steal'"), 1);
  EXPECT_EQ(r.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = 'steal' AND claim_expires_ms IS NOT NULL AND "
                    "status <> 'done'"),
            0);
  r.ExpectNoDuplicates("steal", 7);
  r.ExpectValidChampions(7);

  auto plain = TrainAtOnce(r, "nosteal", 4, [&](int i) { return shard(i) + " --no-steal"; });
  const int own[] = {5, 1, 1, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Occurrences(plain[i], " started (attempt"), own[i]) << plain[i];
    EXPECT_EQ(Occurrences(plain[i], "stolen"), 0) << plain[i];
    EXPECT_EQ(Occurrences(plain[i], "shard " + std::to_string(i) + "/4)"), 1) << plain[i];
  }
  r.ExpectNoDuplicates("nosteal", 7);
}

TEST(PostgresTrain, FourWorkersOnOneRunIdTrainEverySymbolOnce) {
  TrainRun r;
  HURACAN_REQUIRE_POSTGRES(r, "four_workers");
  ExpectFourWorkersTrainEachSymbolOnce(r, "four");
}

// A worker killed inside the database transaction leaves none of the symbol's rows; one killed
// right after the commit leaves all of them; either way the rerun completes without duplicates.
TEST(PostgresTrain, ASymbolsRowsCommitTogetherOrNotAtAll) {
  for (const std::string stage : {"in_db_transaction", "after_db_commit"}) {
    SCOPED_TRACE(stage);
    TrainRun r;
    HURACAN_REQUIRE_POSTGRES(r, "kill_" + stage);
    r.UseData({"BTC", "SOL"});
    auto died = r.Train("--run-id k1 --symbols SOLUSDT", "HURACAN_TEST_CRASH_AT=" + stage + ":SOLUSDT");
    const int64_t want = stage == "after_db_commit" ? 1 : 0;
    EXPECT_EQ(died.exit_code, want ? 0 : 1) << died.out << died.err;
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM models WHERE symbol = 'SOLUSDT'"), want);
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM model_metrics"), want);
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM promotions WHERE symbol = 'SOLUSDT'"), want);
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = 'k1' AND status = 'done'"), want);
    auto rerun = r.Train("--run-id k1 --symbols SOLUSDT");
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    r.ExpectNoDuplicates("k1", 1);
    r.ExpectValidChampions(1);
  }
}

// The server stops and starts again in the middle of a run: the run retries with backoff and
// finishes, with the same rows as an uninterrupted run (here on SQLite) and no duplicates.
TEST(PostgresTrain, ServerRestartMidRunRetriesAndFinishes) {
  const char* stop = std::getenv("HURACAN_TEST_PG_STOP");
  const char* start = std::getenv("HURACAN_TEST_PG_START");
  TrainRun r;
  HURACAN_REQUIRE_POSTGRES(r, "restart");
  ASSERT_TRUE(stop && start) << "with-postgres.sh sets HURACAN_TEST_PG_STOP and HURACAN_TEST_PG_START";
  // A short heartbeat, so the scheduler also talks to the database while it is down.
  std::string cmd = "(" + ShellQuote(huracan::testing::HuracanBinary()) + " train --data-dir " + ShellQuote(r.data) +
                    " --archive " + ShellQuote(r.archive) + " --db " + ShellQuote(r.db) +
                    " --engines trend_ma --promotion-rules " + ShellQuote(r.rules) +
                    " --run-id pgr --mode sequential --retries 3 --claim-lease-seconds 10 "
                    "--claim-heartbeat-seconds 0.2 >" +
                    ShellQuote(r.dir + "/out") + " 2>&1; echo $? >" + ShellQuote(r.dir + "/rc") + ") >/dev/null 2>&1 &";
  ASSERT_EQ(RunCommand(cmd).exit_code, 0);
  // Once the first symbol is done, stop the server for 2 s while the next one trains.
  for (int i = 0; i < 600 && r.Status("pgr", "BTCUSDT-PERP") != "done"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(r.Status("pgr", "BTCUSDT-PERP"), "done");
  auto down = RunCommand(stop);
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto up = RunCommand(start);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  for (int i = 0; i < 1800 && !fs::exists(r.dir + "/rc"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::ifstream rc_in(r.dir + "/rc"), out_in(r.dir + "/out");
  std::string rc((std::istreambuf_iterator<char>(rc_in)), std::istreambuf_iterator<char>());
  std::string out((std::istreambuf_iterator<char>(out_in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(rc, "0\n") << out;
  EXPECT_NE(out.find("3 symbols, 3 done"), std::string::npos) << out;
  std::printf("restart run log:\n%s", out.c_str());
  r.ExpectNoDuplicates("pgr", 3);
  r.ExpectValidChampions(3);
  // The same rows as an uninterrupted run of the same inputs.
  TrainRun ref;
  auto uninterrupted = ref.Train("--run-id pgr --engines trend_ma");
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  const std::string got = RowsDigest(r), want = RowsDigest(ref);
  EXPECT_EQ(got, want);
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 3) << got;
}

}  // namespace
}  // namespace huracan::training
