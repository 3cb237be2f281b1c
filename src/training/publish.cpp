#include "training/publish.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "core/time_units.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "registry/live_evidence.h"
#include "training/sql_ledger.h"
#include "training/test_hooks.h"

namespace huracan::training {
namespace {

constexpr int kMaxSlotSteps = 3600;  // an hour of one-second steps: far more keys than one data end sees

double GetNum(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : 0.0;
}

// The training key recorded in a stored bundle's config.json, or "" when unreadable.
std::string StoredKey(const storage::ObjectStore& store, const std::string& prefix) {
  auto bytes = store.Get(prefix + registry::kConfigFile);
  if (!bytes.ok()) return "";
  try {
    auto j = nlohmann::json::parse(*bytes);
    if (j.contains("training_key") && j["training_key"].is_string()) return j["training_key"].get<std::string>();
    if (j.contains("extra") && j["extra"].is_object() && j["extra"].contains("training_key"))
      return j["extra"]["training_key"].get<std::string>();
  } catch (const std::exception&) {
  }
  return "";
}

// A promoted model leaves the coin's challenger set (when it was in it).
Status DropChallenger(storage::ObjectStore& store, const std::string& symbol, const std::string& model_id) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChallengerSet> set, registry::ReadChallengerSet(store, symbol));
  if (!set || std::none_of(set->challengers.begin(), set->challengers.end(),
                           [&](const auto& e) { return e.model_id == model_id; }))
    return Status::Ok();
  return registry::WriteChallengerSet(store, registry::WithoutChallenger(std::move(*set), model_id));
}

// The coin's challengers with their live evidence (CoinOutcome::challengers).
Result<nlohmann::json> ChallengersJson(const storage::ObjectStore& store, storage::Database& db,
                                       const std::string& symbol, const registry::PromotionRules& rules) {
  nlohmann::json out = nlohmann::json::array();
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChallengerSet> set, registry::ReadChallengerSet(store, symbol));
  if (!set) return out;
  for (const registry::ChallengerEntry& e : set->challengers) {
    HURACAN_ASSIGN_OR_RETURN(registry::LiveEvidence ev, registry::ReadLiveEvidence(db, symbol, e.model_id, 0));
    const registry::LiveEvidenceVerdict v = registry::DecideLiveEvidence(ev, rules);
    out.push_back({{"model_id", e.model_id},
                   {"source", e.source},
                   {"live", v.ToJson()},
                   {"distance", registry::LiveEvidenceDistance(v)}});
  }
  return out;
}

}  // namespace

nlohmann::json EngineContribution::ToJson() const {
  return {{"engine", engine},
          {"weight", JsonNumber(weight)},
          {"samples", samples},
          {"trades", trades},
          {"net_bps", JsonNumber(net_bps)},
          {"hit_rate", JsonNumber(hit_rate)},
          {"contribution_bps", JsonNumber(contribution_bps)}};
}

EngineContribution EngineContribution::FromJson(const nlohmann::json& j) {
  EngineContribution c;
  c.engine = j.value("engine", "");
  c.weight = GetNum(j, "weight");
  c.samples = j.value("samples", int64_t{0});
  c.trades = j.value("trades", int64_t{0});
  c.net_bps = GetNum(j, "net_bps");
  c.hit_rate = GetNum(j, "hit_rate");
  c.contribution_bps = GetNum(j, "contribution_bps");
  return c;
}

std::string CoinOutcome::Brief() const {
  std::string s = promoted ? "promoted " + model_id : (champion_after.empty() ? "no champion" : "champion kept");
  s += fmt::format(", {} OOS trades, hit {:.1f}%, net {:.2f} bps, Sharpe {:.2f}", oos.trades, 100 * oos.hit_rate,
                   oos.net_bps, oos.net_sharpe);
  return s;
}

nlohmann::json CoinOutcome::ToJson() const {
  nlohmann::json contrib = nlohmann::json::array();
  for (const auto& c : contributors) contrib.push_back(c.ToJson());
  nlohmann::json j = {{"symbol", symbol},
                      {"run_id", run_id},
                      {"model_id", model_id},
                      {"challenger_path", challenger_path},
                      {"reused_bundle", reused_bundle},
                      {"promoted", promoted},
                      {"champion_before", champion_before},
                      {"champion_after", champion_after},
                      {"reason", reason},
                      {"failed_rules", failed_rules},
                      {"warnings", warnings},
                      {"oos", oos.ToJson()},
                      {"champion_oos", champion_oos ? champion_oos->ToJson() : nlohmann::json(nullptr)},
                      {"contributors", contrib},
                      {"rejections", rejections},
                      {"closest_engine", closest_engine},
                      {"stages", stages},
                      {"brief", Brief()}};
  if (!challengers.empty()) j["challengers"] = challengers;
  return j;
}

Result<CoinOutcome> CoinOutcome::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return DataLoss(source + ": coin outcome is not a JSON object");
  CoinOutcome o;
  try {
    o.symbol = j.value("symbol", "");
    o.run_id = j.value("run_id", "");
    o.model_id = j.value("model_id", "");
    o.challenger_path = j.value("challenger_path", "");
    o.reused_bundle = j.value("reused_bundle", false);
    o.promoted = j.value("promoted", false);
    o.champion_before = j.value("champion_before", "");
    o.champion_after = j.value("champion_after", "");
    o.reason = j.value("reason", "");
    if (j.contains("failed_rules")) o.failed_rules = j["failed_rules"].get<std::vector<std::string>>();
    if (j.contains("warnings")) o.warnings = j["warnings"].get<std::vector<std::string>>();
    if (j.contains("oos")) {
      HURACAN_ASSIGN_OR_RETURN(o.oos, registry::ModelMetricsSummary::FromJson(j["oos"], source + ": oos"));
    }
    if (j.contains("champion_oos") && !j["champion_oos"].is_null()) {
      HURACAN_ASSIGN_OR_RETURN(o.champion_oos,
                               registry::ModelMetricsSummary::FromJson(j["champion_oos"], source + ": champion_oos"));
    }
    if (j.contains("contributors"))
      for (const auto& c : j["contributors"]) o.contributors.push_back(EngineContribution::FromJson(c));
    if (j.contains("rejections") && j["rejections"].is_object())
      o.rejections = j["rejections"].get<std::map<std::string, int64_t>>();
    if (j.contains("closest_engine") && j["closest_engine"].is_object()) o.closest_engine = j["closest_engine"];
    if (j.contains("stages") && j["stages"].is_object()) o.stages = j["stages"];
    if (j.contains("challengers") && j["challengers"].is_array()) o.challengers = j["challengers"];
  } catch (const std::exception& e) {
    return DataLoss(source + ": " + e.what());
  }
  return o;
}

std::string SlotTimestamp(int64_t data_end_ms, int step) {
  const int64_t secs = FloorDiv(data_end_ms, kMsPerSecond);
  return registry::FormatArchiveTimestamp((secs + step) * kMsPerSecond);
}

Result<Slot> FindSlot(registry::Archive& archive, const std::string& symbol, int64_t data_end_ms,
                      const std::string& training_key) {
  storage::ObjectStore& store = archive.store();
  for (int step = 0; step < kMaxSlotSteps; ++step) {
    Slot slot;
    slot.timestamp = SlotTimestamp(data_end_ms, step);
    const std::string prefix = registry::ChallengerPrefix(symbol, slot.timestamp);
    HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.List(prefix));
    if (keys.empty()) return slot;  // free
    std::string key = StoredKey(store, prefix);
    if (!key.empty() && key != training_key) continue;  // another training's bundle: never touch it
    auto verified = registry::VerifyBundle(store, prefix);
    if (verified.ok() && key == training_key) {
      registry::StoredBundle b;
      b.symbol = symbol;
      b.timestamp = slot.timestamp;
      b.model_id = registry::MakeModelId(symbol, slot.timestamp);
      b.prefix = prefix;
      b.manifest_sha256 = *verified;
      slot.existing = b;
      return slot;
    }
    if (verified.ok()) continue;  // complete but without a readable key: not ours
    return slot;                  // incomplete (a write was interrupted): ours to rewrite
  }
  return FailedPrecondition(fmt::format("{}: no free archive slot within {} s of the data end {}", symbol,
                                        kMaxSlotSteps, SlotTimestamp(data_end_ms, 0)));
}

namespace {

struct ChampionForComparison {
  std::string model_id;  // empty when the coin has no usable champion to compare with
  std::optional<registry::ModelMetricsSummary> metrics;
};

// Evaluates the first usable entry of `entries` (verified bundle) on the challenger's window.
ChampionForComparison EvaluateFirstUsable(const storage::ObjectStore& store,
                                          const std::vector<registry::ChampionEntry>& entries,
                                          const ChampionEvaluator& evaluate, std::vector<std::string>* warnings) {
  ChampionForComparison out;
  for (const auto& e : entries) {
    auto bundle = registry::ReadBundle(store, e.path);
    if (bundle.ok() && !e.sha256.empty()) {
      auto v = registry::VerifyBundle(store, e.path, e.sha256);
      if (!v.ok()) bundle = v.error();
    }
    if (!bundle.ok()) {
      warnings->push_back("champion " + e.model_id + " unusable: " + bundle.error().message);
      continue;
    }
    out.model_id = e.model_id;
    auto m = evaluate(*bundle, e.model_id);
    if (m.ok()) {
      out.metrics = *m;
      out.metrics->model_id = e.model_id;
    } else {
      warnings->push_back("champion " + e.model_id + " could not be re-evaluated (" + m.error().message +
                          "): the challenger is judged on the absolute gates");
    }
    return out;
  }
  return out;
}

// Adds a stored challenger that was not promoted to its coin's challenger set (`source`: "daily"
// or "mechanic"), newest first, at most `max_challengers`. Idempotent: a rerun writes the same set.
Status AddToChallengerSet(storage::ObjectStore& store, const registry::StoredBundle& stored,
                          const std::string& champion_id, const std::string& source, std::size_t max_challengers,
                          int64_t now_ms) {
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChallengerSet> read,
                           registry::ReadChallengerSet(store, stored.symbol));
  registry::ChallengerSet set = read.value_or(registry::ChallengerSet{stored.symbol, {}});
  registry::ChallengerEntry e{.model_id = stored.model_id,
                              .path = stored.prefix,
                              .sha256 = stored.manifest_sha256,
                              .parent_id = champion_id,
                              .source = source,
                              .added_at = storage::SqlTimestamp(now_ms)};
  for (const auto& old : set.challengers)
    if (old.model_id == e.model_id) e.added_at = old.added_at;  // a rerun keeps the first time
  return registry::WriteChallengerSet(store, registry::WithChallenger(std::move(set), e, champion_id, max_challengers));
}

}  // namespace

Result<CoinOutcome> PublishCoin(TrainedCoin coin, const PublishContext& ctx, const ChampionEvaluator& evaluate_champion,
                                StageTimes* times) {
  StageTimes local;
  if (!times) times = &local;
  storage::ObjectStore& store = *ctx.store;
  registry::Archive archive(store);
  const std::string& symbol = coin.symbol;

  // 6-7. Bundle, stored as a challenger (or found, complete, from an interrupted attempt).
  times->Begin("archive");
  HURACAN_ASSIGN_OR_RETURN(Slot slot, FindSlot(archive, symbol, coin.data_end_ms, coin.training_key));
  CoinOutcome out;
  out.symbol = symbol;
  out.run_id = ctx.run_id;
  out.model_id = registry::MakeModelId(symbol, slot.timestamp);
  registry::StoredBundle stored;
  if (slot.existing) {
    stored = *slot.existing;
    out.reused_bundle = true;
    // The stored bundle is the truth: decide on its metrics, not on this attempt's recomputation.
    HURACAN_ASSIGN_OR_RETURN(registry::ModelBundle b, registry::ReadBundle(store, stored.prefix));
    if (b.metrics.contains("oos")) {
      HURACAN_ASSIGN_OR_RETURN(
          coin.oos, registry::ModelMetricsSummary::FromJson(b.metrics["oos"], stored.prefix + "metrics.json"));
    }
    if (b.metrics.contains("contributors")) {
      coin.contributors.clear();
      for (const auto& c : b.metrics["contributors"]) coin.contributors.push_back(EngineContribution::FromJson(c));
    }
  } else {
    coin.bundle.config.symbol = symbol;
    coin.bundle.config.extra["training_key"] = coin.training_key;
    coin.bundle.config.extra["model_id"] = out.model_id;
    coin.oos.model_id = out.model_id;
    coin.bundle.metrics["oos"] = coin.oos.ToJson();
    nlohmann::json contrib = nlohmann::json::array();
    for (const auto& c : coin.contributors) contrib.push_back(c.ToJson());
    coin.bundle.metrics["contributors"] = contrib;
    HURACAN_ASSIGN_OR_RETURN(stored, archive.StoreChallenger(symbol, slot.timestamp, coin.bundle));
  }
  coin.oos.model_id = out.model_id;
  out.challenger_path = stored.prefix;
  out.oos = coin.oos;
  out.contributors = coin.contributors;
  if (coin.bundle.metrics.contains("rejections") && coin.bundle.metrics["rejections"].is_object()) {
    for (const auto& [reason, bars] : coin.bundle.metrics["rejections"].items())
      if (bars.is_number_integer()) out.rejections[reason] = bars.get<int64_t>();
  }
  if (coin.bundle.metrics.contains("closest_engine") && coin.bundle.metrics["closest_engine"].is_object())
    out.closest_engine = coin.bundle.metrics["closest_engine"];
  MaybeCrashAt("after_archive", symbol);

  // 8. Promotion decision against the champion, re-evaluated on the same recent window.
  times->Begin("promotion");
  HURACAN_ASSIGN_OR_RETURN(std::optional<registry::ChampionPointer> pointer,
                           registry::ReadChampionPointer(store, symbol));
  bool resumed = pointer && pointer->current.model_id == out.model_id;
  ChampionForComparison champ;
  if (resumed) {
    // Killed after the pointer moved, before the rows were committed: compare with the champion
    // this model replaced, exactly as the first attempt did.
    champ = EvaluateFirstUsable(store, pointer->previous, evaluate_champion, &out.warnings);
    out.champion_before = champ.model_id;
  } else if (pointer) {
    std::vector<registry::ChampionEntry> entries{pointer->current};
    entries.insert(entries.end(), pointer->previous.begin(), pointer->previous.end());
    champ = EvaluateFirstUsable(store, entries, evaluate_champion, &out.warnings);
    out.champion_before = pointer->current.model_id;
  }
  registry::PromotionDecision decision = DecidePromotion(coin.oos, champ.metrics, ctx.rules);
  if (decision.from_model_id.empty()) decision.from_model_id = out.champion_before;
  // The live-evidence gates (when on): a coin with a champion promotes only a model with enough
  // shadow trades beside it (a first model has nothing to be compared with). One held back by them
  // alone joins the coin's challenger set, for Hamilton to shadow-trade.
  bool live_held_back = false;
  // Resumed too, so that its decision (the snapshot's `live` verdict) is the first attempt's.
  if (ctx.rules.live_min_trades > 0 && pointer) {
    const bool backtest_pass = decision.promote;
    HURACAN_ASSIGN_OR_RETURN_CTX(
        decision,
        registry::GateOnLiveEvidence(*ctx.db, symbol, out.model_id, /*since_ms=*/0, ctx.rules, std::move(decision)),
        symbol + ": live evidence");
    live_held_back = backtest_pass && !decision.promote;
  }
  const int64_t now_ms = ctx.clock->NowMs();
  if (decision.promote && !resumed && pointer && ctx.gate) {
    const auto failed = ctx.gate(*pointer, out.model_id, now_ms);
    if (!failed.empty()) {
      decision.promote = false;
      decision.reason = "rejected: ";
      for (size_t i = 0; i < failed.size(); ++i) {
        decision.failed_rules.push_back(failed[i].first);
        decision.reason += (i ? "; " : "") + failed[i].first + ": " + failed[i].second;
      }
    }
  }
  if (resumed && !decision.promote) {
    decision.promote = true;
    decision.failed_rules.clear();
    decision.reason = "promoted (the champion pointer already named this model after an interrupted attempt)";
  }
  // A model held back by the live gates alone joins the set (source "daily"); every model the
  // mechanic does not promote joins it too (PublishContext::challenger_source).
  if (!decision.promote && (live_held_back || !ctx.challenger_source.empty())) {
    const std::string source = ctx.challenger_source.empty() ? "daily" : ctx.challenger_source;
    HURACAN_RETURN_IF_ERROR_CTX(
        AddToChallengerSet(store, stored, out.champion_before, source, ctx.max_challengers, now_ms),
        symbol + ": challenger set");
    MaybeCrashAt("after_challenger_set", symbol);
  }
  HURACAN_ASSIGN_OR_RETURN_CTX(out.challengers, ChallengersJson(store, *ctx.db, symbol, ctx.rules),
                               symbol + ": challengers");
  out.promoted = decision.promote;
  out.reason = decision.reason;
  out.failed_rules = decision.failed_rules;
  out.champion_oos = champ.metrics;
  out.champion_after = out.champion_before;
  std::string promoted_path;
  if (decision.promote) {
    HURACAN_ASSIGN_OR_RETURN(registry::ChampionPointer p, archive.Promote(stored, now_ms, decision.reason));
    MaybeCrashAt("after_promote", symbol);
    out.champion_after = p.current.model_id;
    promoted_path = p.current.path;
    HURACAN_RETURN_IF_ERROR_CTX(DropChallenger(store, symbol, out.model_id), symbol + ": challenger set");
    MaybeCrashAt("after_champion", symbol);
  }

  // 9. Database rows and the ledger's `done`, all in one transaction.
  times->Begin("database");
  out.stages = times->ToJson();
  nlohmann::json params = out.ToJson();
  registry::ModelRow row;
  row.model_id = out.model_id;
  row.parent_id = out.champion_before;
  // A promoted model's row points at its copy under models/ (the champion pointer names the
  // current one; a later rollback moves the pointer, not this row).
  row.kind = decision.promote ? "champion" : "challenger";
  row.created_at_ms = now_ms;
  row.s3_path = decision.promote ? promoted_path : stored.prefix;
  row.features_used = coin.features_used;
  row.params = params;
  row.symbol = symbol;
  Status st = ctx.db->Transaction([&](storage::Database& tx) -> Status {
    HURACAN_RETURN_IF_ERROR(registry::UpsertModel(tx, row));
    HURACAN_RETURN_IF_ERROR(registry::UpsertModelMetrics(tx, coin.oos, decision.promote));
    HURACAN_RETURN_IF_ERROR(registry::RecordDecision(tx, symbol, decision, now_ms));
    if (decision.promote) {
      // The coin's weights are the new champion's, and only its engines.
      HURACAN_RETURN_IF_ERROR(tx.Exec("DELETE FROM meta_weights WHERE symbol = ?", {symbol}));
      for (const auto& c : coin.contributors) {
        HURACAN_RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO meta_weights (symbol, engine_id, weight, samples, updated_at) VALUES (?, ?, ?, ?, ?)",
            {symbol, c.engine, std::isfinite(c.weight) ? c.weight : 0.0, c.samples, storage::SqlTimestamp(now_ms)}));
      }
    }
    MaybeCrashAt("in_db_transaction", symbol);
    return MarkDoneInTransaction(tx, ctx.run_id, symbol, now_ms);
  });
  HURACAN_RETURN_IF_ERROR_CTX(st, symbol + ": database");
  MaybeCrashAt("after_db_commit", symbol);
  times->End();
  out.stages = times->ToJson();
  return out;
}

}  // namespace huracan::training
