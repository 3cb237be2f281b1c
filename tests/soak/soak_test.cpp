// The soak test of CI (docs/RELIABILITY.md, "Load"): `make soak` at CI size on the embedded sample
// alone. 50 symbols are derived from the sample's three coins the way the benchmark universe is
// (bench/live_universe.cpp): symbol k is coin k mod 3; block j = k / 3 takes that coin's bars j
// days earlier, re-stamped onto the simulated day, every price times 2^((j mod 7) - 3), and gets a
// copy of the coin's zero-cost champion under its own id. `huracan live --mode shadow --replay
// --speed max` runs one simulated day on them while the test samples the process's VmRSS
// (/proc/PID/status); it fails when the peak of the bar loop's last quarter exceeds the peak of its
// first quarter by more than kMaxGrowthMiB, or when the engines do not trade. Label `soak`
// (`ctest -L soak`); part of `make test` and `make test-asan` (under the sanitizers the growth is
// printed, not checked: ASan holds freed memory back in its quarantine by design).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/time_units.h"
#include "data/catalog.h"
#include "data/parquet.h"
#include "data/timestamps.h"
#include "live/sample_market.h"
#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/champion.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;

constexpr int kSymbols = 50;
constexpr char kDay[] = "2025-11-06";  // the simulated day; the replay files begin kHistoryDays before
constexpr int kHistoryDays = 3;        // the runner warms up on the last 2,880 bars of them
constexpr double kMaxGrowthMiB = 8;
constexpr auto kSampleEvery = std::chrono::milliseconds(20);

// Writes the derived universe's replay files into `replay` and a champion for each derived symbol
// into `archive` (which holds the sample coins' champions); returns the symbol ids.
std::vector<std::string> MakeUniverse(const std::string& replay, const std::string& archive) {
  fs::create_directories(replay);
  const int64_t day = *data::ParseIsoUtc(kDay), begin = day - kHistoryDays * kMsPerDay, end = day + kMsPerDay;
  auto entries = data::ScanDataDir(huracan::testing::SampleDir(), "1m");
  EXPECT_TRUE(entries.ok() && entries->size() == 3u);
  if (!entries.ok() || entries->empty()) return {};
  auto store = storage::OpenObjectStore(archive);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return {};
  std::vector<std::string> symbols;
  for (int k = 0; k < kSymbols; ++k) {
    const data::CatalogEntry& base = (*entries)[static_cast<size_t>(k) % entries->size()];
    const int j = k / static_cast<int>(entries->size());
    auto src = data::LoadBars(base.path);
    EXPECT_TRUE(src.ok()) << base.path;
    if (!src.ok()) return {};
    data::Market m = base.name.market;
    if (j > 0) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "X%03d", k);
      m.base += suffix;
    }
    const int64_t shift = j * kMsPerDay;
    const double scale = j == 0 ? 1.0 : std::ldexp(1.0, j % 7 - 3);
    data::BarSeries out =
        src->slice(data::FirstAtOrAfter(src->ts_ms, begin - shift), data::FirstAtOrAfter(src->ts_ms, end - shift));
    EXPECT_EQ(out.size(), static_cast<size_t>((kHistoryDays + 1) * 1440)) << m.id() << ": the sample has a gap";
    out.symbol = m.id();
    for (size_t i = 0; i < out.size(); ++i) {
      out.ts_ms[i] += shift;
      for (double* p : {&out.open[i], &out.high[i], &out.low[i], &out.close[i]}) *p *= scale;
    }
    EXPECT_TRUE(data::WriteParquetBars(
                    replay + "/" + data::NormalisedFileName(m, "1m", out.ts_ms.front(), out.ts_ms.back()), out)
                    .ok());
    symbols.push_back(m.id());
    if (j == 0) continue;
    // The base coin's champion under the derived symbol's id (a bundle of its own, sha256 valid).
    auto champion = registry::LoadChampion(**store, base.symbol());
    EXPECT_TRUE(champion.ok()) << base.symbol();
    if (!champion.ok()) return {};
    registry::ModelBundle bundle = champion->bundle;
    bundle.config.symbol = m.id();
    const std::string ts = champion->entry.model_id.substr(champion->entry.model_id.find('@') + 1);
    registry::ChampionEntry e = champion->entry;
    e.path = registry::ModelPrefix(m.id(), ts);
    e.model_id = registry::MakeModelId(m.id(), ts);
    auto sha = registry::WriteBundle(**store, e.path, bundle);
    EXPECT_TRUE(sha.ok());
    if (!sha.ok()) return {};
    e.sha256 = *sha;
    e.reason = "soak copy of " + champion->entry.model_id;
    EXPECT_TRUE(registry::SetChampion(**store, m.id(), e).ok()) << m.id();
  }
  return symbols;
}

struct RssSample {
  double t = 0;  // seconds since the start
  double mib = 0;
};

// VmRSS of /proc/PID/status in MiB (0 once the process is gone).
double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double PeakIn(const std::vector<RssSample>& s, double from, double to) {
  double peak = 0;
  for (const auto& x : s)
    if (x.t >= from && x.t <= to) peak = std::max(peak, x.mib);
  return peak;
}

TEST(Soak, FiftySymbolsForOneSimulatedDayKeepTheirMemoryFlatAndTrade) {
  SampleMarket market;
  const std::string dir = market.dir + "/soak", replay = dir + "/replay", out = dir + "/report.json",
                    err = dir + "/stderr.txt";
  const auto t_make = std::chrono::steady_clock::now();
  const std::vector<std::string> symbols = MakeUniverse(replay, market.archive);
  ASSERT_EQ(symbols.size(), static_cast<size_t>(kSymbols));
  std::string list;
  for (const auto& s : symbols) list += (list.empty() ? "" : ",") + s;
  const double make_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_make).count();

  using huracan::testing::ShellQuote;
  // `exec`: the shell becomes huracan, so the child's pid is the runner's.
  const std::string cmd = "exec " + ShellQuote(huracan::testing::HuracanBinary()) + " live --mode shadow --replay " +
                          ShellQuote(replay) + " --speed max --from " + kDay + " --costs zero --archive " +
                          ShellQuote(market.archive) + " --db " + ShellQuote(dir + "/soak.db") + " --symbols " + list +
                          " >" + ShellQuote(out) + " 2>" + ShellQuote(err);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::vector<RssSample> samples;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (const double mib = RssMiB(pid); mib > 0) samples.push_back({since(), mib});
    std::this_thread::sleep_for(kSampleEvery);
  }
  const double t_end = since();
  std::string stderr_text;
  {
    std::ifstream in(err);
    stderr_text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "huracan live failed:\n" << stderr_text;
  std::ifstream in(out);
  const nlohmann::json report = nlohmann::json::parse(in);

  // Every symbol loaded its champion and was decided at every bar of the day; the engines traded.
  int64_t bars = 0, trades = 0;
  ASSERT_EQ(report["symbols"].size(), static_cast<size_t>(kSymbols));
  for (const auto& [symbol, s] : report["symbols"].items()) {
    EXPECT_FALSE(s["model_id"].is_null()) << symbol << " has no champion";
    EXPECT_EQ(s["bars"].get<int64_t>(), 1440) << symbol;
    bars += s["bars"].get<int64_t>();
    trades += s["trades"].get<int64_t>();
  }
  EXPECT_EQ(report["bar_times"].get<int64_t>(), 1440);
  EXPECT_GT(trades, 0) << "the zero-cost champions should trade";

  // The bar loop is the last `seconds` of the process's life; before it the bundles and the
  // history are loaded.
  const double loop_s = report["seconds"].get<double>(), t1 = t_end, t_loop = std::max(0.0, t1 - loop_s),
               q = (t1 - t_loop) / 4;
  size_t in_loop = 0;
  for (const auto& x : samples) in_loop += x.t >= t_loop;
  const double first = PeakIn(samples, t_loop, t_loop + q), last = PeakIn(samples, t1 - q, t1),
               peak = PeakIn(samples, 0, t1), growth = last - first;
  std::printf(
      "soak: %d symbols x 1 simulated day: universe made in %.1f s; huracan live %.1f s, bar loop %.1f s, %lld bars, "
      "%lld trades; RSS samples %zu (%zu in the bar loop): peak first quarter %.1f MiB, last quarter %.1f MiB, growth "
      "%.1f MiB (bound %.0f), peak of the run %.1f MiB; decision latency p50 %.1f us, p99 %.1f us\n",
      kSymbols, make_s, t_end, loop_s, static_cast<long long>(bars), static_cast<long long>(trades), samples.size(),
      in_loop, first, last, growth, kMaxGrowthMiB, peak, report["decision_latency_us"]["p50"].get<double>(),
      report["decision_latency_us"]["p99"].get<double>());
  ASSERT_GE(in_loop, 8u) << "too few RSS samples in the bar loop to judge its memory";
#ifndef HURACAN_SANITIZE_BUILD
  EXPECT_LE(growth, kMaxGrowthMiB) << "RSS grew from " << first << " MiB to " << last << " MiB over the bar loop";
#endif
}

}  // namespace
}  // namespace huracan::live
