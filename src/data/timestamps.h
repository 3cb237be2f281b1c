// Epoch timestamps: unit detection by magnitude, conversion to ms, ISO-8601 UTC text, timeframe names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_units.h"

namespace huracan::data {

enum class EpochUnit : uint8_t { kSeconds, kMillis, kMicros, kNanos };

const char* EpochUnitName(EpochUnit u);  // "s", "ms", "us", "ns"

// The unit of an epoch timestamp judged by its magnitude: a plausible date (years 2000-2099) in
// seconds is ~1e9, in ms ~1e12, in µs ~1e15, in ns ~1e18, and these windows do not overlap.
// nullopt when the value fits none of them (negative, zero, too small, ...).
std::optional<EpochUnit> DetectEpochUnit(int64_t value);

// value in `unit` -> epoch ms, rounding toward negative infinity for µs/ns.
int64_t ToEpochMs(int64_t value, EpochUnit unit);

// "2025-10-11T00:00:00Z"; milliseconds appear only when non-zero ("...00:00:00.250Z").
std::string FormatIsoUtc(int64_t ms);
// "20251011": the UTC calendar day of `ms`.
std::string FormatYmd(int64_t ms);
// Parses "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.fff...]]" with optional "Z" or "+00:00" (UTC only).
std::optional<int64_t> ParseIsoUtc(std::string_view text);

// to - from, saturated to [0, INT64_MAX] (corrupt inputs must not overflow).
int64_t StepMs(int64_t from, int64_t to);

// The shortest name of a step in ms: 60000 -> "1m", 3600000 -> "1h", 86400000 -> "1d",
// 300000 -> "5m", 1500 -> "1500ms". Empty for step <= 0.
std::string TimeframeName(int64_t step_ms);

// The median of the positive differences between consecutive timestamps (in the given order);
// 0 when there are fewer than two timestamps or no positive step.
int64_t MedianStepMs(const std::vector<int64_t>& ts_ms);

// The index of the first timestamp >= t in ascending `ts_ms` (ts_ms.size() when none): the
// number of bars that open before t.
size_t FirstAtOrAfter(const std::vector<int64_t>& ts_ms, int64_t t);

}  // namespace huracan::data
