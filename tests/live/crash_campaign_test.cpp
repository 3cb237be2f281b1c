// The crash campaign of `huracan live` (docs/RELIABILITY.md, "Crashes"): a 24-hour replay of the
// embedded sample with its zero-cost champions (tests/live/sample_market.h), in shadow and in
// paper mode, killed with SIGKILL at seeded random points (the in-process hook at random bars,
// and from outside at random moments of the bar loop and of the start-up), restarted after each
// kill, then left to finish. Its trade rows, daily_equity rows and archive day files must be the
// uninterrupted run's: no trade lost, none counted twice; no restart may replay from scratch.
//
// HURACAN_LIVE_CRASH_SEED=N reruns a campaign; HURACAN_LIVE_CRASH_POINTS=N sets the kills per
// mode (default 12, 6 under the sanitizers; `make crash-long-live` runs 100).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "data/timestamps.h"
#include "live/crash_campaign_live.h"
#include "live/sample_market.h"
#include "storage/database.h"
#include "storage/object_store.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;
using crash::Child;
using crash::Ended;

constexpr char kFrom[] = "2025-10-25T12:00:00Z";
constexpr char kTo[] = "2025-10-26T12:00:00Z";
constexpr int64_t kBars = 1440;     // bar times of the span
constexpr int64_t kBarMs = 60'000;  // 1m
constexpr double kSpeed = 57'600;   // the span in 1.5 s of bar loop (outside kills)
constexpr int64_t kLoopMs = 1'500;  // kBars * kBarMs / kSpeed
#ifdef HURACAN_SANITIZE_BUILD
constexpr int kDefaultPoints = 6;
#else
constexpr int kDefaultPoints = 12;
#endif

// What one run of the runner wrote: the database, the state folder, the archive (a copy of the
// market's champions, so that its day files are this run's alone).
struct Book {
  std::string dir, db, state, archive;
  Book(const Market& m, const std::string& scratch, const std::string& name)
      : dir(scratch),
        db(scratch + "/" + name + ".db"),
        state(scratch + "/" + name + "-state"),
        archive(scratch + "/" + name + "-archive") {
    fs::copy(m.archive, archive, fs::copy_options::recursive);
    fs::remove_all(archive + "/live_logs");
  }
  std::vector<std::string> Args(const Market& m, const std::string& mode, bool paced) const {
    std::vector<std::string> a = {"live",
                                  "--mode",
                                  mode,
                                  "--replay",
                                  m.data,
                                  "--from",
                                  kFrom,
                                  "--to",
                                  kTo,
                                  "--archive",
                                  archive,
                                  "--db",
                                  db,
                                  "--state-dir",
                                  state,
                                  "--decisions-out",
                                  dir + "/decisions.txt"};
    if (paced) a.insert(a.end(), {"--speed", std::to_string(static_cast<int64_t>(kSpeed))});
    return a;
  }
  Child Start(const Market& m, const std::string& mode, bool paced, const std::vector<std::string>& env = {}) const {
    return crash::Spawn(m.dir, Args(m, mode, paced), env, dir + "/out.json", dir + "/err.txt");
  }
  // The rows of `table`; none before the runner made the database or its tables (a kill in the
  // start-up can land between the two: the restart migrates it).
  std::vector<std::string> Rows(const std::string& table) const {
    if (!fs::exists(db)) return {};
    auto d = storage::OpenDatabase(db);
    EXPECT_TRUE(d.ok()) << db;
    if (!d.ok()) return {};
    auto made = (*d)->Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", {table});
    EXPECT_TRUE(made.ok());
    return made.ok() && !made->rows.empty() ? crash::TableRows(**d, table) : std::vector<std::string>{};
  }
  // Every object a reader of the archive's trade logs sees, with its bytes.
  std::map<std::string, std::string> DayFiles() const {
    std::map<std::string, std::string> out;
    auto store = storage::OpenObjectStore(archive);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return out;
    auto keys = (*store)->List("live_logs/");
    EXPECT_TRUE(keys.ok());
    for (const std::string& k : keys.ok() ? *keys : std::vector<std::string>{}) out[k] = *(*store)->Get(k);
    return out;
  }
};

bool SawStartUp(const Child& c) {
  return crash::ReadAll(c.err_path).find("replaying") != std::string::npos;  // "live: MODE mode, N symbols ..."
}

// Waits until the runner is past its start-up (its "replaying" line) or has ended.
std::optional<Ended> WaitForLoop(const Child& c, int64_t* waited_ms = nullptr) {
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<Ended> ended;
  while (!(ended = crash::TryWait(c)) && !SawStartUp(c)) std::this_thread::sleep_for(std::chrono::microseconds(500));
  if (waited_ms) {
    *waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  return ended;
}

// Temp files of writes in progress under `dir` (a state save's "state.json.tmp.PID", a Put's
// ".tmp-NAME.PID.N"): a kill that leaves one landed inside that write.
size_t TempFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    n += name.rfind(".tmp-", 0) == 0 || name.find(".tmp.") != std::string::npos ? 1 : 0;
  }
  return n;
}

struct Tally {
  int hook = 0, outside = 0, outside_max = 0, start_up = 0;  // kills sent, by kind
  int landed = 0;                                            // kills that found the runner alive and past its start-up
  int start_up_landed = 0;                                   // kills that found it alive, still starting
  int advanced = 0;                                          // kills after which the saved bar had moved on
  int in_state_save = 0, in_put = 0;                         // kills that left a temp file of a state save, of a Put
  size_t trades = 0, days = 0, day_files = 0;
};

// One mode's campaign. Returns the tally; failures are reported through gtest.
Tally Campaign(const Market& m, const std::string& mode, int points, uint64_t seed) {
  Tally t;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string scratch = crash::ScratchDir("live-crash-" + mode);
  crash::ScopedDir cleanup{scratch};
  const std::string book_table = mode == "paper" ? "live_trades" : "shadow_trades";
  const std::string other_table = mode == "paper" ? "shadow_trades" : "live_trades";
  const int64_t first_bar = *data::ParseIsoUtc(kFrom);

  // The uninterrupted run, and how long its start-up took (the range of the start-up kills).
  fs::create_directories(scratch + "/once");
  const Book once(m, scratch + "/once", "once");
  int64_t start_up_ms = 0;
  const Child ref = once.Start(m, mode, /*paced=*/false);
  WaitForLoop(ref, &start_up_ms);
  const auto loop_start = std::chrono::steady_clock::now();
  const Ended ref_end = crash::Wait(ref);
  const int64_t loop_max_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - loop_start).count();
  EXPECT_EQ(ref_end.code, 0) << crash::ReadAll(ref.err_path);
  const std::vector<std::string> want = once.Rows(book_table), want_days = once.Rows("daily_equity");
  const std::map<std::string, std::string> want_files = once.DayFiles();
  EXPECT_GE(want.size(), 5u) << "the zero-cost champions should trade in the span";
  EXPECT_TRUE(once.Rows(other_table).empty());
  if (mode == "paper") {
    EXPECT_EQ(want_days.size(), 2u) << "the span crosses a UTC midnight";
  }
  const std::set<std::string> want_set(want.begin(), want.end());

  fs::create_directories(scratch + "/crash");
  const Book run(m, scratch + "/crash", "crash");
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  // The kills of the loop aim at random moments of the span, in order, so that they spread over
  // the whole day: the hook at the bar of its moment (at least one bar after the restart's saved
  // one), an outside kill at the moment's wall-clock time of the paced loop (before the saved bar:
  // in the restart's catch-up) or, one in two when the moment is past the saved bar, in the work
  // of the moment's bar in a run at full speed (the steps, the trade logs, the state save).
  std::vector<double> moments(static_cast<size_t>(points));
  for (double& x : moments) x = std::uniform_real_distribution<double>(0, 0.95)(rng);
  std::sort(moments.begin(), moments.end());
  size_t next_moment = 0;
  std::optional<int64_t> pos;  // the saved bar time
  size_t put_temps = 0;        // in the archive: no one removes them
  for (int i = 0; next_moment < moments.size(); ++i) {
    const int64_t done = pos ? (*pos - first_bar) / kBarMs + 1 : 0;
    if (kBars - done < 3) break;
    // A start-up kill first (a new database, state folder and day files), then one after every
    // fourth kill of the loop; the others hook or outside, at random.
    const int kind = i % 5 == 0 ? 2 : static_cast<int>(uniform(0, 1));
    const double x = kind == 2 ? 0 : moments.at(next_moment++);
    std::string what;
    Ended end;
    bool past_start_up = true;
    if (kind == 0) {
      const int64_t n = std::clamp<int64_t>(static_cast<int64_t>(x * kBars) - done, 1, kBars - 1 - done);
      what = "hook after bar " + std::to_string(n) + " of the restart";
      const Child c = run.Start(m, mode, false, {"HURACAN_TEST_CRASH_AT_BAR=" + std::to_string(n)});
      end = crash::Wait(c);
      ++t.hook;
    } else if (kind == 1) {
      // At full speed only past the saved bar (the catch-up's speed is not known in advance).
      const int64_t bar = static_cast<int64_t>(x * kBars);
      const bool paced = bar <= done || uniform(0, 1) == 0;
      const Child c = run.Start(m, mode, paced);
      if (auto early = WaitForLoop(c)) {
        ADD_FAILURE() << mode << " kill " << i << ": the runner ended in its start-up (" << early->code
                      << "): " << crash::ReadAll(c.err_path);
        break;
      }
      std::optional<Ended> early;
      if (paced) {
        const auto delay = std::chrono::microseconds(static_cast<int64_t>(x * kLoopMs * 1000));
        what = "outside, " + std::to_string(delay.count()) + " us into the paced loop";
        std::this_thread::sleep_for(delay);
      } else {
        // Once the bar before the moment's bar is saved, at a random moment of up to one bar's
        // work of the uninterrupted run: in the steps, the trade logs or the state save of the bar.
        const int64_t before = first_bar + (bar - 1) * kBarMs;
        while (!(early = crash::TryWait(c)) && crash::SavedFeedPosition(run.state).value_or(INT64_MIN) < before)
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        const auto delay = std::chrono::microseconds(uniform(0, loop_max_us / kBars));
        what = "outside, " + std::to_string(delay.count()) + " us into bar " + std::to_string(bar) +
               " of the full-speed loop";
        if (!early) std::this_thread::sleep_for(delay);
      }
      end = early ? *early : crash::KillAndWait(c);
      ++t.outside;
      t.outside_max += paced ? 0 : 1;
    } else {
      const int64_t delay = uniform(0, std::max<int64_t>(start_up_ms, 1));
      what = "outside, " + std::to_string(delay) + " ms after the start";
      const Child c = run.Start(m, mode, false);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      past_start_up = SawStartUp(c);
      end = crash::KillAndWait(c);
      ++t.start_up;
    }
    if (!end.killed) {
      // Only a kill that came too late ends a run on its own; it must have ended cleanly.
      EXPECT_EQ(end.code, 0) << mode << " kill " << i << " (" << what << "): " << crash::ReadAll(run.dir + "/err.txt");
      std::printf("  %s kill %d (%s): the run had ended\n", mode.c_str(), i, what.c_str());
      pos = crash::SavedFeedPosition(run.state);
      continue;
    }
    ++(past_start_up ? t.landed : t.start_up_landed);
    if (fs::exists(run.state) && TempFiles(run.state) > 0) {
      ++t.in_state_save;
      what += ", inside a state save";
    }
    if (const size_t n = TempFiles(run.archive); n > put_temps) {
      ++t.in_put;
      put_temps = n;
      what += ", inside a Put";
    }
    const std::optional<int64_t> now = crash::SavedFeedPosition(run.state);
    EXPECT_TRUE(!pos || (now && *now >= *pos)) << mode << " kill " << i << ": the saved bar went back";
    if (now && (!pos || *now > *pos)) ++t.advanced;
    pos = now;
    // A restart resumes: what is logged so far is a part of the uninterrupted run's rows, each once.
    const std::vector<std::string> rows = run.Rows(book_table);
    EXPECT_LE(rows.size(), want.size()) << mode << " kill " << i;
    for (const std::string& r : rows) EXPECT_TRUE(want_set.count(r)) << mode << " kill " << i << ": " << r;
    EXPECT_TRUE(run.Rows(other_table).empty());
    EXPECT_LE(run.Rows("daily_equity").size(), want_days.size());
    std::printf("  %s kill %d (%s): saved bar %lld of %lld, %zu trades logged\n", mode.c_str(), i, what.c_str(),
                static_cast<long long>(pos ? (*pos - first_bar) / kBarMs + 1 : 0), static_cast<long long>(kBars),
                rows.size());
  }

  // The last restart finishes the span from the saved bar.
  const Child last = run.Start(m, mode, false);
  const Ended last_end = crash::Wait(last);
  const std::string err = crash::ReadAll(last.err_path);
  EXPECT_EQ(last_end.code, 0) << err;
  const std::string out = crash::ReadAll(run.dir + "/out.json");
  if (last_end.code == 0) {
    const auto report = nlohmann::json::parse(out);
    const int64_t done = pos ? (*pos - first_bar) / kBarMs + 1 : 0;
    EXPECT_EQ(report["caught_up"].get<int64_t>(), done) << out;
    EXPECT_EQ(report["caught_up"].get<int64_t>() + report["bar_times"].get<int64_t>(), kBars) << out;
  }
  EXPECT_EQ(run.Rows(book_table), want) << mode;
  EXPECT_TRUE(run.Rows(other_table).empty());
  EXPECT_EQ(run.Rows("daily_equity"), want_days) << mode;
  if (auto d = storage::OpenDatabase(run.db); d.ok()) {
    auto check = (*d)->Query("PRAGMA integrity_check");
    EXPECT_TRUE(check.ok() && check->rows.at(0).cell(0).ToText() == "ok") << run.db;
  } else {
    ADD_FAILURE() << d.error().message;
  }
  // Each run writes the decisions of every bar it steps, its catch-up's too: the last restart's
  // are the whole span's, line for line the uninterrupted run's.
  const std::string decisions = crash::ReadAll(run.dir + "/decisions.txt");
  EXPECT_FALSE(decisions.empty());
  EXPECT_TRUE(decisions == crash::ReadAll(once.dir + "/decisions.txt")) << mode << ": decisions differ";
  // The day files: the same objects, byte for byte; nothing else where a reader lists them.
  const std::map<std::string, std::string> files = run.DayFiles();
  EXPECT_FALSE(want_files.empty());
  EXPECT_EQ(files.size(), want_files.size());
  for (const auto& [key, bytes] : want_files) {
    auto it = files.find(key);
    EXPECT_TRUE(it != files.end() && it->second == bytes) << key << (it == files.end() ? " missing" : " differs");
  }
  const std::regex day_key(R"(live_logs/trades/\d{8}\.parquet)");
  for (const auto& [key, bytes] : files) EXPECT_TRUE(std::regex_match(key, day_key)) << key;
  // A Put killed half way leaves its temp file (".tmp-NAME.PID...") beside the object; no listing
  // shows it (checked above).
  // The state folder holds the state alone (a crash's temp files are removed at the restart).
  for (const auto& e : fs::directory_iterator(run.state))
    EXPECT_EQ(e.path().filename(), "state.json") << "left in the state folder: " << e.path();

  t.trades = want.size();
  t.days = want_days.size();
  t.day_files = want_files.size();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "crash campaign %s: %d kills (%d hook, %d outside in the loop of which %d at full speed, %d in the start-up), "
      "%d landed past the start-up, %d in it, %d moved the saved bar, %d inside a state save, %d inside a day "
      "file's Put; %zu trades, %zu daily_equity rows, %zu day files equal the uninterrupted run's; %.1f s\n",
      mode.c_str(), t.hook + t.outside + t.start_up, t.hook, t.outside, t.outside_max, t.start_up, t.landed,
      t.start_up_landed, t.advanced, t.in_state_save, t.in_put, t.trades, t.days, t.day_files, secs);
  return t;
}

TEST(LiveCrashCampaign, RandomKillsLoseNoTradeAndCountNoneTwice) {
  SampleMarket m;
  const int points = crash::EnvCount("HURACAN_LIVE_CRASH_POINTS", kDefaultPoints);
  const uint64_t seed = crash::CampaignSeed("HURACAN_LIVE_CRASH_SEED");
  const Tally shadow = Campaign(m, "shadow", points, seed);
  const Tally paper = Campaign(m, "paper", points, seed + 1);
  const int landed = shadow.landed + paper.landed;
  // Every kill of the loop found the runner alive (a hook kill or an outside kill before the end):
  // at least 24 with the default points (12 under the sanitizers).
  EXPECT_GE(landed, 2 * points);
  std::printf("crash campaign: %d kills landed past the start-up (seed %llu)\n", landed,
              static_cast<unsigned long long>(seed));
}

}  // namespace
}  // namespace huracan::live
