#include "backtest/metrics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "core/json.h"

namespace huracan::backtest {

namespace {

constexpr double kEulerGamma = 0.5772156649015329;

struct SharpeMoments {
  int64_t n = 0;
  double mean = 0, m2 = 0, sr = 0, skew = 0, kurt = 0;
};

// Population moments of the returns; sr/skew/kurt stay 0 when the variance is 0.
SharpeMoments Moments(std::span<const double> r) {
  SharpeMoments s;
  s.n = static_cast<int64_t>(r.size());
  if (r.empty()) return s;
  const double n = static_cast<double>(r.size());
  for (double x : r) s.mean += x;
  s.mean /= n;
  double m3 = 0, m4 = 0;
  for (double x : r) {
    const double d = x - s.mean;
    s.m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  s.m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(s.m2 > 0)) return s;
  const double sd = std::sqrt(s.m2);
  s.sr = s.mean / sd;
  s.skew = m3 / (sd * sd * sd);
  s.kurt = m4 / (s.m2 * s.m2);
  return s;
}

// 1 − γ3·SR + (γ4 − 1)/4·SR², floored so the PSR stays defined.
double SrVarianceTerm(double sr, double skew, double kurt) {
  const double v = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr * sr;
  return v > 1e-12 ? v : 1e-12;
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

double ProbabilisticSharpe(double sr, double skew, double kurt, int64_t n, double sr_star) {
  if (n < 3) return 0.0;
  const double z = (sr - sr_star) * std::sqrt(static_cast<double>(n - 1)) / std::sqrt(SrVarianceTerm(sr, skew, kurt));
  return NormalCdf(z);
}

double ProbabilisticSharpe(std::span<const double> r, double sr_star) {
  const SharpeMoments s = Moments(r);
  if (s.n < 3) return 0.0;
  if (!(s.m2 > 0)) return s.mean > 0 ? 1.0 : 0.0;
  return ProbabilisticSharpe(s.sr, s.skew, s.kurt, s.n, sr_star);
}

double NormalQuantile(double p) {
  if (!(p >= 0 && p <= 1)) return NAN;
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  // Acklam's rational approximation (relative error < 1.2e-9), then one Halley step on erfc.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425;
  double x;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lo) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = NormalCdf(x) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double ExpectedMaxSharpe(double sr_variance, int64_t trials) {
  if (trials <= 1 || !(sr_variance > 0)) return 0.0;
  const double n = static_cast<double>(trials);
  return std::sqrt(sr_variance) *
         ((1 - kEulerGamma) * NormalQuantile(1 - 1 / n) + kEulerGamma * NormalQuantile(1 - 1 / (n * M_E)));
}

double DeflatedSharpe(std::span<const double> r, int64_t trials) {
  const SharpeMoments s = Moments(r);
  if (s.n < 3) return 0.0;
  if (!(s.m2 > 0) || trials <= 1) return ProbabilisticSharpe(r);
  const double var_sr = SrVarianceTerm(s.sr, s.skew, s.kurt) / static_cast<double>(s.n - 1);
  return ProbabilisticSharpe(s.sr, s.skew, s.kurt, s.n, ExpectedMaxSharpe(var_sr, trials));
}

MeanBand BootstrapMeanBand(std::span<const double> x, double level, int resamples) {
  MeanBand b;
  b.level = level;
  b.resamples = resamples;
  if (x.size() < 2 || resamples < 1) {
    b.lo = b.hi = NAN;
    return b;
  }
  // Seed: FNV-1a 64 over the count and the values' IEEE-754 bytes.
  uint64_t seed = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) seed = (seed ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ull;
  };
  mix(x.size());
  for (double v : x) mix(std::bit_cast<uint64_t>(v));
  std::mt19937_64 rng(seed);
  const uint64_t n = x.size();
  std::vector<double> means(static_cast<size_t>(resamples));
  for (double& m : means) {
    double sum = 0;
    for (uint64_t i = 0; i < n; ++i) sum += x[rng() % n];  // modulo bias is negligible for n << 2^64
    m = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(means.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    const double f = pos - static_cast<double>(i);
    return i + 1 < means.size() ? means[i] + f * (means[i + 1] - means[i]) : means[i];
  };
  b.lo = quantile((1 - level) / 2);
  b.hi = quantile((1 + level) / 2);
  return b;
}

nlohmann::ordered_json MeanBandToJson(const MeanBand& b) {
  using nlohmann::ordered_json;
  return ordered_json{{"lo", JsonNumber<ordered_json>(b.lo)},
                      {"hi", JsonNumber<ordered_json>(b.hi)},
                      {"level", JsonNumber<ordered_json>(b.level)},
                      {"resamples", b.resamples}};
}

Metrics ComputeMetrics(std::span<const Trade> trades, std::span<const double> bar_returns, double bars_per_year,
                       double days, int64_t bars_in_position, int64_t trials) {
  Metrics m;
  m.trades = static_cast<int64_t>(trades.size());
  m.bars = static_cast<int64_t>(bar_returns.size());
  std::vector<double> per_trade;
  per_trade.reserve(trades.size());
  int64_t wins = 0;
  for (const Trade& t : trades) {
    m.gross_bps += t.gross_bps;
    m.fees_bps += t.fees_bps;
    m.spread_bps += t.spread_bps;
    m.slippage_bps += t.slippage_bps;
    m.funding_bps += t.funding_bps;
    per_trade.push_back(t.net_bps);
    if (t.net_bps > 0) ++wins;
  }
  // Defined from the attribution totals, so gross - fees - spread - slippage == net exactly.
  m.net_bps = m.gross_bps - m.fees_bps - m.spread_bps - m.slippage_bps;
  if (m.trades > 0) {
    m.hit_rate = static_cast<double>(wins) / static_cast<double>(m.trades);
    m.net_bps_per_trade = m.net_bps / static_cast<double>(m.trades);
  }
  m.psr = ProbabilisticSharpe(per_trade);
  m.dsr = DeflatedSharpe(per_trade, trials);
  const size_t n = bar_returns.size();
  if (n > 1) {
    double mean = 0;
    for (double x : bar_returns) mean += x;
    mean /= static_cast<double>(n);
    double var = 0, down = 0, cum = 0, peak = 0, mdd = 0;
    for (double x : bar_returns) {
      var += (x - mean) * (x - mean);
      if (x < 0) down += x * x;
      cum += x;
      peak = std::max(peak, cum);
      mdd = std::max(mdd, peak - cum);
    }
    var /= static_cast<double>(n - 1);
    down /= static_cast<double>(n);
    const double ann = std::sqrt(bars_per_year);
    m.net_sharpe = var > 0 ? mean / std::sqrt(var) * ann : 0.0;
    m.sortino = down > 0 ? mean / std::sqrt(down) * ann : 0.0;
    m.max_drawdown = mdd;
    m.exposure = static_cast<double>(bars_in_position) / static_cast<double>(n);
  }
  if (days > 0) m.turnover = 2.0 * static_cast<double>(m.trades) / days;
  return m;
}

nlohmann::ordered_json MetricsToJson(const Metrics& m) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["trades"] = m.trades;
  j["hit_rate"] = JsonNumber<ordered_json>(m.hit_rate);
  j["net_bps_per_trade"] = JsonNumber<ordered_json>(m.net_bps_per_trade);
  j["net_sharpe"] = JsonNumber<ordered_json>(m.net_sharpe);
  j["sortino"] = JsonNumber<ordered_json>(m.sortino);
  j["max_drawdown"] = JsonNumber<ordered_json>(m.max_drawdown);
  j["turnover"] = JsonNumber<ordered_json>(m.turnover);
  j["exposure"] = JsonNumber<ordered_json>(m.exposure);
  j["psr"] = JsonNumber<ordered_json>(m.psr);
  j["dsr"] = JsonNumber<ordered_json>(m.dsr);
  j["gross_bps"] = JsonNumber<ordered_json>(m.gross_bps);
  j["fees_bps"] = JsonNumber<ordered_json>(m.fees_bps);
  j["spread_bps"] = JsonNumber<ordered_json>(m.spread_bps);
  j["slippage_bps"] = JsonNumber<ordered_json>(m.slippage_bps);
  j["funding_bps"] = JsonNumber<ordered_json>(m.funding_bps);
  j["net_bps"] = JsonNumber<ordered_json>(m.net_bps);
  j["bars"] = m.bars;
  return j;
}

}  // namespace huracan::backtest
