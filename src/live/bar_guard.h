// Per-symbol checks of incoming bars (docs/LIVE.md, "Bar checks"). A bad bar never stops the
// process: it puts that one symbol into a `degraded` state with a reason, and the caller stops
// trading the symbol until it recovers it.
//   - duplicate (same timestamp, same values): dropped and counted;
//   - out of order (timestamp before the last accepted one) or a conflicting duplicate (same
//     timestamp, other values): refused, counted, symbol degraded;
//   - bad values (NaN/inf, price <= 0, volume < 0, high < low, open/close outside [low, high]):
//     refused, counted, symbol degraded;
//   - price jump: |ln(close / last accepted close)| > max_abs_log_return x sqrt(1 + missing bars):
//     refused, counted, symbol degraded;
//   - gap (timestamp more than one timeframe after the last accepted bar): the bar is accepted and
//     the gap reported (first and last missing bar open time) so the caller can backfill.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/market.h"
#include "core/time_units.h"
#include "data/quality.h"

namespace huracan::live {

// The jump bound of the data quality rules (data/quality.h explains the value), so a bar the
// live runner refuses as a jump is refused by training and backtests too.
inline constexpr double kDefaultMaxAbsLogReturn = data::kDefaultMaxAbsLogReturn;

struct BarGuardOptions {
  int64_t timeframe_ms = kMsPerMinute;
  double max_abs_log_return = kDefaultMaxAbsLogReturn;
};

enum class BarVerdict : uint8_t {
  kAccepted,    // use the bar
  kDuplicate,   // an exact repeat of the last accepted bar: drop it silently
  kOutOfOrder,  // older than the last accepted bar, or same time with other values: refused
  kRejected,    // bad values or a price jump: refused
};
const char* BarVerdictName(BarVerdict v);  // "accepted", "duplicate", "out_of_order", "rejected"

struct BarGap {
  int64_t first_missing_ms = 0;  // open time of the first missing bar
  int64_t last_missing_ms = 0;   // open time of the last missing bar
  int64_t missing_bars = 0;
};

struct BarCheck {
  BarVerdict verdict = BarVerdict::kAccepted;
  bool has_gap = false;  // only with kAccepted
  BarGap gap;
  std::string reason;  // why it was refused; empty when accepted or a duplicate
  bool accepted() const { return verdict == BarVerdict::kAccepted; }
};

struct SymbolHealth {
  bool degraded = false;
  std::string reason;  // the first problem since the last Recover(); empty when healthy
  bool has_last = false;
  Bar last;  // the last accepted bar
  int64_t accepted = 0, duplicates = 0, out_of_order = 0, rejected = 0, gaps = 0, missing_bars = 0;
};

class BarGuard {
 public:
  explicit BarGuard(BarGuardOptions options = {}) : options_(options) {}

  // Checks the next bar of `symbol` and updates that symbol's state.
  BarCheck Check(const std::string& symbol, const Bar& bar);

  // nullptr for a symbol never seen.
  const SymbolHealth* Health(const std::string& symbol) const;
  bool degraded(const std::string& symbol) const;
  // Degraded symbols, sorted.
  std::vector<std::string> DegradedSymbols() const;
  // Clears the degraded state (after a backfill or an operator's decision) and forgets the last
  // bar, so the next bar starts afresh; counters are kept.
  void Recover(const std::string& symbol);

  const BarGuardOptions& options() const { return options_; }

 private:
  BarCheck Refuse(SymbolHealth& h, BarVerdict verdict, std::string reason);

  BarGuardOptions options_;
  std::map<std::string, SymbolHealth> symbols_;
};

// |ln(b / a)|; +inf when either is not a positive finite price.
double AbsLogReturn(double a, double b);

}  // namespace huracan::live
