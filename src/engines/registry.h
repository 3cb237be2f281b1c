// EngineRegistry: the 23 engines by id, registered explicitly in registry.cpp (no static-init magic).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "engines/engine.h"

namespace huracan::engines {

struct EngineInfo {
  std::string id;
  std::string family;  // trend, breakout, reversion, flow, cross_asset, seasonal, ml
  std::vector<Regime> regimes;
  int horizon_minutes = 0;
};

// The 23 ids in canonical order (SPEC "Engines (23)").
const std::vector<std::string>& AllEngineIds();

// A fresh, unfitted engine. Unknown id -> InvalidArgument naming it.
Result<std::unique_ptr<Engine>> CreateEngine(std::string_view id);

// Metadata of one engine / of all engines in canonical order.
Result<EngineInfo> GetEngineInfo(std::string_view id);
const std::vector<EngineInfo>& AllEngineInfo();

// JSON array of {id, family, regimes, horizon_minutes} (the `huracan engines list` contract).
std::string EngineInfoJson();

}  // namespace huracan::engines
