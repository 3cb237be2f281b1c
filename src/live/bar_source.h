// Bar sources for the live runner (docs/LIVE.md, "Bar sources"): a stream of (symbol, bar) events
// in time order across symbols. ReplaySource replays candle files (Parquet or CSV) at a chosen
// speed on a Clock, for shadow mode and tests; BinanceSource (binance_source.h) is the exchange's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/market.h"
#include "core/status.h"
#include "data/bar_series.h"
#include "live/status.h"

namespace huracan::live {

struct BarEvent {
  std::string symbol;
  Bar bar;
};

class BarSource {
 public:
  virtual ~BarSource() = default;
  // The next event, waiting on the source's clock when it is not due yet; nullopt at the end.
  virtual Result<std::optional<BarEvent>> Next() = 0;
  // The source's own counters and connection state (an exchange feed); nullopt when it has none
  // (a replay: the runner counts what its BarGuard sees).
  virtual std::optional<FeedStatus> feed_status() const { return std::nullopt; }
};

struct ReplayOptions {
  std::optional<int64_t> from_ms;  // --from: first bar open time kept (inclusive)
  std::optional<int64_t> to_ms;    // --to: bars open before this time (exclusive)
  double speed = 0;                // --speed: N > 0 = N x real time; 0 = max (no waiting)
};

// --speed "max" -> 0, "N" (a number > 0, e.g. "60", "0.5") -> N. InvalidArgument otherwise.
Result<double> ParseReplaySpeed(std::string_view text);
// --from / --to: ISO-8601 UTC ("2025-10-11", "2025-10-11T12:00Z"); InvalidArgument naming `flag`.
Result<int64_t> ParseReplayBound(std::string_view text, std::string_view flag);

// Replays series merged by bar open time; ties go by series order (the order given). With speed
// N, the bar at time t is released at start + (t - t0) / N on the clock, where start is the
// clock's NowMs() at the first Next() and t0 the first bar's time; with max, at once. A file's
// bars are replayed in file order: ordering and gaps are BarGuard's business, not the source's.
class ReplaySource final : public BarSource {
 public:
  // Series are cut to [from, to) here. Each series needs a symbol.
  static Result<std::unique_ptr<ReplaySource>> FromSeries(std::vector<data::BarSeries> series,
                                                          const ReplayOptions& options, const Clock& clock);
  // Candle files (.parquet or .csv, named BASE-QUOTE[-PERP]_TF_*.ext so the symbol is known),
  // loaded with data::LoadBars, in the order given.
  static Result<std::unique_ptr<ReplaySource>> FromFiles(const std::vector<std::string>& paths,
                                                         const ReplayOptions& options, const Clock& clock);
  // The files of `timeframe` under `dir` (data::ScanDataDir) for `symbols` ("all", "topN" or
  // "A,B", data::SelectSymbols), in the selection's order.
  static Result<std::unique_ptr<ReplaySource>> FromDataDir(const std::string& dir, std::string_view symbols,
                                                           const std::string& timeframe, const ReplayOptions& options,
                                                           const Clock& clock);

  Result<std::optional<BarEvent>> Next() override;

  // Events left to replay.
  size_t remaining() const { return remaining_; }

 private:
  ReplaySource(std::vector<data::BarSeries> series, const ReplayOptions& options, const Clock& clock);

  std::vector<data::BarSeries> series_;
  std::vector<size_t> cursor_;
  ReplayOptions options_;
  const Clock& clock_;
  size_t remaining_ = 0;
  bool started_ = false;
  int64_t start_ms_ = 0, t0_ms_ = 0;
};

}  // namespace huracan::live
