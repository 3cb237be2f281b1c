// Champion/challenger promotion rules: a pure function over metric summaries, plus the
// database rows that record every decision. Each rule that fails adds its own reason.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace huracan::registry {

// Out-of-sample metrics of one model on one evaluation window, as the rules see them.
struct ModelMetricsSummary {
  std::string model_id;
  int64_t trades = 0;         // OOS trades
  double days = 0.0;          // OOS days covered
  double net_sharpe = 0.0;    // annualised, net of all costs
  double psr = 0.0;           // probabilistic Sharpe ratio, in [0, 1]
  double dsr = 0.0;           // deflated Sharpe ratio, in [0, 1]; 0 when read from JSON without it
  double max_drawdown = 0.0;  // a positive fraction of equity (0.12 = 12 %)
  double hit_rate = 0.0;      // in [0, 1]
  double net_bps = 0.0;       // mean net bps per trade
  double cost_bps = 0.0;      // mean cost bps per trade
  std::string window;         // evaluation window id, e.g. "2025-10-01/2025-11-08"

  nlohmann::json ToJson() const;
  static Result<ModelMetricsSummary> FromJson(const nlohmann::json& j, const std::string& source);
};

// Defaults follow the SPEC. Unknown keys in FromJson are an error.
struct PromotionRules {
  int64_t min_trades = 30;
  double min_days = 14.0;
  double min_psr = 0.95;
  double max_drawdown = 0.25;         // challenger's max drawdown must be <= this
  double sharpe_margin = 0.10;        // challenger net Sharpe must be >= champion's + margin
  double min_first_net_sharpe = 0.0;  // a first model needs net Sharpe > this
  double min_dsr = 0.0;               // challenger's DSR must be >= this; 0 = off (ToJson omits it then)
  // Live evidence (registry/live_evidence.h): at least this many shadow trades; 0 = both live gates
  // off (ToJson omits them then).
  int64_t live_min_trades = 0;
  // The challenger's shadow net bps per trade must not be worse than the champion's: the lower
  // bound of the difference's 95 % interval must be >= -band.
  double live_net_bps_band = 0.0;

  Status Validate() const;
  nlohmann::json ToJson() const;
  static Result<PromotionRules> FromJson(const nlohmann::json& j);
};

// Machine-readable codes for each failed rule (also the prefix of each reason line).
inline constexpr char kRuleMinTrades[] = "min_trades";
inline constexpr char kRuleMinDays[] = "min_days";
inline constexpr char kRulePsr[] = "psr";
inline constexpr char kRuleDsr[] = "dsr";
inline constexpr char kRuleDrawdown[] = "max_drawdown";
inline constexpr char kRuleBeatChampion[] = "beat_champion";
inline constexpr char kRuleWindow[] = "same_window";
inline constexpr char kRuleFirstSharpe[] = "first_model_sharpe";
inline constexpr char kRuleInvalid[] = "invalid_metrics";

struct PromotionDecision {
  bool promote = false;
  std::string from_model_id;              // current champion, empty for a coin's first model
  std::string to_model_id;                // the challenger
  std::vector<std::string> failed_rules;  // codes above, in rule order; empty when promoted
  std::string reason;                     // one line: "promoted: ..." or "rejected: <code>: why; <code>: why"
  nlohmann::json snapshot;                // {"challenger": {...}, "champion": {...}|null, "rules": {...}}
};

// Pure: the same inputs always give the same decision.
PromotionDecision DecidePromotion(const ModelMetricsSummary& challenger,
                                  const std::optional<ModelMetricsSummary>& champion, const PromotionRules& rules);

// Writes one `promotions` row (snapshot as JSON text). `symbol` and `kind` ("promotion",
// "rejection", "rollback") go into extra columns. Idempotent per (symbol, to_model_id, kind):
// a rerun does not duplicate the row.
Status RecordPromotion(storage::Database& db, const std::string& symbol, const std::string& kind,
                       const std::string& from_model_id, const std::string& to_model_id, const std::string& reason,
                       const nlohmann::json& snapshot, int64_t at_ms);
Status RecordDecision(storage::Database& db, const std::string& symbol, const PromotionDecision& decision,
                      int64_t at_ms);

// `models` and `model_metrics` rows for a trained model (upserts, safe to repeat).
struct ModelRow {
  std::string model_id;
  std::string parent_id;  // the champion it was trained against, or empty
  std::string kind;       // "challenger", "champion", ...
  int64_t created_at_ms = 0;
  std::string s3_path;                     // archive prefix, e.g. "challengers/BTCUSDT/20251108T020000Z/"
  std::vector<std::string> features_used;  // stored as a JSON array
  nlohmann::json params = nlohmann::json::object();
  std::string symbol;
};
Status UpsertModel(storage::Database& db, const ModelRow& row);
Status UpsertModelMetrics(storage::Database& db, const ModelMetricsSummary& metrics, bool promoted);

}  // namespace huracan::registry
