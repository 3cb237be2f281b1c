#include "meta/combiner.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace huracan::meta {

Status MetaConfig::Validate() const {
  if (!(ema_alpha > 0.0 && ema_alpha <= 1.0)) return InvalidArgument("meta config: ema_alpha must be in (0,1]");
  if (!(edge_scale_bps > 0.0)) return InvalidArgument("meta config: edge_scale_bps must be > 0");
  if (!(min_weight >= 0.0 && min_weight <= max_weight && max_weight <= 1.0))
    return InvalidArgument("meta config: need 0 <= min_weight <= max_weight <= 1");
  if (min_samples < 0) return InvalidArgument("meta config: min_samples must be >= 0");
  if (!(prior_score >= 0.0)) return InvalidArgument("meta config: prior_score must be >= 0");
  if (!(edge_threshold_bps >= 0.0)) return InvalidArgument("meta config: edge_threshold_bps must be >= 0");
  if (!(confidence_threshold >= 0.0 && confidence_threshold <= 1.0))
    return InvalidArgument("meta config: confidence_threshold must be in [0,1]");
  return Status::Ok();
}

std::vector<double> ClipAndNormalise(std::vector<double> w, double lo, double hi) {
  const size_t n = w.size();
  if (n == 0) return w;
  double sum = 0;
  for (double& x : w) {
    if (!std::isfinite(x) || x < 0) x = 0;
    sum += x;
  }
  if (sum <= 0) {
    std::fill(w.begin(), w.end(), 1.0 / static_cast<double>(n));
    return w;
  }
  for (double& x : w) x /= sum;
  if (static_cast<double>(n) * hi < 1.0 || static_cast<double>(n) * lo > 1.0) return w;
  // Fix entries at a bound, give the rest what remains in proportion; repeat until nothing moves.
  std::vector<int> fixed(n, 0);  // 0 free, -1 at lo, +1 at hi
  for (size_t iter = 0; iter < 2 * n + 2; ++iter) {
    double fixed_mass = 0, free_mass = 0;
    for (size_t i = 0; i < n; ++i) {
      if (fixed[i] < 0)
        fixed_mass += lo;
      else if (fixed[i] > 0)
        fixed_mass += hi;
      else
        free_mass += w[i];
    }
    const double room = 1.0 - fixed_mass;
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (fixed[i] != 0) {
        w[i] = fixed[i] < 0 ? lo : hi;
        continue;
      }
      w[i] = free_mass > 0 ? w[i] * room / free_mass : room;
    }
    for (size_t i = 0; i < n; ++i) {
      if (fixed[i] != 0) continue;
      if (w[i] > hi) {
        fixed[i] = 1;
        changed = true;
      } else if (w[i] < lo) {
        fixed[i] = -1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return w;
}

Result<MetaCombiner> MetaCombiner::Create(const MetaConfig& config, std::vector<std::string> ids) {
  HURACAN_RETURN_IF_ERROR(config.Validate());
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
    return InvalidArgument("meta combiner: duplicate engine id");
  MetaCombiner m;
  m.config_ = config;
  for (auto& id : ids) m.stats_.push_back(EngineStats{.id = std::move(id)});
  m.RecomputeWeights();
  return m;
}

int MetaCombiner::Slot(std::string_view id) const {
  auto it = std::lower_bound(stats_.begin(), stats_.end(), id,
                             [](const EngineStats& s, std::string_view v) { return s.id < v; });
  if (it == stats_.end() || it->id != id) return -1;
  return static_cast<int>(it - stats_.begin());
}

double MetaCombiner::weight_of(std::string_view id) const {
  int s = Slot(id);
  return s < 0 ? 0.0 : weights_[static_cast<size_t>(s)];
}

bool MetaCombiner::RecordOutcome(std::string_view id, double net_return_bps) {
  int s = Slot(id);
  if (s < 0 || !std::isfinite(net_return_bps)) return false;
  EngineStats& st = stats_[static_cast<size_t>(s)];
  const double a = config_.ema_alpha;
  const double hit = net_return_bps > 0 ? 1.0 : 0.0;
  st.accuracy_ema = (1 - a) * st.accuracy_ema + a * hit;
  st.net_edge_ema_bps = (1 - a) * st.net_edge_ema_bps + a * net_return_bps;
  ++st.samples;
  RecomputeWeights();
  return true;
}

void MetaCombiner::RecomputeWeights() {
  std::vector<double> raw(stats_.size());
  for (size_t i = 0; i < stats_.size(); ++i) {
    const EngineStats& st = stats_[i];
    if (st.samples < config_.min_samples) {
      raw[i] = config_.prior_score;
    } else {
      const double edge_factor = 2.0 / (1.0 + std::exp(-st.net_edge_ema_bps / config_.edge_scale_bps));
      raw[i] = st.accuracy_ema * edge_factor;
    }
  }
  weights_ = ClipAndNormalise(std::move(raw), config_.min_weight, config_.max_weight);
}

Combined MetaCombiner::Combine(std::span<const Vote> votes) const {
  Combined out;
  double wsum = 0, edge = 0, horizon = 0;
  for (const Vote& v : votes) {
    if (v.direction == Direction::kWait) continue;
    const int s = Slot(v.id);
    if (s < 0) continue;
    const double w = weights_[static_cast<size_t>(s)];
    wsum += w;
    edge += w * v.edge_bps;
    horizon += w * v.horizon_minutes;
  }
  if (wsum <= 0) return out;
  out.weight_sum = wsum;
  out.edge_bps = edge / wsum;
  out.horizon_minutes = static_cast<int>(std::lround(horizon / wsum));
  const int sign = out.edge_bps > 0 ? 1 : out.edge_bps < 0 ? -1 : 0;
  double conf = 0;
  for (const Vote& v : votes) {
    if (v.direction == Direction::kWait) continue;
    const int s = Slot(v.id);
    if (s < 0) continue;
    const double agree = static_cast<int>(v.direction) == sign ? 1.0 : -1.0;
    conf += weights_[static_cast<size_t>(s)] * std::clamp(v.confidence, 0.0, 1.0) * agree;
  }
  out.confidence = std::clamp(conf / wsum, 0.0, 1.0);
  if (sign != 0 && std::fabs(out.edge_bps) >= config_.edge_threshold_bps &&
      out.confidence >= config_.confidence_threshold && out.horizon_minutes > 0)
    out.direction = sign > 0 ? Direction::kBuy : Direction::kSell;
  return out;
}

std::string MetaCombiner::Save() const {
  nlohmann::ordered_json j;
  j["format"] = "huracan.meta.v1";
  j["config"] = {{"ema_alpha", config_.ema_alpha},
                 {"edge_scale_bps", config_.edge_scale_bps},
                 {"min_weight", config_.min_weight},
                 {"max_weight", config_.max_weight},
                 {"min_samples", config_.min_samples},
                 {"prior_score", config_.prior_score},
                 {"edge_threshold_bps", config_.edge_threshold_bps},
                 {"confidence_threshold", config_.confidence_threshold}};
  nlohmann::ordered_json engines = nlohmann::ordered_json::array();
  for (size_t i = 0; i < stats_.size(); ++i)
    engines.push_back({{"id", stats_[i].id},
                       {"samples", stats_[i].samples},
                       {"accuracy_ema", stats_[i].accuracy_ema},
                       {"net_edge_ema_bps", stats_[i].net_edge_ema_bps},
                       {"weight", weights_[i]}});
  j["engines"] = std::move(engines);
  return j.dump();
}

Result<MetaCombiner> MetaCombiner::Load(std::string_view bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format") || j["format"] != "huracan.meta.v1")
    return DataLoss("meta state: not a huracan.meta.v1 JSON object");
  if (!j.contains("config") || !j["config"].is_object() || !j.contains("engines") || !j["engines"].is_array())
    return DataLoss("meta state: missing config or engines");
  const auto& c = j["config"];
  static const char* kKeys[] = {"ema_alpha",   "edge_scale_bps", "min_weight",         "max_weight",
                                "min_samples", "prior_score",    "edge_threshold_bps", "confidence_threshold"};
  for (const auto& item : c.items()) {
    const std::string& k = item.key();
    const auto& v = item.value();
    if (std::find_if(std::begin(kKeys), std::end(kKeys), [&](const char* x) { return k == x; }) == std::end(kKeys))
      return DataLoss("meta state: unknown config key '" + k + "'");
    if (!v.is_number()) return DataLoss("meta state: config key '" + k + "' is not a number");
    if (k == "min_samples" && (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (1 << 30)))
      return DataLoss("meta state: min_samples must be an integer in [0, 2^30]");
  }
  MetaConfig cfg;
  cfg.ema_alpha = c.value("ema_alpha", cfg.ema_alpha);
  cfg.edge_scale_bps = c.value("edge_scale_bps", cfg.edge_scale_bps);
  cfg.min_weight = c.value("min_weight", cfg.min_weight);
  cfg.max_weight = c.value("max_weight", cfg.max_weight);
  cfg.min_samples = c.value("min_samples", cfg.min_samples);
  cfg.prior_score = c.value("prior_score", cfg.prior_score);
  cfg.edge_threshold_bps = c.value("edge_threshold_bps", cfg.edge_threshold_bps);
  cfg.confidence_threshold = c.value("confidence_threshold", cfg.confidence_threshold);
  std::vector<std::string> ids;
  for (const auto& e : j["engines"]) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) return DataLoss("meta state: engine without id");
    ids.push_back(e["id"].get<std::string>());
  }
  HURACAN_ASSIGN_OR_RETURN(MetaCombiner m, Create(cfg, ids));
  for (const auto& e : j["engines"]) {
    const int s = m.Slot(e["id"].get<std::string>());
    EngineStats& st = m.stats_[static_cast<size_t>(s)];
    if (!e.contains("samples") || !e["samples"].is_number_integer() || !e.contains("accuracy_ema") ||
        !e["accuracy_ema"].is_number() || !e.contains("net_edge_ema_bps") || !e["net_edge_ema_bps"].is_number())
      return DataLoss("meta state: engine '" + st.id + "' lacks samples / accuracy_ema / net_edge_ema_bps");
    st.samples = e["samples"].get<int64_t>();
    st.accuracy_ema = e["accuracy_ema"].get<double>();
    st.net_edge_ema_bps = e["net_edge_ema_bps"].get<double>();
  }
  m.RecomputeWeights();
  return m;
}

}  // namespace huracan::meta
