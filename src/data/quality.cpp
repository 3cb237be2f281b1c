#include "data/quality.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <sstream>

#include "core/time_units.h"
#include "data/timestamps.h"

namespace huracan::data {
namespace {

bool GoodPrice(double p) { return std::isfinite(p) && p > 0; }
bool GoodVolume(double v) { return std::isfinite(v) && v >= 0; }

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool SameBar(const BarSeries& s, size_t i, size_t j) {
  return SameBits(s.open[i], s.open[j]) && SameBits(s.high[i], s.high[j]) && SameBits(s.low[i], s.low[j]) &&
         SameBits(s.close[i], s.close[j]) && SameBits(s.volume[i], s.volume[j]);
}

// Relative amount by which high/low miss open/close (0 when they contain them).
double EnvelopeMiss(double o, double h, double l, double c) {
  double top = std::max(o, c), bottom = std::min(o, c);
  double miss = 0;
  if (h < top) miss = std::max(miss, (top - h) / top);
  if (l > bottom) miss = std::max(miss, (l - bottom) / bottom);
  return miss;
}

std::string SeriesName(const BarSeries& s) {
  if (s.symbol.empty()) return s.timeframe.empty() ? "series" : "series " + s.timeframe;
  return s.timeframe.empty() ? s.symbol : s.symbol + " " + s.timeframe;
}

// Indices in timestamp order (stable: equal timestamps keep file order).
std::vector<size_t> SortedOrder(const BarSeries& s) {
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.ts_ms[a] < s.ts_ms[b]; });
  return order;
}

std::string Num(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

std::string Percent(double x) {
  std::ostringstream os;
  os.precision(3);
  os << x * 100 << "%";
  return os.str();
}

struct Analysis {
  QualityReport report;
  std::vector<size_t> unique;  // sorted, first bar of each timestamp
};

Analysis Analyze(const BarSeries& s, const QualityPolicy& policy) {
  Analysis a;
  QualityReport& r = a.report;
  r.name = SeriesName(s);
  r.rows = s.size();
  if (s.empty()) return a;

  std::vector<BadBar> bad;
  auto note = [&](size_t i, std::string what, bool refusing) {
    bad.push_back({.row = i, .ts_ms = s.ts_ms[i], .what = std::move(what), .refusing = refusing});
  };
  std::vector<size_t> order = SortedOrder(s);
  for (size_t i = 1; i < s.size(); ++i) {
    if (s.ts_ms[i] >= s.ts_ms[i - 1]) continue;
    ++r.out_of_order;
    note(i, "timestamp before the previous row's (sorted)", false);
  }
  a.unique.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    size_t i = order[k];
    if (!a.unique.empty() && s.ts_ms[a.unique.back()] == s.ts_ms[i]) {
      const std::string first = std::to_string(a.unique.back());
      if (SameBar(s, a.unique.back(), i)) {
        ++r.exact_duplicates;
        note(i, "exact duplicate of row " + first + " (dropped)", false);
      } else {
        ++r.conflicting_duplicates;
        note(i, "same timestamp as row " + first + " with other values", true);
      }
      continue;
    }
    a.unique.push_back(i);
  }
  r.first_ts_ms = s.ts_ms[a.unique.front()];
  r.last_ts_ms = s.ts_ms[a.unique.back()];

  std::vector<int64_t> uts;
  uts.reserve(a.unique.size());
  for (size_t i : a.unique) uts.push_back(s.ts_ms[i]);
  r.median_step_ms = MedianStepMs(uts);
  r.timeframe_ms = policy.timeframe_ms > 0 ? policy.timeframe_ms : TimeframeMs(s.timeframe);
  if (r.timeframe_ms <= 0) r.timeframe_ms = r.median_step_ms;
  const int64_t tf = r.timeframe_ms;

  if (tf > 0) {
    for (size_t k = 1; k < uts.size(); ++k) {
      int64_t step = StepMs(uts[k - 1], uts[k]);
      if (step > tf) {
        ++r.gaps;
        r.missing_bars += static_cast<size_t>((step - 1) / tf);
        if (step > r.longest_gap_ms) {
          r.longest_gap_ms = step;
          r.longest_gap_start_ms = uts[k - 1];
        }
      }
    }
    // Bars of a day or less start on multiples of their length (weekly bars start on Mondays).
    if (tf <= kMsPerDay && kMsPerDay % tf == 0) {
      for (int64_t t : uts) r.misaligned += FloorMod(t, tf) != 0;
    }
  }

  for (size_t i = 0; i < s.size(); ++i) {
    double o = s.open[i], h = s.high[i], l = s.low[i], c = s.close[i];
    if (!GoodVolume(s.volume[i])) {
      ++r.bad_volume;
      note(i, "negative or NaN volume (set to 0 unless too many)", false);
    }
    if (!GoodPrice(o) || !GoodPrice(h) || !GoodPrice(l) || !GoodPrice(c)) {
      ++r.bad_prices;
      note(i, "non-positive, NaN or infinite price", true);
      continue;
    }
    if (h < l) {
      ++r.high_below_low;
      note(i, "high < low", true);
      continue;
    }
    double miss = EnvelopeMiss(o, h, l, c);
    if (miss > 0) {
      ++r.envelope_violations;
      r.worst_envelope_miss = std::max(r.worst_envelope_miss, miss);
      const bool beyond = miss > policy.envelope_tolerance;
      note(i, "high/low miss open/close by " + Percent(miss) + (beyond ? "" : " (widened)"), beyond);
    }
  }

  // Spikes: a close beyond the jump bound from the previous distinct bar's close and back beyond it
  // at the next one (bars with valid prices; the bound grows as sqrt(1 + missing bars)). A level
  // that stays (a crash) is a real move, not a bad tick.
  if (policy.max_abs_log_return > 0) {
    std::vector<size_t> good;
    for (size_t i : a.unique)
      if (GoodPrice(s.open[i]) && GoodPrice(s.high[i]) && GoodPrice(s.low[i]) && GoodPrice(s.close[i]))
        good.push_back(i);
    auto bound = [&](size_t from, size_t to) {
      const double steps = tf > 0 ? static_cast<double>(s.ts_ms[to] - s.ts_ms[from]) / static_cast<double>(tf) : 1;
      return policy.max_abs_log_return * std::sqrt(std::max(1.0, steps));
    };
    for (size_t k = 1; k + 1 < good.size(); ++k) {
      const size_t prev = good[k - 1], i = good[k], next = good[k + 1];
      const double up = std::log(s.close[i] / s.close[prev]), down = std::log(s.close[next] / s.close[i]);
      if (std::fabs(up) <= bound(prev, i) || std::fabs(down) <= bound(i, next) || (up > 0) == (down > 0)) continue;
      ++r.price_jumps;
      std::ostringstream what;
      what.precision(6);
      what << "close " << s.close[i] << " jumps from the previous close " << s.close[prev] << " and back to "
           << s.close[next] << " (|ln| " << std::fabs(up) << " > " << bound(prev, i) << ")";
      note(i, what.str(), true);
    }
  }
  std::stable_sort(bad.begin(), bad.end(), [](const BadBar& x, const BadBar& y) { return x.row < y.row; });
  if (bad.size() > QualityReport::kMaxBadBars) bad.resize(QualityReport::kMaxBadBars);
  r.bad_bars = std::move(bad);

  // Stale runs: consecutive bars (in time order) whose close equals the previous close, with zero volume.
  size_t run = 0;
  auto close_run = [&] {
    if (run > 0 && static_cast<int64_t>(run) >= policy.stale_run_min_bars) {
      ++r.stale_runs;
      r.stale_run_bars += run;
      r.longest_stale_run = std::max(r.longest_stale_run, run);
    }
    run = 0;
  };
  for (size_t k = 1; k < a.unique.size(); ++k) {
    size_t i = a.unique[k], prev = a.unique[k - 1];
    if (s.volume[i] == 0 && SameBits(s.close[i], s.close[prev]))
      ++run;
    else
      close_run();
  }
  close_run();

  if (policy.now_ms) {
    // Saturating: timestamps from a damaged file may sit anywhere in the int64 range.
    int64_t max_age = policy.max_staleness_ms;
    if (max_age <= 0 && __builtin_mul_overflow(std::max<int64_t>(tf, 1), int64_t{3}, &max_age)) max_age = INT64_MAX;
    int64_t last_close = 0, age = 0;
    if (__builtin_add_overflow(r.last_ts_ms, tf, &last_close)) last_close = INT64_MAX;
    if (__builtin_sub_overflow(*policy.now_ms, last_close, &age)) age = last_close > 0 ? INT64_MIN : INT64_MAX;
    r.last_bar_age_ms = age;
    r.stale = r.last_bar_age_ms > max_age;
  }
  return a;
}

void AddRefusals(QualityReport& r, const QualityPolicy& policy, size_t unique_rows) {
  auto refuse = [&](std::string why) { r.refusals.push_back(std::move(why)); };
  if (static_cast<int64_t>(unique_rows) < policy.min_rows)
    refuse(std::to_string(unique_rows) + " bars, fewer than the minimum " + std::to_string(policy.min_rows));
  if (r.conflicting_duplicates)
    refuse(std::to_string(r.conflicting_duplicates) +
           " conflicting duplicate timestamps (same time, different values)");
  if (r.bad_prices) refuse(std::to_string(r.bad_prices) + " bars with a non-positive, NaN or infinite price");
  if (r.high_below_low) refuse(std::to_string(r.high_below_low) + " bars with high < low");
  if (r.envelope_violations && r.worst_envelope_miss > policy.envelope_tolerance)
    refuse("high/low miss open/close by up to " + Percent(r.worst_envelope_miss) + ", beyond the tolerance " +
           Percent(policy.envelope_tolerance));
  if (r.price_jumps)
    refuse(std::to_string(r.price_jumps) + " closes jump beyond |ln| " + Num(policy.max_abs_log_return) +
           " x sqrt(1 + missing bars) from the previous close and back at the next (spikes)");
  if (r.rows > 0 && r.bad_volume > policy.max_bad_volume_fraction * static_cast<double>(r.rows))
    refuse(std::to_string(r.bad_volume) + " bars with negative or NaN volume, more than " +
           Percent(policy.max_bad_volume_fraction) + " of the series");
  double expected = static_cast<double>(unique_rows + r.missing_bars);
  if (expected > 0 && static_cast<double>(r.missing_bars) > policy.max_missing_fraction * expected)
    refuse(std::to_string(r.missing_bars) + " missing bars in " + std::to_string(r.gaps) + " gaps, " +
           Percent(r.missing_bars / expected) + " of the span (limit " + Percent(policy.max_missing_fraction) + ")");
  if (unique_rows > 0 &&
      static_cast<double>(r.stale_run_bars) > policy.max_stale_run_fraction * static_cast<double>(unique_rows))
    refuse(std::to_string(r.stale_run_bars) + " bars in " + std::to_string(r.stale_runs) +
           " stale runs (unchanged close, zero volume), more than " + Percent(policy.max_stale_run_fraction));
  if (r.stale)
    refuse("stale: the last bar (" + FormatIsoUtc(r.last_ts_ms) + ") closed " +
           std::to_string(r.last_bar_age_ms / 1000) + " s before now");
}

}  // namespace

Status QualityPolicy::Validate() const {
  auto fraction = [](double x) { return std::isfinite(x) && x >= 0 && x <= 1; };
  if (timeframe_ms < 0) return InvalidArgument("quality policy: timeframe_ms must be >= 0");
  if (max_staleness_ms < 0) return InvalidArgument("quality policy: max_staleness_ms must be >= 0");
  if (stale_run_min_bars < 2) return InvalidArgument("quality policy: stale_run_min_bars must be >= 2");
  if (!fraction(max_stale_run_fraction)) return InvalidArgument("quality policy: max_stale_run_fraction not in [0,1]");
  if (!fraction(max_missing_fraction)) return InvalidArgument("quality policy: max_missing_fraction not in [0,1]");
  if (!fraction(envelope_tolerance)) return InvalidArgument("quality policy: envelope_tolerance not in [0,1]");
  if (!fraction(max_bad_volume_fraction))
    return InvalidArgument("quality policy: max_bad_volume_fraction not in [0,1]");
  if (!(std::isfinite(max_abs_log_return) && max_abs_log_return >= 0))
    return InvalidArgument("quality policy: max_abs_log_return must be >= 0 (0 = no jump check)");
  if (min_rows < 0) return InvalidArgument("quality policy: min_rows must be >= 0");
  return Status::Ok();
}

QualityReport AnalyzeQuality(const BarSeries& bars, const QualityPolicy& policy) {
  return Analyze(bars, policy).report;
}

Result<BarSeries> CheckAndRepair(BarSeries bars, const QualityPolicy& policy, QualityReport* report_out) {
  HURACAN_RETURN_IF_ERROR(policy.Validate());
  Analysis a = Analyze(bars, policy);
  QualityReport& r = a.report;
  AddRefusals(r, policy, a.unique.size());
  if (r.refused()) {
    std::string msg = r.name + ": refused by the quality rules: ";
    for (size_t i = 0; i < r.refusals.size(); ++i) msg += (i ? "; " : "") + r.refusals[i];
    if (report_out) *report_out = std::move(r);
    return FailedPrecondition(std::move(msg));
  }

  BarSeries out;
  out.symbol = bars.symbol;
  out.timeframe = bars.timeframe;
  out.reserve(a.unique.size());
  size_t widened = 0, zeroed = 0;
  for (size_t i : a.unique) {
    Bar b = bars.bar(i);
    if (EnvelopeMiss(b.open, b.high, b.low, b.close) > 0) {
      b.high = std::max({b.high, b.open, b.close});
      b.low = std::min({b.low, b.open, b.close});
      ++widened;
    }
    if (!GoodVolume(b.volume)) {
      b.volume = 0;
      ++zeroed;
    }
    out.push_back(b);
  }
  if (r.out_of_order)
    r.repairs.push_back("sorted by timestamp (" + std::to_string(r.out_of_order) + " bars out of order)");
  if (r.exact_duplicates) r.repairs.push_back("dropped " + std::to_string(r.exact_duplicates) + " exact duplicates");
  if (widened) r.repairs.push_back("widened high/low to contain open/close on " + std::to_string(widened) + " bars");
  if (zeroed) r.repairs.push_back("set " + std::to_string(zeroed) + " negative or NaN volumes to 0");
  r.rows_out = out.size();
  if (report_out) *report_out = std::move(r);
  return out;
}

std::string BadBar::Describe() const {
  return "row " + std::to_string(row) + " (" + FormatIsoUtc(ts_ms) + "): " + what;
}

const BadBar* QualityReport::FirstRefusedBar() const {
  for (const BadBar& b : bad_bars)
    if (b.refusing) return &b;
  return bad_bars.empty() ? nullptr : &bad_bars.front();
}

std::string QualityReport::ToText() const {
  std::ostringstream os;
  os << "  duplicates: " << exact_duplicates << " exact, " << conflicting_duplicates << " conflicting;"
     << " out of order: " << out_of_order << "; misaligned: " << misaligned << "\n";
  os << "  gaps: " << gaps << " (" << missing_bars << " missing bars";
  if (gaps) os << ", longest " << TimeframeName(longest_gap_ms) << " after " << FormatIsoUtc(longest_gap_start_ms);
  os << ")\n";
  os << "  bad prices: " << bad_prices << "; high<low: " << high_below_low
     << "; high/low not containing open/close: " << envelope_violations << "; bad volume: " << bad_volume;
  if (price_jumps) os << "; price jumps: " << price_jumps;
  os << "\n";
  os << "  stale runs: " << stale_runs << " (" << stale_run_bars << " bars, longest " << longest_stale_run << ")";
  if (last_bar_age_ms != 0 || stale)
    os << "; last bar age " << last_bar_age_ms / 1000 << " s" << (stale ? " STALE" : "");
  os << "\n";
  for (const std::string& line : repairs) os << "  repair: " << line << "\n";
  for (const std::string& line : refusals) os << "  REFUSED: " << line << "\n";
  return os.str();
}

}  // namespace huracan::data
