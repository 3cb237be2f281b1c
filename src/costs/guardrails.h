// Guardrails: the checks a signal must pass before it becomes a trade. Every rejection is counted by
// a stable reason string. One Guardrails object serves a whole portfolio (all symbols), so the
// max-open-positions limit and the portfolio kill switches see every symbol.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "core/time_units.h"

namespace huracan::costs {

// Stable rejection reasons (they appear in reports and the database; never rename).
namespace reason {
inline constexpr std::string_view kBlocked = "blocked_by_selector";
inline constexpr std::string_view kStaleData = "stale_data";
inline constexpr std::string_view kSpreadTooWide = "spread_too_wide";
inline constexpr std::string_view kNetEdgeBelowFloor = "net_edge_below_floor";
inline constexpr std::string_view kBelowMinNotional = "below_min_notional";
inline constexpr std::string_view kShortNotAllowed = "short_not_allowed";
inline constexpr std::string_view kPositionOpen = "position_open";
inline constexpr std::string_view kDuplicate = "duplicate_signal";
inline constexpr std::string_view kCooldown = "cooldown";
inline constexpr std::string_view kMaxOpenPositions = "max_open_positions";
inline constexpr std::string_view kSymbolDailyLoss = "symbol_daily_loss";
inline constexpr std::string_view kSymbolDrawdown = "symbol_drawdown";
inline constexpr std::string_view kPortfolioDailyLoss = "portfolio_daily_loss";
inline constexpr std::string_view kPortfolioDrawdown = "portfolio_drawdown";
}  // namespace reason

struct GuardrailConfig {
  double max_spread_bps = 30.0;             // skip thin books (bar spread estimate above this)
  int64_t cooldown_ms = 15 * kMsPerMinute;  // after a position closes, no new entry in this symbol
  int64_t dedup_ms = 10 * kMsPerMinute;     // a repeat of the last accepted signal's direction is ignored
  int max_open_positions = 10;              // across the portfolio
  double capital = 10'000.0;                // quote currency; loss limits are fractions of it
  double symbol_daily_loss_frac = 0.02;     // per-symbol realised loss in one UTC day
  double symbol_drawdown_frac = 0.05;       // per-symbol drawdown of realised PnL from its peak
  double portfolio_daily_loss_frac = 0.03;
  double portfolio_drawdown_frac = 0.10;
  int64_t drawdown_rearm_ms = kMsPerDay;      // a tripped drawdown switch re-arms after this (peak resets)
  int64_t stale_after_ms = 2 * kMsPerMinute;  // bar close older than the clock by more than this = stale

  Status Validate() const;
};

// allow / block / top-N selector: tradable = (top-N list ∪ allow) − block; no top list = everyone − block.
struct Selector {
  std::set<std::string> allow;
  std::set<std::string> block;
  std::vector<std::string> ranked;  // symbols best first (e.g. by meta weight); used when top_n > 0
  int top_n = 0;

  bool Allows(std::string_view symbol) const;
};
// Parses {"allow": [...], "block": [...], "ranked": [...], "top_n": N}; unknown keys are an error.
Result<Selector> ParseSelectorJson(std::string_view json);

// A signal that has passed the engines, the meta combiner and the cost model.
struct Candidate {
  std::string_view symbol;
  int64_t bar_close_ms = 0;  // the bar's close time (open time + timeframe)
  Direction direction = Direction::kWait;
  bool perp = false;
  double spread_bps = 0;    // the bar's spread estimate
  double net_edge_bps = 0;  // |edge| - round-trip cost
  double net_edge_floor_bps = 0;
  bool min_notional_ok = true;
  // false (signal-file backtests): only the checks that make sense without engines: shorts on
  // spot, position open, duplicate, cooldown (and the selector and max open positions).
  bool engine_checks = true;
};

class Guardrails {
 public:
  explicit Guardrails(GuardrailConfig c = {}) : c_(c) {}
  const GuardrailConfig& config() const { return c_; }

  // Empty when the candidate may trade (the acceptance is recorded for dedup); otherwise the first
  // failing reason, which is also counted.
  std::string_view Check(const Candidate& cand, int64_t now_ms);
  // Counts a rejection decided elsewhere (e.g. by the pipeline); `why` must be a stable reason.
  void Count(std::string_view why) { ++rejections_[std::string(why)]; }

  void SetSelector(Selector s) { selector_ = std::move(s); }
  const Selector& selector() const { return selector_; }

  // Position events reported by whoever fills (backtester, paper broker).
  void OnPositionOpened(std::string_view symbol, Direction d, int64_t ts_ms);
  void OnPositionClosed(std::string_view symbol, int64_t ts_ms, double pnl_quote);

  Direction position(std::string_view symbol) const;
  int open_positions() const { return open_; }
  const std::map<std::string, int64_t>& rejections() const { return rejections_; }

 private:
  struct Pnl {
    int64_t day = INT64_MIN;  // UTC day of day_pnl
    double day_pnl = 0;
    double equity = 0;
    double peak = 0;
    int64_t dd_tripped_until = INT64_MIN;
  };
  struct SymbolState {
    Direction position = Direction::kWait;
    int64_t last_close_ms = INT64_MIN;
    Direction last_signal = Direction::kWait;
    int64_t last_signal_ms = INT64_MIN;
    Pnl pnl;
  };
  static void Book(Pnl& p, int64_t ts_ms, double pnl, double dd_limit, int64_t rearm_ms);
  static bool DailyTripped(const Pnl& p, int64_t now_ms, double limit);
  static bool DrawdownTripped(Pnl& p, int64_t now_ms, double limit);

  GuardrailConfig c_;
  Selector selector_;
  std::map<std::string, SymbolState, std::less<>> symbols_;
  Pnl portfolio_;
  int open_ = 0;
  std::map<std::string, int64_t> rejections_;
};

}  // namespace huracan::costs
