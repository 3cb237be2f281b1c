// The live-evidence gates of a promotion (docs/MECHANIC.md, "Live evidence"): a challenger that
// Hamilton shadow-trades beside the champion must show, on live bars, at least
// `PromotionRules::live_min_trades` closed shadow trades, and a net bps per trade not worse than
// the champion's over the same period, with a confidence band: the lower bound of the 95 %
// interval of (challenger mean - champion mean) must be >= -`live_net_bps_band`. Both gates are
// off when live_min_trades is 0.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "registry/promotion.h"
#include "storage/database.h"

namespace huracan::registry {

inline constexpr char kRuleLiveTrades[] = "live_min_trades";
inline constexpr char kRuleLiveNetBps[] = "live_net_bps";

// Per-trade net bps (net P&L / notional * 1e4) of both models over the same period.
struct LiveEvidence {
  std::vector<double> challenger_bps;
  std::vector<double> champion_bps;
};

struct LiveEvidenceVerdict {
  bool enabled = false;  // rules.live_min_trades > 0
  bool pass = true;      // always true when not enabled
  int64_t challenger_trades = 0, champion_trades = 0;
  double challenger_net_bps = 0, champion_net_bps = 0;  // means (0 without trades)
  double diff_bps = 0;                                  // challenger - champion
  double diff_lower_bps = 0;                            // lower bound of the 95 % interval of diff
  int64_t trades_needed = 0;                            // more challenger trades the count gate wants
  double bps_short = 0;                                 // how far diff_lower is below -band (0 when not)
  bool band_holds = false;                // the live_net_bps condition: challenger trades and diff_lower >= -band
  std::vector<std::string> failed_rules;  // kRuleLiveTrades, kRuleLiveNetBps
  std::string reason;                     // "" when passed; "code: why; code: why"
  nlohmann::json ToJson() const;
};

// One line: "live gates off", "live evidence enough for promotion", or what is missing, e.g.
// "needs 12 more trades, net bps lower bound -3.10 (1.10 bps short)", or, when only trades are
// missing, "needs 12 more trades; the band holds (net bps lower bound -0.40)".
std::string LiveEvidenceDistance(const LiveEvidenceVerdict& v);

// Pure. The interval is Welch's normal approximation: diff +- 1.96 * sqrt(var_c/n_c + var_k/n_k)
// with sample variances (a side with fewer than two trades adds no variance). Without champion
// trades in the period the champion counts as 0 bps per trade (it did not trade).
LiveEvidenceVerdict DecideLiveEvidence(const LiveEvidence& evidence, const PromotionRules& rules);

// The period's trades from the database: the challenger's shadow_trades rows (challenger = 1,
// its model id) and the champion's rows of `symbol` (live_trades and shadow_trades rows with
// challenger = 0, any model, each trade once), closed at or after `since_ms` (<= 0: from the
// challenger's first closed shadow trade; no evidence when it has none).
Result<LiveEvidence> ReadLiveEvidence(storage::Database& db, const std::string& symbol,
                                      const std::string& challenger_id, int64_t since_ms);

// What the daily run and the mechanic call: `decision` (DecidePromotion's, for `challenger_id`)
// with the live gates added when they are on: the evidence since `since_ms` is read and judged;
// a failed gate makes it a rejection, its codes appended to failed_rules and the reason, and the
// snapshot gets "live" (the verdict). With the gates off, `decision` comes back unchanged.
Result<PromotionDecision> GateOnLiveEvidence(storage::Database& db, const std::string& symbol,
                                             const std::string& challenger_id, int64_t since_ms,
                                             const PromotionRules& rules, PromotionDecision decision);

}  // namespace huracan::registry
