// Plain market vocabulary shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace huracan {

struct Bar {
  int64_t ts_ms = 0;  // bar open time, epoch ms UTC
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

enum class Direction : int8_t { kSell = -1, kWait = 0, kBuy = 1 };

enum class Regime : uint8_t { kTrend = 0, kRange = 1, kPanic = 2, kIlliquid = 3 };
inline constexpr int kNumRegimes = 4;

inline const char* DirectionName(Direction d) {
  return d == Direction::kBuy ? "buy" : d == Direction::kSell ? "sell" : "wait";
}

inline const char* RegimeName(Regime r) {
  switch (r) {
    case Regime::kTrend: return "TREND";
    case Regime::kRange: return "RANGE";
    case Regime::kPanic: return "PANIC";
    case Regime::kIlliquid: return "ILLIQUID";
  }
  return "?";
}

inline std::optional<Regime> ParseRegime(std::string_view s) {
  if (s == "TREND") return Regime::kTrend;
  if (s == "RANGE") return Regime::kRange;
  if (s == "PANIC") return Regime::kPanic;
  if (s == "ILLIQUID") return Regime::kIlliquid;
  return std::nullopt;
}

}  // namespace huracan
