// Stages 6-9 of the per-coin pipeline: store the trained bundle as a challenger, decide on
// promotion against the current champion (re-evaluated on the challenger's recent window),
// promote (copy to models/, verify, then move the champion pointer), and write the database rows
// (models, model_metrics, promotions, meta_weights and the ledger's `done`) in ONE transaction.
//
// Crash safety (a kill -9 at any point, then a rerun of the same run id):
//  - The archive timestamp and so the model id come from the inputs: the data window's end,
//    shifted by whole seconds only to step over slots holding another training key. A rerun
//    finds its own slot again; a complete bundle there is reused, not rewritten, so a bundle the
//    champion pointer names is never overwritten.
//  - The pointer moves only after the bundle is copied and verified (registry::Archive::Promote).
//  - If the pointer already names this model (killed after the pointer, before the commit), the
//    decision is recomputed against the champion it replaced (the pointer's history), so the
//    promotions row is the same as it would have been.
//  - The DB rows are upserts / idempotent inserts committed together with the ledger's `done`:
//    either all of them exist or none, and repeating them adds nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "registry/promotion.h"
#include "storage/database.h"
#include "storage/object_store.h"
#include "training/stage_timer.h"

namespace huracan::training {

// One engine's share of the combined OOS result.
struct EngineContribution {
  std::string engine;
  double weight = 0;    // meta weight in the final model
  int64_t samples = 0;  // outcomes behind the weight
  int64_t trades = 0;   // OOS trades it took part in (or its own trades)
  double net_bps = 0;   // mean net bps per trade
  double hit_rate = 0;
  double contribution_bps = 0;  // weight * net_bps * trades (ranking key)

  nlohmann::json ToJson() const;
  static EngineContribution FromJson(const nlohmann::json& j);
};

// What stages 1-5 produce for one coin.
struct TrainedCoin {
  std::string symbol;
  std::string training_key;  // sha256 of run id, symbol, data hash, recipe hash, engines, code version
  int64_t data_end_ms = 0;   // end of the data window (close time of the last bar)
  registry::ModelBundle bundle;
  registry::ModelMetricsSummary oos;             // combined, on the recent evaluation window (model_id set here)
  std::vector<EngineContribution> contributors;  // sorted, largest contribution first
  std::vector<std::string> features_used;
};

// Re-evaluates a champion's bundle on the challenger's recent evaluation window (same window
// id as TrainedCoin::oos). Errors mean the champion cannot be evaluated (corrupt, incompatible).
using ChampionEvaluator =
    std::function<Result<registry::ModelMetricsSummary>(const registry::ModelBundle&, const std::string& model_id)>;

// A gate on a promotion the rules allowed (the mechanic's cool-off and flapping stop): given the
// champion pointer, the challenger's model id and the time, each failed gate as {rule code, why}.
// Any entry keeps the champion; the codes join PromotionDecision::failed_rules.
using PromotionGate = std::function<std::vector<std::pair<std::string, std::string>>(
    const registry::ChampionPointer& pointer, const std::string& to_model_id, int64_t now_ms)>;

struct PublishContext {
  storage::ObjectStore* store = nullptr;
  storage::Database* db = nullptr;
  const Clock* clock = nullptr;
  std::string run_id;
  registry::PromotionRules rules;
  PromotionGate gate;  // empty: none (the daily run)
  // Non-empty: the stored challenger joins champion/SYMBOL/challengers.json with this source
  // (registry/challenger_set.h), or leaves it when promoted; at most `max_challengers` stay.
  std::string challenger_source;
  std::size_t max_challengers = registry::kDefaultMaxChallengersPerSymbol;
};

// The per-symbol result, reported to the scheduler and stored (models.params) for the summary.
struct CoinOutcome {
  std::string symbol;
  std::string run_id;
  std::string model_id;
  std::string challenger_path;
  bool reused_bundle = false;  // a complete bundle of this training key was already stored
  bool promoted = false;
  std::string champion_before;  // model id, empty when none
  std::string champion_after;
  std::string reason;
  std::vector<std::string> failed_rules;
  std::vector<std::string> warnings;  // e.g. champion unusable, fell back
  registry::ModelMetricsSummary oos;
  std::optional<registry::ModelMetricsSummary> champion_oos;
  std::vector<EngineContribution> contributors;
  // Why the combined OOS run did not trade: reason -> bars (metrics.json "rejections").
  std::map<std::string, int64_t> rejections;
  // The engine side closest to being switched on in the latest fold (backtest::ClosestSideJson;
  // metrics.json "closest_engine"), null when none produced a signal.
  nlohmann::json closest_engine = nullptr;
  nlohmann::json stages = nlohmann::json::object();  // stage -> seconds
  // The coin's challengers (champion/SYMBOL/challengers.json) with their live evidence after this
  // run: [{"model_id", "source", "live": LiveEvidenceVerdict, "distance"}]; empty (and left out of
  // ToJson) when the coin has none.
  nlohmann::json challengers = nlohmann::json::array();

  std::string Brief() const;  // one line for logs
  nlohmann::json ToJson() const;
  static Result<CoinOutcome> FromJson(const nlohmann::json& j, const std::string& source);
};

// Archive timestamp for a data window end (seconds precision, UTC).
std::string SlotTimestamp(int64_t data_end_ms, int step);

// Finds this training key's slot among challengers/SYMBOL/: the first timestamp from the data end
// on that is free, incomplete, or holds the same key. `existing` is set when it holds a complete,
// verified bundle of the same key.
struct Slot {
  std::string timestamp;
  std::optional<registry::StoredBundle> existing;
};
Result<Slot> FindSlot(registry::Archive& archive, const std::string& symbol, int64_t data_end_ms,
                      const std::string& training_key);

Result<CoinOutcome> PublishCoin(TrainedCoin coin, const PublishContext& ctx, const ChampionEvaluator& evaluate_champion,
                                StageTimes* times);

}  // namespace huracan::training
