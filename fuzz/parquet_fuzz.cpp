// libFuzzer target for the Parquet reader. Any input must give an error or a table whose columns
// all hold num_rows values; a table that reads must also survive a write + re-read unchanged.
// Build and run: see fuzz/CMakeLists.txt and docs/PARQUET.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "data/parquet.h"

namespace {

bool SameColumn(const huracan::data::ParquetColumn& a, const huracan::data::ParquetColumn& b) {
  if (a.name != b.name || a.kind != b.kind || a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    bool va = a.valid.empty() || a.valid[i];
    bool vb = b.valid.empty() || b.valid[i];
    if (va != vb) return false;
    if (!va) continue;
    switch (a.kind) {
      case huracan::data::ParquetColumn::Kind::kInt64:
        if (a.i64[i] != b.i64[i]) return false;
        break;
      case huracan::data::ParquetColumn::Kind::kDouble:
        if (std::memcmp(&a.f64[i], &b.f64[i], 8) != 0) return false;
        break;
      case huracan::data::ParquetColumn::Kind::kString:
        if (a.str[i] != b.str[i]) return false;
        break;
      case huracan::data::ParquetColumn::Kind::kBool:
        if (a.b[i] != b.b[i]) return false;
        break;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan::data;
  ParquetReadOptions opts;
  opts.max_decoded_bytes = 32u << 20;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto t = ReadParquetBuffer(bytes, "fuzz", opts);
  if (!t.ok()) {
    if (t.error().message.rfind("fuzz: ", 0) != 0) std::abort();  // errors must name the file
    return 0;
  }
  for (const auto& c : t->columns) {
    if (c.size() != static_cast<size_t>(t->num_rows)) std::abort();
    if (!c.valid.empty() && c.valid.size() != c.size()) std::abort();
  }
  // Differential check: our writer's output must read back to the same values.
  ParquetTable flat = *t;
  bool names_ok = !flat.columns.empty();
  for (size_t i = 0; i < flat.columns.size() && names_ok; ++i) {
    for (size_t j = 0; j < i; ++j) names_ok &= flat.columns[i].name != flat.columns[j].name;
    names_ok &= !flat.columns[i].name.empty();
  }
  if (!names_ok) return 0;  // the writer refuses these tables by design
  ParquetWriteOptions wopts;
  wopts.zstd_level = 1;
  auto written = WriteParquetBuffer(flat, wopts);
  if (!written.ok()) std::abort();
  auto back = ReadParquetBuffer(*written, "roundtrip");
  if (!back.ok() || back->num_rows != t->num_rows || back->columns.size() != t->columns.size()) std::abort();
  for (size_t i = 0; i < t->columns.size(); ++i) {
    auto a = t->columns[i];
    // The writer stores INT96 / unsigned / FLOAT-widened values as int64 / double: compare values only.
    if (!SameColumn(a, back->columns[i])) std::abort();
  }
  return 0;
}
