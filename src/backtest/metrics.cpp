#include "backtest/metrics.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json.h"

namespace huracan::backtest {

double ProbabilisticSharpe(std::span<const double> r, double sr_star) {
  const size_t n = r.size();
  if (n < 3) return 0.0;
  double mean = 0;
  for (double x : r) mean += x;
  mean /= static_cast<double>(n);
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : r) {
    const double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  m4 /= static_cast<double>(n);
  if (!(m2 > 0)) return mean > 0 ? 1.0 : 0.0;
  const double sd = std::sqrt(m2);
  const double sr = mean / sd;
  const double skew = m3 / (sd * sd * sd);
  const double kurt = m4 / (m2 * m2);
  double var = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr * sr;
  if (!(var > 1e-12)) var = 1e-12;
  const double z = (sr - sr_star) * std::sqrt(static_cast<double>(n - 1)) / std::sqrt(var);
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

Metrics ComputeMetrics(std::span<const Trade> trades, std::span<const double> bar_returns, double bars_per_year,
                       double days, int64_t bars_in_position) {
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
