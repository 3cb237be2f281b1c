// Shared helpers of the feature tests: loading candles, the files to run on, tolerant equality.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/bar_series.h"
#include "data/parquet.h"
#include "support/test_support.h"

namespace huracan::features::testutil {

// Under ASan/UBSan, the real-data loops use 2 files instead of all of them.
#ifdef HURACAN_SANITIZE_BUILD
inline constexpr size_t kMaxRealFiles = 2;
#else
inline constexpr size_t kMaxRealFiles = 1000;
#endif

inline data::BarSeries LoadBars(const std::string& path) {
  auto r = data::ReadParquetBars(path);
  EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : data::BarSeries{};
}

inline std::vector<std::string> SampleFiles() {
  return huracan::testing::ListFiles(huracan::testing::SampleDir(), ".parquet");
}

inline std::vector<std::string> RealFiles(const std::string& dir) {
  auto files = huracan::testing::ListFiles(dir, ".parquet");
  if (files.size() > kMaxRealFiles) {
    // Keep BTC (the reference) and the first other file.
    std::vector<std::string> kept;
    for (const auto& f : files)
      if (f.find("BTC-") != std::string::npos) kept.push_back(f);
    for (const auto& f : files)
      if (kept.size() < kMaxRealFiles && f.find("BTC-") == std::string::npos) kept.push_back(f);
    files = kept;
  }
  return files;
}

// The BTC file in a folder (the reference series), or "".
inline std::string BtcFile(const std::vector<std::string>& files) {
  for (const auto& f : files)
    if (f.find("/BTC-") != std::string::npos) return f;
  return "";
}

// Equal within 1e-9 relative, or 1e-12 absolute near zero; NaN only equals NaN.
inline bool Close(double a, double b, double rel = 1e-9, double abs_tol = 1e-12) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  const double d = std::fabs(a - b);
  return d <= abs_tol || d <= rel * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace huracan::features::testutil
