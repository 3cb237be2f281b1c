// `huracan live` on a replay (docs/LIVE.md, "The runner"): each selected symbol's champion, warmed
// on the history before the start, driven bar by bar through execution::SymbolDriver (the same
// per-bar sequence as the backtester), in paper or shadow mode, with trade logs and the restart
// state saved at each bar.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "costs/cost_overrides.h"
#include "live/bar_source.h"

namespace huracan::live {

enum class LiveMode : uint8_t { kPaper, kShadow };
Result<LiveMode> ParseLiveMode(const std::string& text);  // "paper" | "shadow"

struct LiveOptions {
  LiveMode mode = LiveMode::kShadow;
  std::string archive = "./archive";          // champions are read here; trade day files are written here
  std::string db = "./huracan.db";            // live_trades / shadow_trades / daily_equity
  std::string symbols = "all";                // all | topN | A,B
  std::optional<costs::CostOverrides> costs;  // given: these costs; none: each bundle's own costs
  std::string state_dir;                      // empty: no restart state
  std::string replay_dir;                     // candle files replayed
  std::string timeframe = "1m";
  ReplayOptions replay;            // --from, --to, --speed
  std::string recipe = "default";  // features.recipe (the bundles' feature hash is checked against it)
  std::string decisions_out;       // every traded bar's serialised Decision, one per line
  int64_t crash_at_bar = 0;        // test hook: SIGKILL itself after this many bar times (0 = never)
};

struct LiveSymbolReport {
  std::string model_id;  // empty: not traded
  std::string error;     // why it is not traded (no valid champion, ...)
  int64_t warmup_bars = 0;
  int64_t bars = 0;  // bars stepped through the pipeline
  int64_t trades = 0;
  std::string degraded;  // BarGuard reason, or "pipeline: ..." after a pipeline error; empty when healthy
};

struct LiveReport {
  std::map<std::string, LiveSymbolReport> symbols;
  int64_t bar_times = 0;      // distinct bar times processed in this run (catch-up excluded)
  int64_t caught_up = 0;      // bar times re-derived after a restart
  int64_t trades_logged = 0;  // new rows in the trade table
  double seconds = 0;         // wall time of the bar loop
};

// Runs the replay to its end. Per-symbol problems (no champion, a refused bar) are in the report;
// an error means the run could not go on (unreadable data, database, corrupt state file).
Result<LiveReport> RunLiveReplay(const LiveOptions& options, const Clock& clock);

}  // namespace huracan::live
