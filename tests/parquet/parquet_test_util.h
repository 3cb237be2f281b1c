// Helpers for the Parquet tests: the same per-column digest that tests/js/parquet_digest.mjs
// computes with hyparquet, and a runner for that script.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "data/parquet.h"
#include "support/test_support.h"

namespace huracan::data::testing {

// SHA-256 over every row: 0x00 for a null, else 0x01 then the value (see parquet_digest.mjs).
inline std::string DigestColumn(const ParquetColumn& c) {
  std::string buf;
  const size_t n = c.size();
  buf.reserve(n * 9);
  for (size_t i = 0; i < n; ++i) {
    if (!c.valid.empty() && !c.valid[i]) {
      buf.push_back('\0');
      continue;
    }
    buf.push_back('\1');
    switch (c.kind) {
      case ParquetColumn::Kind::kInt64: buf.append(reinterpret_cast<const char*>(&c.i64[i]), 8); break;
      case ParquetColumn::Kind::kDouble: buf.append(reinterpret_cast<const char*>(&c.f64[i]), 8); break;
      case ParquetColumn::Kind::kBool: buf.push_back(c.b[i] ? '\1' : '\0'); break;
      case ParquetColumn::Kind::kString: {
        uint32_t len = static_cast<uint32_t>(c.str[i].size());
        char l[4];
        std::memcpy(l, &len, 4);
        buf.append(l, 4);
        buf.append(c.str[i]);
        break;
      }
    }
  }
  return Sha256Hex(buf);
}

inline const char* KindName(ParquetColumn::Kind k) {
  switch (k) {
    case ParquetColumn::Kind::kInt64: return "int64";
    case ParquetColumn::Kind::kDouble: return "double";
    case ParquetColumn::Kind::kString: return "bytes";
    case ParquetColumn::Kind::kBool: return "bool";
  }
  return "?";
}

inline size_t NullCount(const ParquetColumn& c) {
  size_t n = 0;
  for (uint8_t v : c.valid) n += v ? 0 : 1;
  return n;
}

// Runs hyparquet over `files`; returns one JSON object per file, keyed by path.
inline std::map<std::string, nlohmann::json> HyparquetDigests(const std::vector<std::string>& files, int values = 0) {
  std::map<std::string, nlohmann::json> out;
  // Appends piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string temporaries.
  std::string cmd = "node ";
  cmd += huracan::testing::ShellQuote(huracan::testing::JsDir() + "/parquet_digest.mjs");
  if (values) {
    cmd += " --values ";
    cmd += std::to_string(values);
  }
  for (const auto& f : files) {
    cmd += ' ';
    cmd += huracan::testing::ShellQuote(f);
  }
  auto r = huracan::testing::RunCommand(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t nl = r.out.find('\n', pos);
    if (nl == std::string::npos) nl = r.out.size();
    std::string line = r.out.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "bad digest line: " << line;
      continue;
    }
    out[j["file"].get<std::string>()] = j;
  }
  return out;
}

// Expects our table to match hyparquet's digest of the same file, column by column.
inline void ExpectMatchesHyparquet(const ParquetTable& t, const nlohmann::json& ref, const std::string& file) {
  ASSERT_FALSE(ref.contains("error")) << file << ": hyparquet failed: " << ref.dump();
  EXPECT_EQ(t.num_rows, ref["rows"].get<int64_t>()) << file;
  const auto& cols = ref["columns"];
  ASSERT_EQ(t.columns.size(), cols.size()) << file;
  for (size_t i = 0; i < cols.size(); ++i) {
    const auto& c = t.columns[i];
    SCOPED_TRACE(file + " column " + c.name);
    EXPECT_EQ(c.name, cols[i]["name"].get<std::string>());
    EXPECT_EQ(KindName(c.kind), cols[i]["kind"].get<std::string>());
    EXPECT_EQ(c.size(), static_cast<size_t>(t.num_rows));
    EXPECT_EQ(NullCount(c), cols[i]["nulls"].get<size_t>());
    EXPECT_EQ(DigestColumn(c), cols[i]["sha256"].get<std::string>());
  }
}

}  // namespace huracan::data::testing
