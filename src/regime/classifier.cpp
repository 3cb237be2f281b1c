#include "regime/classifier.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace huracan::regime {
namespace {

enum Col { kAdx = 0, kEr, kVol, kRetZ, kSpread, kAmihud };

bool InUnit(double p) { return p >= 0.0 && p <= 1.0; }

}  // namespace

Status RegimeConfig::Validate() const {
  for (double p : {trend_adx_pct, trend_er_pct, panic_vol_pct, panic_retz_pct, illiquid_spread_pct, illiquid_amihud_pct,
                   illiquid_qvol_pct})
    if (!InUnit(p)) return InvalidArgument("regime config: percentile levels must lie in [0,1]");
  if (min_dwell < 1) return InvalidArgument("regime config: min_dwell must be >= 1");
  if (min_samples < 10) return InvalidArgument("regime config: min_samples must be >= 10");
  return Status::Ok();
}

double Percentile(std::vector<double> v, double p) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = std::clamp(p, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

std::string RegimeThresholds::Save() const {
  nlohmann::ordered_json j;
  j["format"] = "huracan.regime.v1";
  j["symbol"] = symbol;
  j["adx_trend"] = adx_trend;
  j["er_trend"] = er_trend;
  j["vol_panic"] = vol_panic;
  j["retz_panic"] = retz_panic;
  j["spread_illiquid"] = spread_illiquid;
  j["amihud_illiquid"] = amihud_illiquid;
  j["qvol_illiquid"] = qvol_illiquid;
  j["min_dwell"] = min_dwell;
  return j.dump();
}

Result<RegimeThresholds> RegimeThresholds::Load(std::string_view bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return DataLoss("regime thresholds: not a JSON object");
  if (!j.contains("format") || j["format"] != "huracan.regime.v1")  // (value() would throw on a non-string)
    return DataLoss("regime thresholds: unknown format");
  RegimeThresholds t;
  auto num = [&](const char* key, double* dst) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return DataLoss(std::string("regime thresholds: missing number ") + key);
    *dst = it->get<double>();
    return Status::Ok();
  };
  if (!j.contains("symbol") || !j["symbol"].is_string()) return DataLoss("regime thresholds: missing symbol");
  t.symbol = j["symbol"].get<std::string>();
  HURACAN_RETURN_IF_ERROR(num("adx_trend", &t.adx_trend));
  HURACAN_RETURN_IF_ERROR(num("er_trend", &t.er_trend));
  HURACAN_RETURN_IF_ERROR(num("vol_panic", &t.vol_panic));
  HURACAN_RETURN_IF_ERROR(num("retz_panic", &t.retz_panic));
  HURACAN_RETURN_IF_ERROR(num("spread_illiquid", &t.spread_illiquid));
  HURACAN_RETURN_IF_ERROR(num("amihud_illiquid", &t.amihud_illiquid));
  HURACAN_RETURN_IF_ERROR(num("qvol_illiquid", &t.qvol_illiquid));
  if (!j.contains("min_dwell") || !j["min_dwell"].is_number_integer() || j["min_dwell"].get<int>() < 1)
    return DataLoss("regime thresholds: min_dwell must be an integer >= 1");
  t.min_dwell = j["min_dwell"].get<int>();
  return t;
}

Result<RegimeThresholds> CalibrateRegime(const features::FeatureFrame& frame, std::span<const double> quote_volume,
                                         size_t begin, size_t end, const std::string& symbol,
                                         const RegimeConfig& config) {
  HURACAN_RETURN_IF_ERROR(config.Validate());
  if (quote_volume.size() != frame.rows())
    return InvalidArgument("regime calibration for " + symbol + ": quote volume length differs from the frame");
  end = std::min(end, frame.rows());
  if (begin >= end) return InvalidArgument("regime calibration for " + symbol + ": empty training window");
  std::array<const std::vector<double>*, kRegimeFeatures.size()> cols{};
  for (size_t k = 0; k < kRegimeFeatures.size(); ++k) {
    int i = frame.index_of(kRegimeFeatures[k]);
    if (i < 0)
      return InvalidArgument("regime calibration for " + symbol + ": feature '" + std::string(kRegimeFeatures[k]) +
                             "' missing from the frame");
    cols[k] = &frame.columns[static_cast<size_t>(i)];
  }
  // Only rows where every input is finite count, so thresholds describe comparable bars.
  std::array<std::vector<double>, kRegimeFeatures.size() + 1> vals;
  for (size_t r = begin; r < end; ++r) {
    bool ok = std::isfinite(quote_volume[r]);
    for (size_t k = 0; k < cols.size() && ok; ++k) ok = std::isfinite((*cols[k])[r]);
    if (!ok) continue;
    for (size_t k = 0; k < cols.size(); ++k) vals[k].push_back((*cols[k])[r]);
    vals[cols.size()].push_back(quote_volume[r]);
  }
  if (vals[0].size() < config.min_samples)
    return FailedPrecondition("regime calibration for " + symbol + ": only " + std::to_string(vals[0].size()) +
                              " complete rows in the training window (need " + std::to_string(config.min_samples) +
                              ")");
  for (double& x : vals[kRetZ]) x = std::fabs(x);
  RegimeThresholds t;
  t.symbol = symbol;
  t.adx_trend = Percentile(vals[kAdx], config.trend_adx_pct);
  t.er_trend = Percentile(vals[kEr], config.trend_er_pct);
  t.vol_panic = Percentile(vals[kVol], config.panic_vol_pct);
  t.retz_panic = Percentile(vals[kRetZ], config.panic_retz_pct);
  t.spread_illiquid = Percentile(vals[kSpread], config.illiquid_spread_pct);
  t.amihud_illiquid = Percentile(vals[kAmihud], config.illiquid_amihud_pct);
  t.qvol_illiquid = Percentile(vals[cols.size()], config.illiquid_qvol_pct);
  t.min_dwell = config.min_dwell;
  return t;
}

Status RegimeClassifier::Bind(const std::vector<std::string>& names) {
  for (size_t k = 0; k < kRegimeFeatures.size(); ++k) {
    auto it = std::find(names.begin(), names.end(), kRegimeFeatures[k]);
    if (it == names.end())
      return InvalidArgument("regime classifier: feature '" + std::string(kRegimeFeatures[k]) + "' not in the recipe");
    idx_[k] = static_cast<int>(it - names.begin());
  }
  bound_ = true;
  return Status::Ok();
}

RegimeClassifier::Raw RegimeClassifier::RawLabel(std::span<const double> row, double quote_volume) const {
  Raw out;
  if (!bound_) return out;
  std::array<double, kRegimeFeatures.size()> x{};
  for (size_t k = 0; k < x.size(); ++k) {
    const size_t i = static_cast<size_t>(idx_[k]);
    x[k] = i < row.size() ? row[i] : std::nan("");
    if (!std::isfinite(x[k])) return out;
  }
  if (!std::isfinite(quote_volume)) return out;
  out.valid = true;
  // Priority: a market we cannot trade beats everything, then a crash, then a trend.
  if (x[kSpread] >= t_.spread_illiquid || x[kAmihud] >= t_.amihud_illiquid || quote_volume <= t_.qvol_illiquid)
    out.label = Regime::kIlliquid;
  else if (x[kVol] >= t_.vol_panic && std::fabs(x[kRetZ]) >= t_.retz_panic)
    out.label = Regime::kPanic;
  else if (x[kAdx] >= t_.adx_trend && x[kEr] >= t_.er_trend)
    out.label = Regime::kTrend;
  else
    out.label = Regime::kRange;
  return out;
}

Regime RegimeClassifier::Update(std::span<const double> row, double quote_volume) {
  const Raw raw = RawLabel(row, quote_volume);
  if (!raw.valid) return current_;  // keep the last label through a missing input
  if (!ready_) {
    ready_ = true;
    current_ = candidate_ = raw.label;
    candidate_count_ = 0;
    return current_;
  }
  if (raw.label == current_) {
    candidate_count_ = 0;
    return current_;
  }
  // Safety first: a market we cannot trade is adopted at once; leaving it keeps the dwell.
  if (raw.label == Regime::kIlliquid) {
    current_ = candidate_ = Regime::kIlliquid;
    candidate_count_ = 0;
    return current_;
  }
  if (raw.label == candidate_) {
    ++candidate_count_;
  } else {
    candidate_ = raw.label;
    candidate_count_ = 1;
  }
  if (candidate_count_ >= t_.min_dwell) {
    current_ = candidate_;
    candidate_count_ = 0;
  }
  return current_;
}

void RegimeClassifier::Reset() {
  ready_ = false;
  current_ = candidate_ = Regime::kRange;
  candidate_count_ = 0;
}

}  // namespace huracan::regime
