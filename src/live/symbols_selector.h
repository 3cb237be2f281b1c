// symbols_selector.json: which symbols the live runner trades (docs/LIVE.md, "Symbol selector").
// Written atomically by the control side (`/trade N`, `/allow`, `/block`), re-read by the runner
// without a restart.
//   {"version":1,"updated_at":"2025-11-08T02:00:00Z","source":"telegram /trade 20",
//    "symbols":["BTCUSDT-PERP","SOLUSDT"],"allow":["SOLUSDT"],"block":["DOGEUSDT"]}
// Unknown keys are an error; symbols are market ids (data::ParseMarket), normalised, no repeats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::live {

struct SymbolSelector {
  static constexpr int kVersion = 1;
  int64_t updated_at_ms = 0;
  std::string source;                // who wrote it and why, for the audit trail
  std::vector<std::string> symbols;  // traded, in priority order
  std::vector<std::string> allow;    // kept in by /allow whatever the ranking
  std::vector<std::string> block;    // kept out by /block; never in `symbols`
  bool operator==(const SymbolSelector&) const = default;
};

std::string EncodeSymbolSelector(const SymbolSelector& selector);
// InvalidArgument naming `name` and the field at fault.
Result<SymbolSelector> ParseSymbolSelector(std::string_view text, const std::string& name);
Result<SymbolSelector> ReadSymbolSelector(const std::string& path);
// Validates, then writes atomically (core/fs.h WriteFileAtomic).
Status WriteSymbolSelector(const std::string& path, const SymbolSelector& selector);

}  // namespace huracan::live
