// `huracan mechanic`: the hourly fine-tune (docs/MECHANIC.md). For each symbol with a champion it
// loads the champion's bundle and, on data up to the last closed bar, re-calibrates the engines'
// edges and confidences (RuleEngine / ScoreModelEngine::Recalibrate) and the regime thresholds
// and refits the meta weights; no grid search. Engines with an XGBoost booster first get a few
// extra trees on the same days (Engine::WarmStart). The challenger is scored on the most recent window it
// never saw (tuned on the days before it) under the daily run's promotion rules, then tuned again
// on the newest days and published like a daily challenger (training/publish.h) with the champion
// as its parent, plus two gates: the cool-off and the flapping stop. With the live-evidence gates
// on, a challenger of the champion in its set whose shadow trades pass them is offered again instead
// of a new fine-tune. Each pass is one ledger run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/time_units.h"
#include "registry/champion.h"
#include "training/coin_pipeline.h"

namespace huracan::training {

struct MechanicOptions {
  std::string data_dir = "data/sample";
  std::string archive = "./archive";
  std::string db;                            // empty: storage::DefaultDatabaseUrl()
  std::string symbols = "all";               // all | topN | A,B, among the symbols with a champion
  std::string promotion_rules;               // JSON file; empty: pipeline.rules
  std::string run_id;                        // empty: MechanicRunId(now)
  int64_t cooloff_ms = 6 * kMsPerHour;       // a champion flips at most once per cool-off
  int64_t flap_window_ms = 24 * kMsPerHour;  // A -> B -> A inside this window is flapping
  std::size_t max_challengers = registry::kDefaultMaxChallengersPerSymbol;
  int calib_days = 5;           // days a fine-tune re-calibrates on
  int eval_days = 14;           // the scoring window: the most recent days, never tuned on
  int extra_trees = 10;         // warm start: trees added to each booster per fine-tune (0 = off)
  CoinPipelineConfig pipeline;  // recipe, timeframe, quality, costs, rules, warm-up, reference, nthread

  std::string DbUrl() const;
  std::string Describe() const;  // the settings that shape a challenger (part of its training key)
};

// "mech-YYYYMMDDTHH" of the UTC hour of `now_ms`.
std::string MechanicRunId(int64_t now_ms);

// The gates on a promotion the rules allowed, from the champion pointer's history: "cooloff" when
// the champion was promoted less than `cooloff_ms` before `now_ms`; "flapping" when the champions
// promoted inside `flap_window_ms` (then `to_model_id`) return to a model they had left (A -> B -> A),
// a rollback included (`pointer.rolled_back`: B champion until its rollback, then the one before it).
std::vector<std::pair<std::string, std::string>> MechanicGates(const registry::ChampionPointer& pointer,
                                                               const std::string& to_model_id, int64_t now_ms,
                                                               int64_t cooloff_ms, int64_t flap_window_ms);

struct MechanicRun {
  std::string run_id;
  std::vector<std::string> symbols;                  // enrolled in the ledger
  int challengers = 0;                               // stored this pass (or found stored by an interrupted pass)
  int already_done = 0;                              // done by an earlier, interrupted pass of this run id
  std::vector<std::string> promoted;                 // "SYMBOL: model_id"
  nlohmann::json refused = nlohmann::json::array();  // {symbol, model_id, failed_rules, reason}
  nlohmann::json failed = nlohmann::json::array();   // {symbol, error}
  // Symbols with nothing new since the newest challenger tuned from the same champion (the same
  // last closed bar): nothing tuned or stored. {symbol, reason: "unchanged", model_id, parent_id, data_end}
  nlohmann::json skipped = nlohmann::json::array();
  std::vector<std::string> alerts;  // flapping stops, one line each
  nlohmann::json per_symbol_seconds = nlohmann::json::object();
  double seconds = 0;

  nlohmann::json ToJson() const;  // the one JSON line the CLI prints
};

// One pass over the symbols. Errors only when it cannot start (database, archive, data folder);
// a symbol's failure is recorded in the ledger and in `failed`.
Result<MechanicRun> RunMechanicOnce(const MechanicOptions& opts, const Clock& clock);

// The next multiple of `interval_ms` (since the epoch) strictly after `now_ms`.
int64_t NextBoundaryMs(int64_t now_ms, int64_t interval_ms);

}  // namespace huracan::training
