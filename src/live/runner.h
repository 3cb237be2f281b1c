// Hamilton's event loop (docs/LIVE.md, "The runner", "The event loop"): each selected symbol's
// champion, warmed on the history before the start, driven bar by bar through
// execution::SymbolDriver (the same per-bar sequence as the backtester), in paper or shadow mode,
// with trade logs and the restart state saved at each bar. LiveRunner takes any BarSource and a
// HistoryProvider for warm-ups; at each bar boundary it publishes a LiveStatus, honours the pause
// flag and hot-swaps changed champions and symbol selections. RunLiveReplay wires it to candle files,
// RunLiveFeed to the Binance kline feed (REST warm-up and backfill).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "costs/cost_overrides.h"
#include "data/catalog.h"
#include "features/recipe.h"
#include "live/bar_source.h"
#include "live/binance_source.h"
#include "live/status.h"
#include "registry/challenger_set.h"
#include "registry/promotion.h"

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
  ReplayOptions replay;              // --from, --to, --speed
  std::string recipe = "default";    // features.recipe (the bundles' feature hash is checked against it)
  std::string decisions_out;         // every traded bar's serialised Decision, one per line
  int64_t crash_at_bar = 0;          // test hook: SIGKILL itself after this many bar times (0 = never)
  StatusBoard* status = nullptr;     // given: a LiveStatus is published at every bar boundary
  AlertSink* alerts = nullptr;       // given: degraded symbols, swaps, daily-loss stops are raised here
  size_t ring_bars = 2 * 1440;       // recent bars kept per symbol for (re)warming a swapped-in model
  std::string feed_kind = "replay";  // LiveStatus.feed.kind
  // Bars of history each symbol is warmed on before the start (0: every bar the history has, as a
  // replay does; a live feed: FeedWarmupBars of the recipe).
  size_t warmup_bars = 0;
  // A source's Next() failing with Unavailable is retried after this wait, doubled per failure up
  // to the max, on the clock (kFeedDown is raised once, kFeedBack when a bar comes again).
  int64_t feed_retry_base_ms = 1'000;
  int64_t feed_retry_max_ms = 30'000;
  // A remote (s3://) archive's champion pointers, selector and pause flag are read at a bar
  // boundary at most every this many seconds of wall time (0: at every one). A local archive's
  // files are stat-ed at every bar boundary.
  double poll_seconds = 30;
  // Challengers (champion/SYMBOL/challengers.json) shadow-traded beside each champion, at most
  // this many per symbol (0: none); their closed trades are shadow_trades rows with challenger = 1.
  size_t max_challengers = registry::kDefaultMaxChallengersPerSymbol;
  // The live gates shown in the status (distance from promotion); they decide nothing here.
  registry::PromotionRules promotion;
};

// The warm-up of a live feed, in bars: ten times the recipe's longest integer parameter (periods,
// slow spans: an EMA is then settled to e^-10 of its start), and at least one day (1440 bars).
size_t FeedWarmupBars(const features::FeatureRecipe& recipe);

// The history of a symbol before a time, for warm-ups: the replay's files, or the exchange's REST
// klines for a live feed.
class HistoryProvider {
 public:
  virtual ~HistoryProvider() = default;
  // The bars of `symbol` that open before `before_ms`, the last `count` of them (0: every bar the
  // provider has), oldest first; an empty series when it has none.
  virtual Result<data::BarSeries> Bars(const std::string& symbol, int64_t before_ms, size_t count) = 0;
};

// History from the candle files of a folder (each file loaded once, on first use).
class ReplayHistory final : public HistoryProvider {
 public:
  static Result<std::unique_ptr<ReplayHistory>> Open(const std::string& dir, const std::string& timeframe);
  Result<data::BarSeries> Bars(const std::string& symbol, int64_t before_ms, size_t count) override;
  // A symbol's whole file (NotFound when the folder has none).
  Result<const data::BarSeries*> Series(const std::string& symbol);
  const std::vector<data::CatalogEntry>& entries() const { return entries_; }
  // A symbol's whole file, moved out of the cache (read again on a later use): for the replay's
  // own copy, so a file is held once.
  Result<data::BarSeries> Take(const std::string& symbol);

 private:
  std::vector<data::CatalogEntry> entries_;
  std::map<std::string, data::BarSeries> loaded_;
};

struct LiveSymbolReport {
  std::string model_id;  // empty: not traded
  std::string error;     // why it is not traded (no valid champion, ...)
  int64_t warmup_bars = 0;
  int64_t bars = 0;  // bars stepped through the pipeline
  int64_t trades = 0;
  std::string degraded;  // BarGuard reason, or "pipeline: ..." after a pipeline error; empty when healthy
};

struct SwapRecord {
  int64_t at_ms = 0;                               // open time of the first bar the new model steps
  std::string symbol, old_model_id, new_model_id;  // an empty id: not traded
  std::string reason;                              // "champion", "recipe", "selected", "deselected"
};

struct LiveReport {
  std::map<std::string, LiveSymbolReport> symbols;
  int64_t bar_times = 0;      // distinct bar times processed in this run (catch-up excluded)
  int64_t caught_up = 0;      // bar times re-derived after a restart
  int64_t trades_logged = 0;  // new rows in the trade table
  double seconds = 0;         // wall time of the bar loop
  double latency_p50_us = 0;  // decision time per bar (SymbolDriver::Step), this run, catch-up included
  double latency_p99_us = 0;
  int64_t paused_bar_times = 0;   // bar times processed with the pause flag present
  int64_t challenger_trades = 0;  // challengers' closed trades (shadow_trades, challenger = 1), this run
  int64_t challenger_steps = 0;   // challenger bars stepped (one per challenger per bar)
  double challenger_step_us = 0;  // total time of the challengers' steps, this run
  std::vector<SwapRecord> swaps;  // model changes, in order
};

class LiveRunner {
 public:
  // `candidates`: the symbols the source delivers that may be traded (the --symbols selection, in
  // order); `ref_symbol`: the reference series ("" none), delivered by the source too.
  // `history` must outlive the runner.
  static Result<std::unique_ptr<LiveRunner>> Create(const LiveOptions& options, std::vector<std::string> candidates,
                                                    std::string ref_symbol, HistoryProvider& history,
                                                    const Clock& clock);
  ~LiveRunner();
  // Runs the source to its end (a live source: until it stops).
  Result<LiveReport> Run(BarSource& source);
  // Whether `symbol` runs a model now.
  bool Traded(const std::string& symbol) const;

 private:
  struct Impl;
  explicit LiveRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs the replay to its end. Per-symbol problems (no champion, a refused bar) are in the report;
// an error means the run could not go on (unreadable data, database, corrupt state file).
Result<LiveReport> RunLiveReplay(const LiveOptions& options, const Clock& clock);

// The symbols a live feed trades, in order: `spec` "A,B" (each a market, in the id form:
// "SOL-USDT" -> "SOLUSDT"), or "all" / "topN": the symbols with a champion in the archive,
// alphabetically (topN: the first N of them).
Result<std::vector<std::string>> FeedSymbols(const std::string& archive, const std::string& spec);

// Runs the runner on the Binance kline feed (`binance`: --ws-url / --rest-url; from_ms, until_ms
// are set here): the FeedSymbols of options.symbols plus the reference BTCUSDT-PERP, warmed on
// options.warmup_bars (0: FeedWarmupBars) REST bars before the start. The start is
// options.replay.from_ms (--from), else the minute forming now; a restart with a saved state
// starts where the saved run started (its bars come from REST: the catch-up). options.replay.to_ms
// (--to) ends the run; without it the feed runs until the process is stopped.
Result<LiveReport> RunLiveFeed(LiveOptions options, BinanceOptions binance, const Clock& clock);

}  // namespace huracan::live
