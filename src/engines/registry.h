// EngineRegistry: every engine by id, registered explicitly in one table (engines/engine_table.h,
// expanded in registry.cpp; no static-init magic).
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
  EngineFamily family = EngineFamily::kTrend;  // EngineFamilyName gives the text
  std::vector<Regime> regimes;
  int horizon_minutes = 0;
};

// Every engine id in canonical order (the order of engines/engine_table.h).
const std::vector<std::string>& AllEngineIds();

// A fresh, unfitted engine. Unknown id -> InvalidArgument naming it.
Result<std::unique_ptr<Engine>> CreateEngine(std::string_view id);

// Metadata of one engine / of all engines in canonical order.
Result<EngineInfo> GetEngineInfo(std::string_view id);
const std::vector<EngineInfo>& AllEngineInfo();

// JSON array of {id, family, regimes, horizon_minutes} (the `huracan engines list` contract).
std::string EngineInfoJson();

}  // namespace huracan::engines
