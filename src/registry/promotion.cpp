#include "registry/promotion.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <set>

#include "core/json.h"

namespace huracan::registry {
namespace {

std::string Fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string Fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

bool Finite(const ModelMetricsSummary& m) {
  return std::isfinite(m.days) && std::isfinite(m.net_sharpe) && std::isfinite(m.psr) && std::isfinite(m.dsr) &&
         std::isfinite(m.max_drawdown) && std::isfinite(m.hit_rate) && std::isfinite(m.net_bps) &&
         std::isfinite(m.cost_bps);
}

// JSON cannot hold NaN/inf: write them as null so a snapshot is always valid JSON.

}  // namespace

nlohmann::json ModelMetricsSummary::ToJson() const {
  return {{"model_id", model_id},
          {"trades", trades},
          {"days", JsonNumber(days)},
          {"net_sharpe", JsonNumber(net_sharpe)},
          {"psr", JsonNumber(psr)},
          {"dsr", JsonNumber(dsr)},
          {"max_drawdown", JsonNumber(max_drawdown)},
          {"hit_rate", JsonNumber(hit_rate)},
          {"net_bps", JsonNumber(net_bps)},
          {"cost_bps", JsonNumber(cost_bps)},
          {"window", window}};
}

Result<ModelMetricsSummary> ModelMetricsSummary::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return InvalidArgument(source + ": metrics summary is not a JSON object");
  ModelMetricsSummary m;
  try {
    auto num = [&](const char* key, double& out) {
      if (j.contains(key)) out = j.at(key).is_null() ? NAN : j.at(key).get<double>();
    };
    if (j.contains("model_id")) m.model_id = j.at("model_id").get<std::string>();
    if (j.contains("trades")) m.trades = j.at("trades").get<int64_t>();
    num("days", m.days);
    num("net_sharpe", m.net_sharpe);
    num("psr", m.psr);
    num("dsr", m.dsr);  // absent in summaries written before the DSR: 0
    num("max_drawdown", m.max_drawdown);
    num("hit_rate", m.hit_rate);
    num("net_bps", m.net_bps);
    num("cost_bps", m.cost_bps);
    if (j.contains("window")) m.window = j.at("window").get<std::string>();
  } catch (const std::exception& e) {
    return InvalidArgument(source + ": " + e.what());
  }
  return m;
}

Status PromotionRules::Validate() const {
  if (min_trades < 0) return InvalidArgument("promotion rules: min_trades must be >= 0");
  if (!(min_days >= 0)) return InvalidArgument("promotion rules: min_days must be >= 0");
  if (!(min_psr >= 0 && min_psr <= 1)) return InvalidArgument("promotion rules: min_psr must be in [0, 1]");
  if (!(min_dsr >= 0 && min_dsr <= 1)) return InvalidArgument("promotion rules: min_dsr must be in [0, 1]");
  if (!(max_drawdown > 0 && max_drawdown <= 1))
    return InvalidArgument("promotion rules: max_drawdown must be in (0, 1]");
  if (!(sharpe_margin >= 0 && std::isfinite(sharpe_margin)))
    return InvalidArgument("promotion rules: sharpe_margin must be >= 0");
  if (!std::isfinite(min_first_net_sharpe))
    return InvalidArgument("promotion rules: min_first_net_sharpe must be finite");
  if (live_min_trades < 0) return InvalidArgument("promotion rules: live_min_trades must be >= 0");
  if (!(live_net_bps_band >= 0 && std::isfinite(live_net_bps_band)))
    return InvalidArgument("promotion rules: live_net_bps_band must be >= 0");
  return Status::Ok();
}

nlohmann::json PromotionRules::ToJson() const {
  nlohmann::json j = {
      {"min_trades", min_trades},     {"min_days", min_days},           {"min_psr", min_psr},
      {"max_drawdown", max_drawdown}, {"sharpe_margin", sharpe_margin}, {"min_first_net_sharpe", min_first_net_sharpe}};
  // Only when on: the rules are part of the training key, which stays as before with the rule off.
  if (min_dsr != 0) j["min_dsr"] = min_dsr;
  if (live_min_trades != 0) {
    j["live_min_trades"] = live_min_trades;
    j["live_net_bps_band"] = live_net_bps_band;
  }
  return j;
}

Result<PromotionRules> PromotionRules::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidArgument("promotion rules: not a JSON object");
  PromotionRules r;
  static const std::set<std::string> kKeys = {"min_trades",   "min_days",        "min_psr",
                                              "max_drawdown", "sharpe_margin",   "min_first_net_sharpe",
                                              "min_dsr",      "live_min_trades", "live_net_bps_band"};
  try {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!kKeys.count(it.key())) return InvalidArgument("promotion rules: unknown key '" + it.key() + "'");
    if (j.contains("min_trades")) r.min_trades = j.at("min_trades").get<int64_t>();
    if (j.contains("min_days")) r.min_days = j.at("min_days").get<double>();
    if (j.contains("min_psr")) r.min_psr = j.at("min_psr").get<double>();
    if (j.contains("max_drawdown")) r.max_drawdown = j.at("max_drawdown").get<double>();
    if (j.contains("sharpe_margin")) r.sharpe_margin = j.at("sharpe_margin").get<double>();
    if (j.contains("min_first_net_sharpe")) r.min_first_net_sharpe = j.at("min_first_net_sharpe").get<double>();
    if (j.contains("min_dsr")) r.min_dsr = j.at("min_dsr").get<double>();
    if (j.contains("live_min_trades")) r.live_min_trades = j.at("live_min_trades").get<int64_t>();
    if (j.contains("live_net_bps_band")) r.live_net_bps_band = j.at("live_net_bps_band").get<double>();
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("promotion rules: ") + e.what());
  }
  HURACAN_RETURN_IF_ERROR(r.Validate());
  return r;
}

PromotionDecision DecidePromotion(const ModelMetricsSummary& challenger,
                                  const std::optional<ModelMetricsSummary>& champion, const PromotionRules& rules) {
  PromotionDecision d;
  d.to_model_id = challenger.model_id;
  if (champion) d.from_model_id = champion->model_id;
  d.snapshot = {{"challenger", challenger.ToJson()},
                {"champion", champion ? champion->ToJson() : nlohmann::json(nullptr)},
                {"rules", rules.ToJson()}};
  std::vector<std::string> why;
  auto fail = [&](const char* code, const std::string& text) {
    d.failed_rules.push_back(code);
    why.push_back(std::string(code) + ": " + text);
  };

  if (!Finite(challenger) || challenger.trades < 0) {
    fail(kRuleInvalid, "challenger metrics hold NaN, infinity or a negative trade count");
  } else {
    // Absolute gates: every challenger, first model or not.
    if (challenger.trades < rules.min_trades)
      fail(kRuleMinTrades, Fmt("%lld OOS trades < %lld required", static_cast<long long>(challenger.trades),
                               static_cast<long long>(rules.min_trades)));
    if (challenger.days < rules.min_days)
      fail(kRuleMinDays, Fmt("%.1f OOS days < %.1f required", challenger.days, rules.min_days));
    if (challenger.psr < rules.min_psr) fail(kRulePsr, Fmt("PSR %.3f < %.3f", challenger.psr, rules.min_psr));
    if (rules.min_dsr > 0 && challenger.dsr < rules.min_dsr)
      fail(kRuleDsr, Fmt("DSR %.3f < %.3f", challenger.dsr, rules.min_dsr));
    if (challenger.max_drawdown > rules.max_drawdown)
      fail(kRuleDrawdown,
           Fmt("max drawdown %.1f%% > limit %.1f%%", 100 * challenger.max_drawdown, 100 * rules.max_drawdown));
    if (!champion) {
      if (!(challenger.net_sharpe > rules.min_first_net_sharpe))
        fail(kRuleFirstSharpe,
             Fmt("first model's net Sharpe %.3f is not above %.3f", challenger.net_sharpe, rules.min_first_net_sharpe));
    } else if (!Finite(*champion)) {
      fail(kRuleInvalid, "champion metrics hold NaN or infinity: re-evaluate the champion");
    } else if (champion->window != challenger.window) {
      fail(kRuleWindow, "challenger window '" + challenger.window + "' differs from champion window '" +
                            champion->window + "': compare on the same window");
    } else if (!(challenger.net_sharpe > champion->net_sharpe + rules.sharpe_margin)) {
      fail(kRuleBeatChampion, Fmt("net Sharpe %.3f does not beat champion's %.3f + margin %.3f", challenger.net_sharpe,
                                  champion->net_sharpe, rules.sharpe_margin));
    }
  }

  d.promote = d.failed_rules.empty();
  if (d.promote) {
    std::string gates =
        Fmt("%lld trades, %.1f days, PSR %.3f, max DD %.1f%%", static_cast<long long>(challenger.trades),
            challenger.days, challenger.psr, 100 * challenger.max_drawdown);
    if (rules.min_dsr > 0) gates += Fmt(", DSR %.3f", challenger.dsr);
    if (champion) {
      d.reason = Fmt("promoted: net Sharpe %.3f beats champion %s's %.3f + margin %.3f on window ",
                     challenger.net_sharpe, champion->model_id.c_str(), champion->net_sharpe, rules.sharpe_margin) +
                 challenger.window + " (" + gates + ")";
    } else {
      d.reason = Fmt("promoted: first model, passes the absolute gates with net Sharpe %.3f (", challenger.net_sharpe) +
                 gates + ")";
    }
  } else {
    d.reason = "rejected: ";
    for (size_t i = 0; i < why.size(); ++i) d.reason += (i ? "; " : "") + why[i];
    d.reason += champion ? "; champion " + champion->model_id + " kept" : "; coin stays without a champion";
  }
  return d;
}

Status RecordPromotion(storage::Database& db, const std::string& symbol, const std::string& kind,
                       const std::string& from_model_id, const std::string& to_model_id, const std::string& reason,
                       const nlohmann::json& snapshot, int64_t at_ms) {
  const std::string at = storage::SqlTimestamp(at_ms);
  // Derived from the inputs, so a rerun of the same decision does not add a row. Rollbacks can
  // repeat for the same target, so their time is part of the id.
  std::string id = symbol + "|" + kind + "|" + from_model_id + "|" + to_model_id;
  if (kind == "rollback") id += "|" + at;
  std::string snap;
  try {
    snap = snapshot.dump();
  } catch (const std::exception& e) {
    return InvalidArgument("promotion snapshot for " + symbol + ": " + e.what());
  }
  auto res = db.Exec(
      "INSERT INTO promotions (promotion_id, from_model_id, to_model_id, reason, at, snapshot, symbol, decision) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (promotion_id) DO NOTHING",
      {id, from_model_id.empty() ? storage::SqlValue() : storage::SqlValue(from_model_id),
       to_model_id.empty() ? storage::SqlValue() : storage::SqlValue(to_model_id), reason, at, snap, symbol, kind});
  if (!res.ok()) return res.error();
  return Status::Ok();
}

Status RecordDecision(storage::Database& db, const std::string& symbol, const PromotionDecision& decision,
                      int64_t at_ms) {
  return RecordPromotion(db, symbol, decision.promote ? "promotion" : "rejection", decision.from_model_id,
                         decision.to_model_id, decision.reason, decision.snapshot, at_ms);
}

Status UpsertModel(storage::Database& db, const ModelRow& row) {
  if (row.model_id.empty()) return InvalidArgument("models row: empty model_id");
  nlohmann::json features = row.features_used;
  std::string params;
  try {
    params = row.params.dump();
  } catch (const std::exception& e) {
    return InvalidArgument("models row " + row.model_id + ": params: " + e.what());
  }
  auto res = db.Exec(
      "INSERT INTO models (model_id, parent_id, kind, created_at, s3_path, features_used, params, symbol) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_id) DO UPDATE SET parent_id = excluded.parent_id, "
      "kind = excluded.kind, created_at = excluded.created_at, s3_path = excluded.s3_path, "
      "features_used = excluded.features_used, params = excluded.params, symbol = excluded.symbol",
      {row.model_id, row.parent_id.empty() ? storage::SqlValue() : storage::SqlValue(row.parent_id), row.kind,
       storage::SqlTimestamp(row.created_at_ms), row.s3_path, features.dump(), params,
       row.symbol.empty() ? storage::SqlValue() : storage::SqlValue(row.symbol)});
  if (!res.ok()) return res.error();
  return Status::Ok();
}

Status UpsertModelMetrics(storage::Database& db, const ModelMetricsSummary& m, bool promoted) {
  if (m.model_id.empty()) return InvalidArgument("model_metrics row: empty model_id");
  auto num = [](double v) { return std::isfinite(v) ? storage::SqlValue(v) : storage::SqlValue(); };
  auto res = db.Exec(
      "INSERT INTO model_metrics (model_id, sharpe, hit_rate, drawdown, net_bps, \"window\", cost_bps, promoted, "
      "trades, days, psr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_id, \"window\") DO UPDATE SET "
      "sharpe = excluded.sharpe, hit_rate = excluded.hit_rate, drawdown = excluded.drawdown, "
      "net_bps = excluded.net_bps, cost_bps = excluded.cost_bps, promoted = excluded.promoted, "
      "trades = excluded.trades, days = excluded.days, psr = excluded.psr",
      {m.model_id, num(m.net_sharpe), num(m.hit_rate), num(m.max_drawdown), num(m.net_bps), m.window, num(m.cost_bps),
       promoted ? 1 : 0, m.trades, num(m.days), num(m.psr)});
  if (!res.ok()) return res.error();
  return Status::Ok();
}

}  // namespace huracan::registry
