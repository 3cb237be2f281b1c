#include "live/bar_guard.h"

#include <cmath>
#include <limits>

#include "data/timestamps.h"

namespace huracan::live {
namespace {

bool PositiveFinite(double v) { return std::isfinite(v) && v > 0; }

// Why the bar's values are unusable; empty when they are fine.
std::string BadValues(const Bar& b) {
  if (!PositiveFinite(b.open) || !PositiveFinite(b.high) || !PositiveFinite(b.low) || !PositiveFinite(b.close))
    return "price not a positive finite number";
  if (!std::isfinite(b.volume) || b.volume < 0) return "volume not a finite number >= 0";
  if (b.high < b.low) return "high below low";
  if (b.open < b.low || b.open > b.high || b.close < b.low || b.close > b.high)
    return "open or close outside [low, high]";
  return "";
}

bool SameValues(const Bar& a, const Bar& b) {
  return a.open == b.open && a.high == b.high && a.low == b.low && a.close == b.close && a.volume == b.volume;
}

}  // namespace

const char* BarVerdictName(BarVerdict v) {
  switch (v) {
    case BarVerdict::kAccepted: return "accepted";
    case BarVerdict::kDuplicate: return "duplicate";
    case BarVerdict::kOutOfOrder: return "out_of_order";
    case BarVerdict::kRejected: return "rejected";
  }
  return "?";
}

double AbsLogReturn(double a, double b) {
  if (!PositiveFinite(a) || !PositiveFinite(b)) return std::numeric_limits<double>::infinity();
  return std::fabs(std::log(b / a));
}

BarCheck BarGuard::Refuse(SymbolHealth& h, BarVerdict verdict, std::string reason) {
  if (verdict == BarVerdict::kOutOfOrder)
    ++h.out_of_order;
  else
    ++h.rejected;
  if (!h.degraded) {
    h.degraded = true;
    h.reason = reason;
  }
  BarCheck c;
  c.verdict = verdict;
  c.reason = std::move(reason);
  return c;
}

BarCheck BarGuard::Check(const std::string& symbol, const Bar& bar) {
  SymbolHealth& h = symbols_[symbol];
  const std::string at = " at " + data::FormatIsoUtc(bar.ts_ms);
  if (h.has_last && bar.ts_ms == h.last.ts_ms) {
    if (SameValues(bar, h.last)) {
      ++h.duplicates;
      return BarCheck{BarVerdict::kDuplicate, false, {}, ""};
    }
    return Refuse(h, BarVerdict::kOutOfOrder, "conflicting bar" + at + " (same time, other values)");
  }
  if (h.has_last && bar.ts_ms < h.last.ts_ms)
    return Refuse(h, BarVerdict::kOutOfOrder, "out-of-order bar" + at + " after " + data::FormatIsoUtc(h.last.ts_ms));
  if (std::string bad = BadValues(bar); !bad.empty())
    return Refuse(h, BarVerdict::kRejected, "bad bar" + at + ": " + bad);

  BarCheck c;
  if (h.has_last) {
    const int64_t tf = options_.timeframe_ms > 0 ? options_.timeframe_ms : 1;
    const int64_t missing = data::StepMs(h.last.ts_ms, bar.ts_ms) / tf - 1;
    // The bound grows like a random walk's spread over the missing bars.
    const double bound =
        options_.max_abs_log_return * std::sqrt(1.0 + static_cast<double>(std::max<int64_t>(missing, 0)));
    const double move = AbsLogReturn(h.last.close, bar.close);
    if (move > bound)
      return Refuse(h, BarVerdict::kRejected,
                    "price jump" + at + ": |ln(close/previous close)| = " + std::to_string(move) + " > limit " +
                        std::to_string(bound));
    if (missing > 0) {
      c.has_gap = true;
      c.gap = BarGap{h.last.ts_ms + tf, bar.ts_ms - tf, missing};
      ++h.gaps;
      h.missing_bars += missing;
    }
  }
  h.has_last = true;
  h.last = bar;
  ++h.accepted;
  return c;
}

const SymbolHealth* BarGuard::Health(const std::string& symbol) const {
  auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : &it->second;
}

bool BarGuard::degraded(const std::string& symbol) const {
  const SymbolHealth* h = Health(symbol);
  return h != nullptr && h->degraded;
}

std::vector<std::string> BarGuard::DegradedSymbols() const {
  std::vector<std::string> out;
  for (const auto& [symbol, h] : symbols_)
    if (h.degraded) out.push_back(symbol);
  return out;
}

void BarGuard::Recover(const std::string& symbol) {
  auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return;
  it->second.degraded = false;
  it->second.reason.clear();
  it->second.has_last = false;
}

}  // namespace huracan::live
