#include "registry/live_evidence.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <set>

#include "core/json.h"

namespace huracan::registry {
namespace {

struct Moments {
  double mean = 0, var = 0;  // sample variance; 0 with fewer than two values
};

Moments MomentsOf(const std::vector<double>& xs) {
  Moments m;
  if (xs.empty()) return m;
  for (double x : xs) m.mean += x;
  m.mean /= static_cast<double>(xs.size());
  if (xs.size() < 2) return m;
  for (double x : xs) m.var += (x - m.mean) * (x - m.mean);
  m.var /= static_cast<double>(xs.size() - 1);
  return m;
}

constexpr double kZ95 = 1.959963984540054;

// Net bps per trade of the rows (net_pnl, size); rows without a size count as 0 bps.
Result<std::vector<double>> BpsOf(storage::Database& db, const std::string& sql,
                                  const std::vector<storage::SqlValue>& args) {
  HURACAN_ASSIGN_OR_RETURN(storage::SqlRows rows, db.Query(sql, args));
  std::set<std::string> seen;
  std::vector<double> out;
  for (const storage::SqlRow& r : rows.rows) {
    if (!seen.insert(r.Text(0).value_or("")).second) continue;  // one trade in both tables
    const double size = r.OptDouble(2).value_or(0);
    out.push_back(size > 0 ? r.OptDouble(1).value_or(0) / size * 1e4 : 0.0);
  }
  return out;
}

}  // namespace

nlohmann::json LiveEvidenceVerdict::ToJson() const {
  return {{"enabled", enabled},
          {"pass", pass},
          {"challenger_trades", challenger_trades},
          {"champion_trades", champion_trades},
          {"challenger_net_bps", JsonNumber(challenger_net_bps)},
          {"champion_net_bps", JsonNumber(champion_net_bps)},
          {"diff_bps", JsonNumber(diff_bps)},
          {"diff_lower_bps", JsonNumber(diff_lower_bps)},
          {"trades_needed", trades_needed},
          {"bps_short", JsonNumber(bps_short)},
          {"band_holds", band_holds},
          {"failed_rules", failed_rules},
          {"reason", reason}};
}

std::string LiveEvidenceDistance(const LiveEvidenceVerdict& v) {
  if (!v.enabled) return "live gates off";
  if (v.pass) return "live evidence enough for promotion";
  std::string s;
  if (v.trades_needed > 0) s += fmt::format("{} more trades", v.trades_needed);
  if (!v.band_holds)
    return "needs " + s +
           fmt::format("{}net bps lower bound {:.2f} ({:.2f} bps short)", s.empty() ? "" : ", ", v.diff_lower_bps,
                       v.bps_short);
  // Only the count is short: the band condition holds so far.
  return "needs " + s + fmt::format("; the band holds (net bps lower bound {:.2f})", v.diff_lower_bps);
}

LiveEvidenceVerdict DecideLiveEvidence(const LiveEvidence& evidence, const PromotionRules& rules) {
  LiveEvidenceVerdict v;
  v.enabled = rules.live_min_trades > 0;
  const Moments c = MomentsOf(evidence.challenger_bps), k = MomentsOf(evidence.champion_bps);
  const auto nc = static_cast<double>(evidence.challenger_bps.size());
  const auto nk = static_cast<double>(evidence.champion_bps.size());
  v.challenger_trades = static_cast<int64_t>(evidence.challenger_bps.size());
  v.champion_trades = static_cast<int64_t>(evidence.champion_bps.size());
  v.challenger_net_bps = c.mean;
  v.champion_net_bps = k.mean;
  v.diff_bps = c.mean - k.mean;
  const double se = std::sqrt((nc > 0 ? c.var / nc : 0) + (nk > 0 ? k.var / nk : 0));
  v.diff_lower_bps = v.diff_bps - kZ95 * se;
  v.trades_needed = std::max<int64_t>(0, rules.live_min_trades - v.challenger_trades);
  v.bps_short = std::max(0.0, -rules.live_net_bps_band - v.diff_lower_bps);
  v.band_holds = v.challenger_trades > 0 && v.bps_short <= 0;
  if (!v.enabled) return v;
  std::vector<std::string> why;
  if (v.trades_needed > 0) {
    v.failed_rules.push_back(kRuleLiveTrades);
    why.push_back(
        fmt::format("{}: {} shadow trades < {}", kRuleLiveTrades, v.challenger_trades, rules.live_min_trades));
  }
  if (!v.band_holds) {
    v.failed_rules.push_back(kRuleLiveNetBps);
    why.push_back(fmt::format(
        "{}: shadow net bps {:.2f} vs champion {:.2f}, 95% lower bound of the difference "
        "{:.2f} < -{:.2f}",
        kRuleLiveNetBps, v.challenger_net_bps, v.champion_net_bps, v.diff_lower_bps, rules.live_net_bps_band));
  }
  v.pass = v.failed_rules.empty();
  for (size_t i = 0; i < why.size(); ++i) v.reason += (i ? "; " : "") + why[i];
  return v;
}

Result<LiveEvidence> ReadLiveEvidence(storage::Database& db, const std::string& symbol,
                                      const std::string& challenger_id, int64_t since_ms) {
  std::string since = storage::SqlTimestamp(since_ms);
  if (since_ms <= 0) {
    // The period starts at the challenger's first closed shadow trade.
    HURACAN_ASSIGN_OR_RETURN(storage::SqlRows first,
                             db.Query("SELECT MIN(time) FROM shadow_trades WHERE challenger = 1 AND symbol = ? AND "
                                      "model_id = ?",
                                      {symbol, challenger_id}));
    std::optional<std::string> t = first.empty() ? std::nullopt : first.rows[0].Text(0);
    if (!t) return LiveEvidence{};  // no shadow trade yet
    since = std::move(*t);
  }
  LiveEvidence e;
  HURACAN_ASSIGN_OR_RETURN_CTX(e.challenger_bps,
                               BpsOf(db,
                                     "SELECT trade_id, net_pnl, size FROM shadow_trades WHERE challenger = 1 AND "
                                     "symbol = ? AND model_id = ? AND time >= ? ORDER BY time, trade_id",
                                     {symbol, challenger_id, since}),
                               "shadow trades of " + challenger_id);
  HURACAN_ASSIGN_OR_RETURN_CTX(
      e.champion_bps,
      BpsOf(db,
            "SELECT trade_id, net_pnl, size, time FROM live_trades WHERE symbol = ? AND time >= ? UNION ALL SELECT "
            "trade_id, net_pnl, size, time FROM shadow_trades WHERE challenger = 0 AND symbol = ? AND time >= ? "
            "ORDER BY 4, 1",
            {symbol, since, symbol, since}),
      "champion trades of " + symbol);
  return e;
}

Result<PromotionDecision> GateOnLiveEvidence(storage::Database& db, const std::string& symbol,
                                             const std::string& challenger_id, int64_t since_ms,
                                             const PromotionRules& rules, PromotionDecision decision) {
  if (rules.live_min_trades <= 0) return decision;
  HURACAN_ASSIGN_OR_RETURN(LiveEvidence evidence, ReadLiveEvidence(db, symbol, challenger_id, since_ms));
  const LiveEvidenceVerdict v = DecideLiveEvidence(evidence, rules);
  if (decision.snapshot.is_object()) decision.snapshot["live"] = v.ToJson();
  if (v.pass) return decision;
  const bool was_promoted = decision.promote;
  decision.promote = false;
  decision.failed_rules.insert(decision.failed_rules.end(), v.failed_rules.begin(), v.failed_rules.end());
  decision.reason = was_promoted ? "rejected: " + v.reason : decision.reason + "; " + v.reason;
  return decision;
}

}  // namespace huracan::registry
