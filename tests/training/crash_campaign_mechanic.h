// The crash campaign of `huracan mechanic` (docs/RELIABILITY.md, "Crashes"): kill -9 of a pass at
// each stage boundary (the test hooks, training/test_hooks.h) and at seeded random delays over a
// clean pass's wall time, each on a fresh copy of a trained base, then a rerun of the same run id,
// each checked against the invariants below and against an uninterrupted pass.
//
// Environment: HURACAN_MECH_CRASH_SEED (the random delays' seed; printed, random when unset) and
// HURACAN_MECH_CRASH_POINTS (random kills per campaign; `make crash-long-mechanic` sets it).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "registry/bundle.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "support/test_support.h"
#include "training/mechanic_support.h"

extern char** environ;

namespace huracan::training::testing {

// What a pass leaves for its symbol: the champion pointer, the challenger set, the pass's model.
struct MechanicState {
  std::string champion;                // the pointer's current model id
  std::string champion_sha;            // and its manifest sha256
  std::vector<std::string> history;    // the pointer's previous model ids, newest first
  std::vector<std::string> set;        // challengers.json's model ids, in order
  std::string model_id;                // the `models` row of the run id (empty when none)
  std::string kind;                    // its kind: "champion" (promoted) or "challenger"
  std::vector<std::string> decisions;  // the `promotions` rows naming it (decision, from, reason, snapshot)

  bool operator==(const MechanicState&) const = default;
  std::string Describe() const {
    std::string s = "champion " + champion + " (" + champion_sha + "), history [";
    for (const auto& h : history) s += h + " ";
    s += "], set [";
    for (const auto& e : set) s += e + " ";
    s += "], model " + model_id + " (" + kind + "), decisions:";
    for (const auto& d : decisions) s += "\n  " + d;
    return s;
  }
};

inline MechanicState ReadMechanicState(const MechanicCase& c, const std::string& run_id) {
  MechanicState st;
  const registry::ChampionPointer p = c.Pointer();
  st.champion = p.current.model_id;
  st.champion_sha = p.current.sha256;
  for (const auto& e : p.previous) st.history.push_back(e.model_id);
  auto set = registry::ReadChallengerSet(*c.Store(), c.symbol);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().message);
  if (set.ok() && set->has_value())
    for (const auto& e : (*set)->challengers) st.set.push_back(e.model_id);
  auto rows =
      c.Db()->Query("SELECT model_id, kind FROM models WHERE params LIKE ?", {"%\"run_id\":\"" + run_id + "\"%"});
  EXPECT_TRUE(rows.ok());
  if (rows.ok() && !rows->rows.empty()) {
    st.model_id = *rows->rows[0].Text(0);
    st.kind = *rows->rows[0].Text(1);
    auto d = c.Db()->Query(
        "SELECT decision, from_model_id, reason, snapshot FROM promotions WHERE to_model_id = ? ORDER BY promotion_id",
        {st.model_id});
    EXPECT_TRUE(d.ok());
    if (d.ok())
      for (const auto& row : d->rows)
        st.decisions.push_back(row.Text(0).value_or("") + " from " + row.Text(1).value_or("") + ": " +
                               row.Text(2).value_or("") + " " + row.Text(3).value_or(""));
  }
  return st;
}

// Between a kill and its rerun, and after: the pointer names a bundle that verifies (no fallback)
// and is one of `allowed`; every challenger in challengers.json names a bundle that verifies.
inline void ExpectConsistent(const MechanicCase& c, const std::vector<std::string>& allowed) {
  auto store = c.Store();
  auto champ = registry::LoadChampion(*store, c.symbol);
  ASSERT_TRUE(champ.ok()) << champ.error().message;
  EXPECT_FALSE(champ->fell_back) << "the pointer's own bundle does not verify";
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), champ->entry.model_id), allowed.end())
      << "champion " << champ->entry.model_id << " is neither the old one nor the promoted one";
  auto set = registry::ReadChallengerSet(*store, c.symbol);
  ASSERT_TRUE(set.ok()) << set.error().message;
  if (!set->has_value()) return;
  for (const auto& e : (*set)->challengers) {
    auto b = registry::ReadBundle(*store, e.path, e.sha256);
    EXPECT_TRUE(b.ok()) << "challengers.json names " << e.model_id << " at " << e.path << ": "
                        << (b.ok() ? "" : b.error().message);
  }
}

// The seed of the random kills: HURACAN_MECH_CRASH_SEED, else a random one; printed either way.
inline uint64_t CrashCampaignSeed() {
  const char* env = std::getenv("HURACAN_MECH_CRASH_SEED");
  const uint64_t seed = env && *env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::printf("crash campaign seed: %llu (HURACAN_MECH_CRASH_SEED=%llu reruns these delays)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  return seed;
}

// Random kills per campaign: HURACAN_MECH_CRASH_POINTS, else `ci` (`sanitized` under the sanitizers,
// where a pass is several times slower).
inline int CrashCampaignRandomPoints(int ci, int sanitized) {
  const char* env = std::getenv("HURACAN_MECH_CRASH_POINTS");
  if (env && *env) return std::max(0, std::atoi(env));
#ifdef HURACAN_SANITIZE_BUILD
  (void)ci;
  return sanitized;
#else
  (void)sanitized;
  return ci;
#endif
}

// Runs `cmd` (a shell command; its output discarded) and sends it SIGKILL `delay_ms` after its
// start. True when the kill landed (it was still running), false when it had exited before.
inline bool RunAndKillAfter(const std::string& cmd, double delay_ms) {
  const std::string line = "exec " + cmd + " >/dev/null 2>&1";
  const char* argv[] = {"/bin/sh", "-c", line.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    ADD_FAILURE() << "cannot start: " << cmd;
    return false;
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double, std::milli>(delay_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // finished before the kill
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  ::kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// One campaign: a path of the mechanic (its base, its command, its run id) killed at `stages` and at
// `random_points` random delays, each on a fresh copy.
struct CrashCampaign {
  std::function<std::unique_ptr<MechanicCase>()> make_case;  // a fresh copy of the trained base
  std::function<std::string(const MechanicCase&)> command;   // the pass, a shell command (`--run-id run_id`)
  std::string run_id;
  std::vector<std::string> stages;  // HURACAN_TEST_CRASH_AT stages this path reaches
  int random_points = 0;            // random kills that must land
};

struct CrashCampaignResult {
  int stage_points = 0;      // kills at a stage (each checked to have died there)
  int random_tried = 0;      // random delays
  int random_landed = 0;     // ... that killed the pass while it ran
  double clean_seconds = 0;  // an uninterrupted pass's wall time (the faster of two)
  MechanicState clean;       // what it leaves
  std::string before;        // the champion before the pass
  int Points() const { return stage_points + random_landed; }
};

// Kills, reruns and checks: after each kill the state is consistent (the pointer verifies and names
// the old champion or the one the clean pass promotes); after the rerun it is exactly the clean
// pass's (the pointer and its history, the set, the run's one `models` row and the `promotions` rows
// naming it), with one `done` ledger row for the run; a further pass does nothing.
inline CrashCampaignResult RunCrashCampaign(const CrashCampaign& cc) {
  using huracan::testing::RunCommand;
  CrashCampaignResult res;
  const std::string run_rows = "SELECT COUNT(*) FROM models WHERE params LIKE '%\"run_id\":\"" + cc.run_id + "\"%'";
  // Two clean passes, each on its own copy: the same state; the faster one's wall time (the first
  // one also warms the caches) spans the random delays.
  for (int i = 0; i < 2; ++i) {
    auto c = cc.make_case();
    res.before = c->Pointer().current.model_id;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = RunCommand(cc.command(*c));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const MechanicState st = ReadMechanicState(*c, cc.run_id);
    EXPECT_FALSE(st.model_id.empty()) << "the clean pass stored no model: " << r.out << r.err;
    if (i > 0) {
      EXPECT_EQ(st, res.clean) << "two clean passes differ";
    }
    res.clean = st;
    res.clean_seconds = i == 0 ? seconds : std::min(res.clean_seconds, seconds);
  }
  const std::vector<std::string> allowed{res.before, res.clean.champion};
  auto rerun_and_check = [&](MechanicCase& c) {
    ExpectConsistent(c, allowed);
    auto r = RunCommand(cc.command(c));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ExpectConsistent(c, allowed);
    EXPECT_EQ(ReadMechanicState(c, cc.run_id), res.clean);
    EXPECT_EQ(c.Count(run_rows), 1);
    EXPECT_EQ(c.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = ? AND status = 'done'", {cc.run_id}), 1);
    EXPECT_EQ(c.Count("SELECT COUNT(*) FROM run_ledger WHERE run_id = ?", {cc.run_id}), 1);
    const int64_t models = c.Count("SELECT COUNT(*) FROM models"),
                  decisions = c.Count("SELECT COUNT(*) FROM promotions");
    r = RunCommand(cc.command(c));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(MechanicCase::Line(r)["already_done"], 1) << r.out;
    EXPECT_EQ(c.Count("SELECT COUNT(*) FROM models"), models);
    EXPECT_EQ(c.Count("SELECT COUNT(*) FROM promotions"), decisions);
    EXPECT_EQ(ReadMechanicState(c, cc.run_id), res.clean);
  };
  for (const std::string& stage : cc.stages) {
    SCOPED_TRACE("kill at " + stage);
    auto c = cc.make_case();
    auto died = RunCommand("HURACAN_TEST_CRASH_AT=" + stage + ":" + c->symbol + " " + cc.command(*c));
    EXPECT_NE(died.exit_code, 0) << "the pass did not reach " << stage << ": " << died.out << died.err;
    EXPECT_TRUE(died.out.empty()) << died.out;
    ++res.stage_points;
    rerun_and_check(*c);
  }
  std::mt19937_64 rng(CrashCampaignSeed());
  std::uniform_real_distribution<double> delay(0.0, res.clean_seconds * 1000.0);
  // Until `random_points` kills landed (a delay past the pass's end kills nothing), at most three
  // times as many tries.
  while (res.random_landed < cc.random_points && res.random_tried < 3 * cc.random_points) {
    const double ms = delay(rng);
    SCOPED_TRACE("random kill " + std::to_string(res.random_tried) + " at " + std::to_string(ms) + " ms");
    auto c = cc.make_case();
    ++res.random_tried;
    if (RunAndKillAfter(cc.command(*c), ms)) ++res.random_landed;
    rerun_and_check(*c);
  }
  std::printf("crash campaign %s: %d stage kills, %d of %d random kills landed (clean pass %.2f s), %d points\n",
              cc.run_id.c_str(), res.stage_points, res.random_landed, res.random_tried, res.clean_seconds,
              res.Points());
  return res;
}

}  // namespace huracan::training::testing
