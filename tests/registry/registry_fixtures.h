// Small real bundles and archives for the registry tests.
#pragma once

#include <string>

#include "registry/bundle.h"

namespace huracan::registry::testing_fixtures {

inline ModelBundle MakeBundle(const std::string& symbol, int seed) {
  ModelBundle b;
  std::string xgb;
  for (int i = 0; i < 4096; ++i) xgb.push_back(static_cast<char>((i * 31 + seed) & 0xff));  // binary, with NULs
  (void)b.model.Add("trend_ma", "{\"fast\":12,\"slow\":26,\"seed\":" + std::to_string(seed) + "}");
  (void)b.model.Add("gbdt.ubj", xgb);
  (void)b.model.Add(kMetaSection, "{\"weights\":[0.5,0.5]}");
  (void)b.model.Add(kRegimeSection, "{\"adx_trend\":25}");
  b.config.symbol = symbol;
  b.config.recipe = {{"name", "default"}, {"features", {"ret_1", "rsi_14"}}};
  b.config.feature_hash = "f00d" + std::to_string(seed);
  b.config.data_start_ms = 1759276800000;
  b.config.data_end_ms = 1762560000000;
  b.config.engines = {"trend_ma", "gbdt"};
  b.metrics = {{"net_sharpe", 1.5 + seed * 0.1}, {"trades", 40 + seed}};
  return b;
}

}  // namespace huracan::registry::testing_fixtures
