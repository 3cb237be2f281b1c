// Scheduler tests with a fake worker (a shell script speaking the worker protocol), so they
// exercise the real process handling: fork/exec, pipes, deadlines, SIGKILL of the group.
#include "training/scheduler.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_support.h"

namespace huracan::training {
namespace {

// Worker script: for each symbol, `start`, then by name: HANG* sleeps (its pid in $DIR/SYM.pid),
// FAIL* fails, FLAKY* fails on its first two attempts, CRASH* dies without a word; else done.
const char* kFakeWorker = R"SH(
dir="$0"
IFS=,
for s in $2; do
  echo "@huracan-worker start $s"
  n=$(cat "$dir/$s.count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$dir/$s.count"
  case "$s" in
    HANG*) sleep 1000 & echo $! > "$dir/$s.pid"; wait; continue;;
    FAIL*) echo "@huracan-worker failed $s bad data in $s"; continue;;
    FLAKY*) if [ $n -le 2 ]; then echo "@huracan-worker failed $s transient"; continue; fi;;
    CRASH*) echo "boom: $s segfault" >&2; kill -9 $$;;
  esac
  echo "@huracan-worker done $s {\"brief\":\"ok $s\"}"
done
)SH";

// Tests run on a SimulatedClock: deadlines and backoffs pass when the test (or the scheduler's
// idle sleep) moves the clock, not in real time. Only the worker processes are real.
struct Fixture {
  std::string dir = huracan::testing::MakeTempDir("sched");
  WorkerCommand cmd{{"/bin/sh", "-c", kFakeWorker, dir}};
  MemoryRunLedger ledger;
  SimulatedClock sim{1'762'567'200'000};  // 2025-11-08T02:00:00Z
  const Clock* clock = &sim;
  NullProgress null_progress;
  ProgressSink* progress = &null_progress;

  int Count(const std::string& sym) {
    std::ifstream in(dir + "/" + sym + ".count");
    int n = 0;
    in >> n;
    return n;
  }
  Result<RunReport> Run(const SchedulerOptions& o, const std::vector<std::string>& syms,
                        const std::string& run = "r1") {
    Scheduler s(o, cmd, &ledger, clock, progress);
    return s.Run(run, syms);
  }
};

SchedulerOptions Fast(SchedulerMode mode) {
  SchedulerOptions o;
  o.mode = mode;
  o.max_concurrent = 2;
  o.retry.retries = 0;
  o.retry.base_ms = 50;
  o.retry.cap_ms = 200;
  return o;
}

TEST(Scheduler, AllModesFinishEverySymbolOnce) {
  for (auto mode : {SchedulerMode::kSequential, SchedulerMode::kParallel, SchedulerMode::kHybrid}) {
    Fixture f;
    std::vector<std::string> syms;
    for (int i = 0; i < 11; ++i) syms.push_back("S" + std::to_string(i));
    auto r = f.Run(Fast(mode), syms);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->all_done()) << SchedulerModeName(mode);
    for (auto& s : syms) EXPECT_EQ(f.Count(s), 1) << s;
    auto entries = f.ledger.Entries("r1");
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), syms.size());
    for (auto& e : *entries) {
      EXPECT_EQ(e.status, LedgerStatus::kDone);
      EXPECT_EQ(e.attempts, 1);
      EXPECT_GT(e.finished_at_ms, 0);
    }
    EXPECT_EQ(r->symbols[3].result_json, "{\"brief\":\"ok S3\"}");
  }
}

TEST(Scheduler, HybridBatchesAreEightToSixteen) {
  EXPECT_EQ(HybridBatchSize(3, 2, 8, 16), 8);
  EXPECT_EQ(HybridBatchSize(400, 2, 8, 16), 16);
  EXPECT_EQ(HybridBatchSize(24, 2, 8, 16), 12);
  SchedulerOptions o = Fast(SchedulerMode::kHybrid);
  std::vector<std::string> syms(40, "X");
  auto jobs = MakeJobs(syms, o);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].size(), 16u);
  EXPECT_EQ(jobs[2].size(), 8u);
}

// Moves the simulated clock past the deadline once the stuck symbol has started and its
// `sleep` is running (it writes its pid): the scheduler then finds the deadline passed.
class TimeTravel final : public ProgressSink {
 public:
  TimeTravel(SimulatedClock* clock, std::string symbol, std::string pid_file, int64_t jump_ms)
      : clock_(clock), symbol_(std::move(symbol)), pid_file_(std::move(pid_file)), jump_ms_(jump_ms) {}
  void OnRunStart(const std::string&, int, int) override {}
  void OnSymbolStart(const std::string& symbol, int) override { started_ = started_ || symbol == symbol_; }
  void OnSymbolEnd(const std::string&, LedgerStatus, double, const std::string&, int64_t) override {}
  void OnTick() override {
    if (started_ && !jumped_ && std::filesystem::exists(pid_file_)) {
      clock_->Advance(jump_ms_);
      jumped_ = true;
    }
  }
  void OnRunEnd() override {}

 private:
  SimulatedClock* clock_;
  std::string symbol_, pid_file_;
  int64_t jump_ms_;
  bool started_ = false, jumped_ = false;
};

TEST(Scheduler, TimeoutReallyKillsTheStuckWorkerAndTheRunGoesOn) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kHybrid);  // the stuck symbol shares a batch with others
  o.timeout_ms = 10 * 60'000;                         // 10 simulated minutes, no real wait
  TimeTravel travel(&f.sim, "HANG1", f.dir + "/HANG1.pid", o.timeout_ms);
  f.progress = &travel;
  auto r = f.Run(o, {"A1", "HANG1", "B1", "C1"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->symbols[1].status, LedgerStatus::kTimeout);
  EXPECT_DOUBLE_EQ(r->symbols[1].seconds, 600.0);  // on the simulated clock
  EXPECT_EQ(r->symbols[1].timeouts, 1);
  EXPECT_EQ(r->symbols[1].error, "timed out after 600 s; worker killed");
  for (int i : {0, 2, 3}) EXPECT_EQ(r->symbols[i].status, LedgerStatus::kDone) << r->symbols[i].symbol;
  EXPECT_EQ(f.Count("B1"), 1);  // the rest of the batch ran once, in a new worker
  // The `sleep` grandchild was in the worker's process group: it must be dead (gone or zombie).
  std::ifstream pidf(f.dir + "/HANG1.pid");
  pid_t pid = 0;
  pidf >> pid;
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (stat) {
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(line.substr(close + 2, 1), "Z") << "stuck job still alive: " << line;
  }
  auto entries = f.ledger.Entries("r1");
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(FindEntry(*entries, "HANG1")->status, LedgerStatus::kTimeout);
  EXPECT_FALSE(r->all_done());
}

TEST(Scheduler, RetriesWithBackoffUntilSuccess) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kParallel);
  o.retry.retries = 3;
  o.retry.base_ms = 30'000;  // simulated: the scheduler's idle sleep moves the clock, nothing waits
  o.retry.cap_ms = 60'000;
  auto r = f.Run(o, {"FLAKY1", "OK1"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->symbols[0].status, LedgerStatus::kDone);
  EXPECT_EQ(r->symbols[0].attempts, 3);
  EXPECT_EQ(f.Count("FLAKY1"), 3);
  EXPECT_DOUBLE_EQ(r->seconds, 90.0);  // backoff 30 s then 60 s, and no other time passed
  auto entries = f.ledger.Entries("r1");
  EXPECT_EQ(FindEntry(*entries, "FLAKY1")->attempts, 3);
  EXPECT_EQ(FindEntry(*entries, "OK1")->attempts, 1);
}

// The one real-time test: on a WallClock nobody moves time, so this shows the deadline alone
// wakes the scheduler (the poll timeout is derived from it) and the worker is killed.
TEST(Scheduler, WallClockDeadlineFiresByItself) {
  Fixture f;
  WallClock wall;
  f.clock = &wall;
  SchedulerOptions o = Fast(SchedulerMode::kSequential);
  o.timeout_ms = 300;
  const int64_t t0 = wall.MonotonicMs();
  auto r = f.Run(o, {"HANG2", "OK2"});
  const int64_t waited = wall.MonotonicMs() - t0;
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->symbols[0].status, LedgerStatus::kTimeout);
  EXPECT_EQ(r->symbols[1].status, LedgerStatus::kDone);
  EXPECT_GE(waited, 300);
  EXPECT_LT(waited, 10'000);
}

TEST(Scheduler, PermanentFailureUsesAllRetriesThenFails) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kSequential);
  o.retry.retries = 2;
  auto r = f.Run(o, {"FAIL1", "CRASH1", "OK1"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->symbols[0].status, LedgerStatus::kFailed);
  EXPECT_EQ(r->symbols[0].attempts, 3);
  EXPECT_EQ(r->symbols[0].error, "bad data in FAIL1");
  EXPECT_EQ(r->symbols[1].status, LedgerStatus::kFailed);
  EXPECT_NE(r->symbols[1].error.find("signal 9"), std::string::npos) << r->symbols[1].error;
  EXPECT_NE(r->symbols[1].error.find("boom: CRASH1"), std::string::npos) << r->symbols[1].error;
  EXPECT_EQ(r->symbols[2].status, LedgerStatus::kDone);
  EXPECT_EQ(r->count(LedgerStatus::kFailed), 2);
}

TEST(Scheduler, RerunSkipsDoneSymbols) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kParallel);
  auto r1 = f.Run(o, {"A", "FAIL1", "B"});
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->count(LedgerStatus::kDone), 2);
  auto r2 = f.Run(o, {"A", "FAIL1", "B", "C"});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->skipped(), 2);
  EXPECT_TRUE(r2->symbols[0].skipped);
  EXPECT_EQ(f.Count("A"), 1);
  EXPECT_EQ(f.Count("B"), 1);
  EXPECT_EQ(f.Count("FAIL1"), 2);
  EXPECT_EQ(f.Count("C"), 1);
  auto entries = f.ledger.Entries("r1");
  EXPECT_EQ(FindEntry(*entries, "FAIL1")->attempts, 2);
  // Another run id starts from scratch.
  auto r3 = f.Run(o, {"A"}, "r2");
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->skipped(), 0);
  EXPECT_EQ(f.Count("A"), 2);
}

TEST(Scheduler, WaitsForAnotherOwnersClaimAndTakesItOverWhenItsLeaseEnds) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kParallel);
  o.claim_lease_ms = 60000;
  o.claim_owner = "me:1:aaaa";
  // A dead invocation holds B until t0 + 60 s; its renewals stopped when it died.
  const int64_t t0 = f.sim.NowMs();
  ASSERT_EQ(*f.ledger.Claim("r1", "B", "dead:9:ffff", t0, 60000), ClaimResult::kClaimed);
  auto r = f.Run(o, {"A", "B"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->all_done());
  EXPECT_EQ(f.Count("A"), 1);
  EXPECT_EQ(f.Count("B"), 1);  // trained once, after the takeover
  EXPECT_GE(f.sim.NowMs(), t0 + 60000) << "B was taken over before the lease ended";
  auto entries = f.ledger.Entries("r1");
  EXPECT_EQ(FindEntry(*entries, "B")->claim_owner, "me:1:aaaa");
  EXPECT_EQ(FindEntry(*entries, "B")->attempts, 1);
}

TEST(Scheduler, ASymbolDoneByAnotherOwnerIsNotTrainedAgain) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kSequential);
  ASSERT_TRUE(f.ledger.Enroll("r1", {"A", "B"}).ok());
  // Between this invocation's first look at the ledger and its claim, another one finished B:
  // simulated by a ledger whose B turns done when the scheduler tries to claim it.
  struct LateDone : RunLedger {
    MemoryRunLedger* inner;
    explicit LateDone(MemoryRunLedger* m) : inner(m) {}
    Status Enroll(const std::string& r, const std::vector<std::string>& s) override { return inner->Enroll(r, s); }
    Result<std::vector<LedgerEntry>> Entries(const std::string& r) override { return inner->Entries(r); }
    Status MarkRunning(const std::string& r, const std::string& s, int64_t at) override {
      return inner->MarkRunning(r, s, at);
    }
    Status MarkFinished(const std::string& r, const std::string& s, LedgerStatus st, int64_t at,
                        const std::string& e) override {
      return inner->MarkFinished(r, s, st, at, e);
    }
    Result<ClaimResult> Claim(const std::string& r, const std::string& s, const std::string& owner, int64_t at,
                              int64_t lease) override {
      if (s == "B") HURACAN_RETURN_IF_ERROR(inner->MarkFinished(r, s, LedgerStatus::kDone, at, ""));
      return inner->Claim(r, s, owner, at, lease);
    }
    Status RenewClaims(const std::string& r, const std::string& owner, int64_t at, int64_t lease) override {
      return inner->RenewClaims(r, owner, at, lease);
    }
    Status ReleaseClaims(const std::string& r, const std::string& owner) override {
      return inner->ReleaseClaims(r, owner);
    }
  } late(&f.ledger);
  Scheduler s(o, f.cmd, &late, f.clock, f.progress);
  auto r = s.Run("r1", {"A", "B"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->all_done());
  EXPECT_TRUE(r->symbols[1].skipped);
  EXPECT_EQ(f.Count("A"), 1);
  EXPECT_EQ(f.Count("B"), 0);
}

TEST(Scheduler, StealsTheOtherShardsSymbolsItCanClaimAfterItsOwn) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kSequential);
  o.claim_owner = "me:1:aaaa";
  const int64_t t0 = f.sim.NowMs();
  // Of the other shards' symbols, C is done and D held by a live owner: neither is stolen.
  ASSERT_EQ(*f.ledger.Claim("r1", "C", "other:2:bbbb", t0, 600000), ClaimResult::kClaimed);
  ASSERT_TRUE(f.ledger.MarkFinished("r1", "C", LedgerStatus::kDone, t0, "").ok());
  ASSERT_EQ(*f.ledger.Claim("r1", "D", "other:2:bbbb", t0, 600000), ClaimResult::kClaimed);
  Scheduler s(o, f.cmd, &f.ledger, f.clock, f.progress);
  auto r = s.Run("r1", {"A", "B"}, {"C", "D", "E", "F"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->symbols.size(), 4u);
  EXPECT_TRUE(r->all_done());
  EXPECT_EQ(r->stolen(), 2);
  EXPECT_EQ(r->skipped(), 0);
  EXPECT_FALSE(r->symbols[1].stolen);
  EXPECT_EQ(r->symbols[2].symbol, "E");
  EXPECT_TRUE(r->symbols[2].stolen);
  EXPECT_EQ(r->symbols[3].symbol, "F");
  for (const char* sym : {"A", "B", "E", "F"}) EXPECT_EQ(f.Count(sym), 1) << sym;
  EXPECT_EQ(f.Count("C"), 0);
  EXPECT_EQ(f.Count("D"), 0);
  auto entries = f.ledger.Entries("r1");
  EXPECT_EQ(FindEntry(*entries, "E")->claim_owner, "me:1:aaaa");
  EXPECT_EQ(FindEntry(*entries, "E")->status, LedgerStatus::kDone);
  EXPECT_EQ(FindEntry(*entries, "D")->claim_owner, "other:2:bbbb");
  EXPECT_EQ(f.sim.NowMs() - t0 < 600000, true) << "a held symbol of another shard is passed over, not waited for";
  // E's owner runs later: E is done, so it is skipped, not trained again.
  SchedulerOptions owner = o;
  owner.claim_owner = "owner:3:cccc";
  auto later = f.Run(owner, {"E"});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->symbols[0].skipped);
  EXPECT_EQ(f.Count("E"), 1);
}

TEST(Scheduler, RejectsBadOptions) {
  Fixture f;
  SchedulerOptions o = Fast(SchedulerMode::kParallel);
  o.max_concurrent = 0;
  EXPECT_FALSE(f.Run(o, {"A"}).ok());
  EXPECT_FALSE(ParseSchedulerMode("fast").ok());
}

}  // namespace
}  // namespace huracan::training
