#include "costs/guardrails.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace huracan::costs {

Status GuardrailConfig::Validate() const {
  auto frac = [](double x) { return std::isfinite(x) && x > 0; };
  if (!(max_spread_bps > 0)) return InvalidArgument("guardrails: max_spread_bps must be > 0");
  if (cooldown_ms < 0 || dedup_ms < 0 || stale_after_ms < 0 || drawdown_rearm_ms < 0)
    return InvalidArgument("guardrails: time windows must be >= 0");
  if (max_open_positions < 1) return InvalidArgument("guardrails: max_open_positions must be >= 1");
  if (!(capital > 0)) return InvalidArgument("guardrails: capital must be > 0");
  if (!frac(symbol_daily_loss_frac) || !frac(symbol_drawdown_frac) || !frac(portfolio_daily_loss_frac) ||
      !frac(portfolio_drawdown_frac))
    return InvalidArgument("guardrails: loss and drawdown limits must be > 0");
  return Status::Ok();
}

bool Selector::Allows(std::string_view symbol) const {
  const std::string s(symbol);
  if (block.count(s)) return false;
  if (allow.count(s) || top_n <= 0) return true;
  const size_t n = std::min(ranked.size(), static_cast<size_t>(top_n));
  for (size_t i = 0; i < n; ++i)
    if (ranked[i] == s) return true;
  return false;
}

Result<Selector> ParseSelectorJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("selector: not a JSON object");
  Selector s;
  for (auto& [k, v] : j.items()) {
    if (k == "top_n") {
      if (!v.is_number_integer() || v.get<int>() < 0) return InvalidArgument("selector: top_n must be an integer >= 0");
      s.top_n = v.get<int>();
      continue;
    }
    if (k != "allow" && k != "block" && k != "ranked") return InvalidArgument("selector: unknown key '" + k + "'");
    if (!v.is_array()) return InvalidArgument("selector: '" + k + "' must be an array of symbols");
    for (const auto& e : v) {
      if (!e.is_string()) return InvalidArgument("selector: '" + k + "' must hold strings");
      if (k == "allow")
        s.allow.insert(e.get<std::string>());
      else if (k == "block")
        s.block.insert(e.get<std::string>());
      else
        s.ranked.push_back(e.get<std::string>());
    }
  }
  return s;
}

bool Guardrails::DailyTripped(const Pnl& p, int64_t now_ms, double limit) {
  return p.day == UtcDay(now_ms) && p.day_pnl <= -limit;
}

bool Guardrails::DrawdownTripped(Pnl& p, int64_t now_ms, double /*limit*/) {
  if (p.dd_tripped_until == INT64_MIN) return false;
  if (now_ms < p.dd_tripped_until) return true;
  p.dd_tripped_until = INT64_MIN;  // re-arm: the peak restarts from here
  p.peak = p.equity;
  return false;
}

void Guardrails::Book(Pnl& p, int64_t ts_ms, double pnl, double dd_limit, int64_t rearm_ms) {
  const int64_t day = UtcDay(ts_ms);
  if (day != p.day) {
    p.day = day;
    p.day_pnl = 0;
  }
  p.day_pnl += pnl;
  p.equity += pnl;
  p.peak = std::max(p.peak, p.equity);
  if (p.peak - p.equity >= dd_limit && p.dd_tripped_until == INT64_MIN) p.dd_tripped_until = ts_ms + rearm_ms;
}

std::string_view Guardrails::Check(const Candidate& cand, int64_t now_ms) {
  std::string_view why;
  auto it = symbols_.find(cand.symbol);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(cand.symbol), SymbolState{}).first;
  SymbolState& st = it->second;
  const bool eng = cand.engine_checks;
  if (!selector_.Allows(cand.symbol))
    why = reason::kBlocked;
  else if (eng && now_ms - cand.bar_close_ms > c_.stale_after_ms)
    why = reason::kStaleData;
  else if (eng && std::isfinite(cand.spread_bps) && cand.spread_bps > c_.max_spread_bps)
    why = reason::kSpreadTooWide;
  else if (eng && !(cand.net_edge_bps >= cand.net_edge_floor_bps))
    why = reason::kNetEdgeBelowFloor;
  else if (eng && !cand.min_notional_ok)
    why = reason::kBelowMinNotional;
  // On spot a sell may close a long (the filler does that) but never opens a short.
  else if (cand.direction == Direction::kSell && !cand.perp)
    why = reason::kShortNotAllowed;
  else if (st.position == cand.direction)
    why = reason::kPositionOpen;
  else if (st.last_signal == cand.direction && now_ms - st.last_signal_ms < c_.dedup_ms)
    why = reason::kDuplicate;
  else if (st.last_close_ms != INT64_MIN && now_ms - st.last_close_ms < c_.cooldown_ms)
    why = reason::kCooldown;
  else if (st.position == Direction::kWait && open_ >= c_.max_open_positions)
    why = reason::kMaxOpenPositions;
  // Loss limits: engine signals only.
  else if (eng && DailyTripped(st.pnl, now_ms, c_.symbol_daily_loss_frac * c_.capital))
    why = reason::kSymbolDailyLoss;
  else if (eng && DrawdownTripped(st.pnl, now_ms, c_.symbol_drawdown_frac * c_.capital))
    why = reason::kSymbolDrawdown;
  else if (eng && DailyTripped(portfolio_, now_ms, c_.portfolio_daily_loss_frac * c_.capital))
    why = reason::kPortfolioDailyLoss;
  else if (eng && DrawdownTripped(portfolio_, now_ms, c_.portfolio_drawdown_frac * c_.capital))
    why = reason::kPortfolioDrawdown;
  if (!why.empty()) {
    Count(why);
    return why;
  }
  st.last_signal = cand.direction;
  st.last_signal_ms = now_ms;
  return {};
}

void Guardrails::OnPositionOpened(std::string_view symbol, Direction d, int64_t /*ts_ms*/) {
  auto it = symbols_.find(symbol);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(symbol), SymbolState{}).first;
  if (it->second.position == Direction::kWait && d != Direction::kWait) ++open_;
  it->second.position = d;
}

void Guardrails::OnPositionClosed(std::string_view symbol, int64_t ts_ms, double pnl_quote) {
  auto it = symbols_.find(symbol);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(symbol), SymbolState{}).first;
  SymbolState& st = it->second;
  if (st.position != Direction::kWait) --open_;
  st.position = Direction::kWait;
  st.last_close_ms = ts_ms;
  Book(st.pnl, ts_ms, pnl_quote, c_.symbol_drawdown_frac * c_.capital, c_.drawdown_rearm_ms);
  Book(portfolio_, ts_ms, pnl_quote, c_.portfolio_drawdown_frac * c_.capital, c_.drawdown_rearm_ms);
}

Direction Guardrails::position(std::string_view symbol) const {
  auto it = symbols_.find(symbol);
  return it == symbols_.end() ? Direction::kWait : it->second.position;
}

}  // namespace huracan::costs
