// Data quality: what is wrong with a candle series, what can be repaired safely, and what refuses it.
// The rules are written down in docs/DATA.md ("Quality, repair and refusal").
//
// Findings (QualityReport) are always computed on the series as given. CheckAndRepair then applies
// the repair rules in a fixed order and refuses the series when a refusal rule holds:
//   repairs:  sort by timestamp (stable); drop exact duplicates; widen high/low to contain
//             open/close when the miss is within `envelope_tolerance`; set negative or NaN volume
//             to 0 when such bars are at most `max_bad_volume_fraction` of the series.
//   refusals: conflicting duplicates; non-positive, NaN or infinite prices; high < low; an
//             envelope miss beyond tolerance; a spike (a close beyond `max_abs_log_return` from
//             both neighbours' closes, there and back);
//             too many bad volumes; too many missing bars; too many bars in stale runs; a last bar older than
//             `max_staleness_ms` (when `now_ms` is set); fewer than `min_rows` bars.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/bar_series.h"

namespace huracan::data {

// The largest |1m close-to-close log return| on the 12 coins of ../shared/data/candles/1m
// (2025-06-11 .. 2025-11-08, 216k bars each) is 0.5404 (AVAXUSDT, 2025-10-10T21:22Z, the
// crash of that evening: -42% in one minute). The default bound, 1.5 (a fall to 22% or a rise
// to 4.5x in one minute), is 2.8x that and still refuses a decimal-shift tick (ln 10 = 2.30).
// tests/live/bar_guard_test.cpp re-measures it on the real data and checks the margin (> 2x).
inline constexpr double kDefaultMaxAbsLogReturn = 1.5;

struct QualityPolicy {
  // Bar length. 0 = from the series' timeframe name, else the median timestamp step.
  int64_t timeframe_ms = 0;
  // Staleness: when set, a last bar older than now - max_staleness_ms refuses the series.
  std::optional<int64_t> now_ms;
  int64_t max_staleness_ms = 0;  // 0 = 3 bars
  // A run of at least this many bars with an unchanged close and zero volume is a "stale run".
  int64_t stale_run_min_bars = 30;
  // Refuse when more than this fraction of bars sit in stale runs.
  double max_stale_run_fraction = 0.10;
  // Refuse when more than this fraction of the expected bars (first..last at the timeframe) is missing.
  double max_missing_fraction = 0.05;
  // high/low may miss open/close by at most this relative amount (repaired); beyond it, refused.
  double envelope_tolerance = 1e-3;
  // Negative or NaN volumes are set to 0 while they are at most this fraction of bars; beyond, refused.
  double max_bad_volume_fraction = 1e-3;
  // Refuse a series with a spike: a close whose |ln(close / previous close)| exceeds this bound times
  // sqrt(1 + missing bars between them) and whose next close jumps back beyond it (the live
  // BarGuard refuses every such jump; a series keeps real crashes). 0 = no spike check.
  double max_abs_log_return = kDefaultMaxAbsLogReturn;
  // Refuse a series shorter than this.
  int64_t min_rows = 1;

  Status Validate() const;
};

// One bar behind a finding: its row in the series as given (0-based), its time and what is wrong.
struct BadBar {
  size_t row = 0;
  int64_t ts_ms = 0;
  std::string what;
  bool refusing = false;  // the finding refuses the series whatever the counts (else it is repaired
                          // or, for bad volumes, refused only beyond max_bad_volume_fraction)
  // "row N (ISO time): what"
  std::string Describe() const;
};

struct QualityReport {
  std::string name;  // file or symbol the report is about
  size_t rows = 0;
  int64_t timeframe_ms = 0;                 // the bar length used for gaps
  int64_t median_step_ms = 0;               // detected from the data
  int64_t first_ts_ms = 0, last_ts_ms = 0;  // min and max timestamps

  // Findings, on the series as given.
  size_t exact_duplicates = 0;        // extra copies of an identical bar
  size_t conflicting_duplicates = 0;  // extra bars at a timestamp whose values differ
  size_t out_of_order = 0;            // bars whose timestamp is below the previous bar's
  size_t misaligned = 0;              // timestamps not a multiple of the timeframe
  size_t gaps = 0;                    // holes between consecutive distinct timestamps
  size_t missing_bars = 0;            // bars the holes would hold
  int64_t longest_gap_ms = 0;         // longest step between consecutive distinct timestamps (> timeframe)
  int64_t longest_gap_start_ms = 0;   // timestamp of the bar before it
  size_t bad_prices = 0;              // bars with a non-positive, NaN or infinite open/high/low/close
  size_t high_below_low = 0;
  size_t envelope_violations = 0;  // high < max(open, close) or low > min(open, close)
  double worst_envelope_miss = 0;  // relative to the price
  size_t bad_volume = 0;           // negative, NaN or infinite volume
  size_t price_jumps = 0;          // spikes: closes beyond max_abs_log_return from both neighbours
  size_t stale_runs = 0;           // runs of >= stale_run_min_bars unchanged closes with zero volume
  size_t stale_run_bars = 0;
  size_t longest_stale_run = 0;
  bool stale = false;           // last bar older than now - max_staleness (only when now is given)
  int64_t last_bar_age_ms = 0;  // now - last bar close time (only when now is given)

  // Outcome of CheckAndRepair.
  std::vector<std::string> repairs;   // what was changed, one line each
  std::vector<std::string> refusals;  // why the series is refused, one line each
  size_t rows_out = 0;
  // The first kMaxBadBars bars behind the findings above, in row order.
  static constexpr size_t kMaxBadBars = 20;
  std::vector<BadBar> bad_bars;

  bool refused() const { return !refusals.empty(); }
  // The bar to name in a refusal: the first refusing one, else the first one; nullptr when none.
  const BadBar* FirstRefusedBar() const;
  // Findings, repairs and refusals as indented text lines.
  std::string ToText() const;
};

// Findings only; the series is not changed. Repairs and refusals stay empty.
QualityReport AnalyzeQuality(const BarSeries& bars, const QualityPolicy& policy);

// Analyses, repairs what the rules allow and returns the repaired series, or an error
// (failed_precondition) naming the series and every refusal reason. `report` (optional) gets the
// findings, the repairs and the refusals either way.
Result<BarSeries> CheckAndRepair(BarSeries bars, const QualityPolicy& policy, QualityReport* report = nullptr);

}  // namespace huracan::data
