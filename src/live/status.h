// What the live runner shows the outside (docs/LIVE.md, "Status and alerts"). The event-loop
// thread owns the pipelines; at each bar boundary it publishes an immutable LiveStatus snapshot
// to a StatusBoard, and other threads (the status page, the Telegram bot) read the latest one.
// Alerts (degraded symbols, daily-loss stops, champion swaps) leave `live` through AlertSink,
// which `live` owns and `control` implements: `live` never includes `control`.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace huracan::live {

// Upper bounds (microseconds) of the decision-latency histogram buckets; the last bucket is +Inf.
inline constexpr double kLatencyBucketsUs[] = {10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000};
inline constexpr size_t kLatencyBuckets = sizeof(kLatencyBucketsUs) / sizeof(kLatencyBucketsUs[0]) + 1;

struct LatencyHistogram {
  uint64_t counts[kLatencyBuckets] = {};  // per bucket (not cumulative); the last is +Inf
  double sum_us = 0;
  uint64_t count = 0;
  void Add(double us) {
    size_t b = 0;
    while (b + 1 < kLatencyBuckets && us > kLatencyBucketsUs[b]) ++b;
    ++counts[b];
    sum_us += us;
    ++count;
  }
};

struct OpenPosition {
  std::string side;  // "long" | "short"
  int64_t entry_ts_ms = 0;
  double entry = 0;
  double size = 0;            // quote notional
  double unrealised_pnl = 0;  // quote, at the last close
};

// A challenger shadow-traded beside the symbol's champion (docs/LIVE.md, "Challengers"): its
// trades this run against the champion's closed since it started, and how far it is from the live
// promotion gates (promotion.live_min_trades / live_net_bps_band of the live process).
struct ChallengerStatus {
  std::string model_id;
  int64_t since_ms = 0;  // open time of the first bar it stepped (this run)
  std::string error;     // why it does not run (bundle unreadable, pipeline error); empty when running
  int64_t trades = 0;
  double net_bps = 0;  // mean net bps per trade
  bool has_position = false;
  int64_t champion_trades = 0;  // the champion's trades closed since since_ms
  double champion_net_bps = 0;
  double diff_lower_bps = 0;  // lower bound of the 95 % interval of (net_bps - champion_net_bps)
  bool gates_on = false;      // promotion.live_min_trades > 0
  bool evidence_ok = false;   // both live gates pass (false when off)
  int64_t trades_needed = 0;  // more trades the count gate wants
  double bps_short = 0;       // how far diff_lower_bps is below -band
};

struct SymbolStatus {
  std::string model_id;  // empty: not traded (see `error`)
  std::string error;     // why it is not traded
  std::string degraded;  // empty when healthy
  int64_t last_bar_ms = 0;
  int64_t bars = 0;
  int64_t decisions = 0;
  int64_t trades = 0;
  double realised_pnl_today = 0;  // quote
  double realised_pnl_total = 0;  // quote, this run
  bool has_position = false;
  OpenPosition position;
  std::map<std::string, int64_t> rejections;  // reason -> count (this run)
  std::vector<ChallengerStatus> challengers;  // shadow-traded beside the champion, the set's order
};

struct FeedStatus {
  std::string kind;  // "replay" | "binance"
  bool connected = true;
  int64_t last_bar_ms = 0;    // open time of the newest bar received
  int64_t last_event_ms = 0;  // clock time it arrived
  int64_t reconnects = 0;
  int64_t gaps_backfilled = 0;
  int64_t duplicates = 0;
  int64_t out_of_order = 0;
  // Feed messages that did not parse (logged and skipped).
  int64_t bad_messages = 0;
  double lag_seconds = 0;  // clock time - (last bar close time)
};

struct NavPoint {
  int64_t at_ms = 0;
  double nav = 0;  // quote
};

struct ModelSwap {
  int64_t at_ms = 0;
  std::string symbol, old_model_id, new_model_id, reason;
};

// One immutable picture of the runner, taken at a bar boundary.
struct LiveStatus {
  std::string mode;      // "paper" | "shadow"
  int64_t as_of_ms = 0;  // clock time of the snapshot
  int64_t started_ms = 0;
  bool paused = false;
  std::vector<std::string> traded;  // symbols stepped through the pipeline
  std::map<std::string, SymbolStatus> symbols;
  FeedStatus feed;
  int64_t bars_processed = 0;
  int64_t decisions = 0;
  int64_t trades = 0;
  double pnl_today = 0;  // realised, quote, since the UTC day start
  double nav = 0;        // paper mode; 0 in shadow
  LatencyHistogram latency;
  std::vector<ModelSwap> swaps;  // the most recent ones (bounded)
  // The live promotion gates of this process (promotion.live_min_trades, 0 = off; live_net_bps_band).
  int64_t promotion_live_min_trades = 0;
  double promotion_live_net_bps_band = 0;
  std::vector<NavPoint>
      equity_curve;  // recent NAV points, oldest first (bounded; paper mode; the status page charts it)
  // Fresh: a bar arrived within `stale_after_ms` of as_of_ms. /healthz answers 503 when not.
  int64_t stale_after_ms = 3 * 60 * 1000;
  bool fresh() const { return feed.last_event_ms > 0 && as_of_ms - feed.last_event_ms <= stale_after_ms; }
};

// The latest snapshot, shared between the event loop (the only writer) and readers.
class StatusBoard {
 public:
  void Publish(std::shared_ptr<const LiveStatus> s) {
    std::lock_guard<std::mutex> lock(mu_);
    latest_ = std::move(s);
  }
  std::shared_ptr<const LiveStatus> Latest() const {
    std::lock_guard<std::mutex> lock(mu_);
    return latest_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const LiveStatus> latest_;
};

enum class AlertKind : uint8_t { kDegraded, kDailyLossStop, kChampionSwap, kFeedDown, kFeedBack };

struct Alert {
  AlertKind kind = AlertKind::kDegraded;
  int64_t at_ms = 0;
  std::string symbol;  // empty for portfolio-wide alerts
  std::string text;    // one line, ready to show
};

// Where alerts go. Called on the event-loop thread: an implementation must not block (queue the
// alert and send it from its own thread).
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Raise(const Alert& alert) = 0;
};

}  // namespace huracan::live
