// Decisions and market snapshots for the executor tests.
#pragma once

#include <string>

#include "execution/executor.h"

namespace huracan::execution::testing_support {

inline constexpr int64_t kMin = 60'000;

inline ExecutorConfig PerpConfig(const std::string& symbol = "SOL-USDT-PERP") {
  ExecutorConfig c;
  c.symbol = symbol;
  c.timeframe_ms = kMin;
  c.costs = costs::CostConfig::ForSymbol(symbol);
  return c;
}

inline costs::MarketSnapshot Market(double price) {
  costs::MarketSnapshot m;
  m.price = price;
  m.spread_bps = 3.0;
  m.sigma_bar_bps = 8.0;
  m.adv_quote = 5e7;
  m.perp = true;
  return m;
}

// A trade decision at the close of the bar opened at `ts`.
inline decision::Decision Signal(Direction d, int64_t ts, int horizon = 10) {
  decision::Decision x;
  x.ts_ms = ts;
  x.direction = x.signal = d;
  x.horizon_minutes = horizon;
  x.engines = {"fake"};
  x.reason = "trade";
  return x;
}

// No trade; `signal` is what the engines proposed (an opposite one closes or cancels).
inline decision::Decision Quiet(int64_t ts, Direction signal = Direction::kWait) {
  decision::Decision x;
  x.ts_ms = ts;
  x.signal = signal;
  return x;
}

}  // namespace huracan::execution::testing_support
