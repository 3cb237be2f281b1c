// Corrupt files must never crash, hang or read out of bounds: every read returns an error naming
// the file, or values the page checks let through. Run under ASan/UBSan by `make test-asan`.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/fs.h"
#include "data/parquet.h"
#include "data/parquet_format.h"
#include "support/test_support.h"

namespace huracan::data {
namespace {

namespace pq = parquet;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kFlips = 300;  // sanitizers make each read ~10x slower
#else
constexpr int kFlips = 3000;
#endif

// Inputs that reach every decoder: Polars-style OPTIONAL + v1 levels + ZSTD (a real 1d file when
// ../shared is there, else our writer's), and our writer's nullable strings and bools.
std::vector<std::pair<std::string, std::string>> Inputs() {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto dir = huracan::testing::SharedCandlesDir("1d")) {
    auto files = huracan::testing::ListFiles(*dir, ".parquet");
    if (!files.empty()) {
      auto bytes = ReadFile(files[files.size() / 2]);
      if (bytes.ok()) out.emplace_back(files[files.size() / 2], *bytes);
    }
  }
  ParquetTable t;
  t.num_rows = 400;
  ParquetColumn a, b, c, d;
  a.name = "i";
  a.kind = ParquetColumn::Kind::kInt64;
  b.name = "x";
  b.kind = ParquetColumn::Kind::kDouble;
  c.name = "s";
  c.kind = ParquetColumn::Kind::kString;
  d.name = "flag";
  d.kind = ParquetColumn::Kind::kBool;
  for (int i = 0; i < 400; ++i) {
    a.i64.push_back(i * 1000);
    b.f64.push_back(i * 0.5);
    b.valid.push_back(i % 3 != 0);
    c.str.push_back(std::to_string(i % 13));
    c.str.back().insert(c.str.back().begin(), 'v');
    c.valid.push_back(i % 5 != 0);
    d.b.push_back(i % 2);
  }
  t.columns = {a, b, c, d};
  ParquetWriteOptions opts;
  opts.row_group_rows = 150;
  auto bytes = WriteParquetBuffer(t, opts);
  EXPECT_TRUE(bytes.ok());
  out.emplace_back("writer.parquet", *bytes);
  // The embedded sample (SNAPPY, written by hyparquet-writer: data page v2), whole.
  auto sample = ReadFile(huracan::testing::SampleDir() + "/SOL-USDT_1m_20251011_20251108.parquet");
  EXPECT_TRUE(sample.ok());
  out.emplace_back("sample.parquet", *sample);
  return out;
}

// Reads `bytes`; on failure the message must name `name`. Returns whether the read succeeded.
bool ReadOnce(const std::string& bytes, const std::string& name) {
  ParquetReadOptions opts;
  opts.max_decoded_bytes = 64u << 20;
  auto t = ReadParquetBuffer(bytes, name, opts);
  if (!t.ok()) {
    EXPECT_EQ(t.error().message.rfind(name + ": ", 0), 0u) << t.error().message;
    EXPECT_NE(t.error().code, ErrorCode::kInternal) << t.error().message;
    return false;
  }
  for (const auto& c : t->columns) EXPECT_EQ(c.size(), static_cast<size_t>(t->num_rows)) << name;
  return true;
}

TEST(ParquetCorruption, InputsReadCleanly) {
  for (const auto& [name, bytes] : Inputs()) EXPECT_TRUE(ReadOnce(bytes, name)) << name;
}

TEST(ParquetCorruption, TruncationsAreErrors) {
  for (const auto& [name, bytes] : Inputs()) {
    const size_t n = bytes.size();
    const size_t step = std::max<size_t>(1, n / 400);
    for (size_t len = 0; len < n; len += step) {
      EXPECT_FALSE(ReadOnce(bytes.substr(0, len), name)) << name << " cut to " << len;
    }
    // Data cut out of the middle while the footer survives: offsets now point past the data.
    uint32_t footer_len;
    std::memcpy(&footer_len, bytes.data() + n - 8, 4);
    const std::string tail = bytes.substr(n - 8 - footer_len);
    // Only cuts into the pages count: page indexes between the data and the footer are not read.
    auto md = pq::ParseFileMetaData(std::string_view(tail).substr(0, footer_len));
    ASSERT_TRUE(md.ok());
    size_t data_end = 0;
    for (const auto& rg : md->row_groups) {
      for (const auto& cc : rg.columns) {
        int64_t start = cc.meta.dictionary_page_offset.value_or(cc.meta.data_page_offset);
        start = std::min(start, cc.meta.data_page_offset);
        data_end = std::max(data_end, static_cast<size_t>(start + cc.meta.total_compressed_size));
      }
    }
    ASSERT_GT(data_end, 4u);
    for (size_t keep = 0; keep < data_end; keep += std::max<size_t>(1, data_end / 200)) {
      EXPECT_FALSE(ReadOnce(bytes.substr(0, keep) + tail, name)) << name << " middle cut at " << keep;
    }
  }
}

TEST(ParquetCorruption, RandomByteFlipsNeverCrash) {
  std::mt19937_64 rng(20251108);
  for (const auto& [name, bytes] : Inputs()) {
    const size_t n = bytes.size();
    uint32_t footer_len;
    std::memcpy(&footer_len, bytes.data() + n - 8, 4);
    int ok = 0, failed = 0;
    for (int it = 0; it < kFlips; ++it) {
      std::string mutated = bytes;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) {
        // Half the flips land in the footer, where one byte can change the meaning of everything.
        size_t pos = (rng() & 1) ? n - 8 - footer_len + rng() % footer_len : rng() % n;
        mutated[pos] = static_cast<char>(rng() & 1 ? mutated[pos] ^ (1 << (rng() % 8)) : rng());
      }
      (ReadOnce(mutated, name) ? ok : failed)++;
    }
    // Both outcomes occur: a flip inside a value is let through, a flip in a header is caught.
    EXPECT_GT(failed, kFlips / 20) << name;
    EXPECT_GT(ok, 0) << name;
    RecordProperty(name + "_flips_ok", ok);
  }
}

// Footers that parse but lie: each field set to hostile values, re-encoded with our serializer.
TEST(ParquetCorruption, LyingFootersAreRefused) {
  for (const auto& [name, bytes] : Inputs()) {
    auto footer = pq::FooterBytes(bytes);
    ASSERT_TRUE(footer.ok());
    const std::string body = bytes.substr(0, bytes.size() - 8 - footer->size());
    auto md = pq::ParseFileMetaData(*footer);
    ASSERT_TRUE(md.ok()) << md.error().ToString();
    auto rebuild = [&](const pq::FileMetaData& m) {
      std::string f = pq::SerializeFileMetaData(m);
      uint32_t len = static_cast<uint32_t>(f.size());
      std::string out = body + f;
      out.append(reinterpret_cast<const char*>(&len), 4);
      return out + "PAR1";
    };
    // Our serializer keeps what the reader needs: an unmodified rebuild still reads.
    EXPECT_TRUE(ReadOnce(rebuild(*md), name)) << name;

    const int64_t hostile[] = {-1,
                               0,
                               1,
                               7,
                               int64_t{1} << 31,
                               int64_t{1} << 40,
                               std::numeric_limits<int64_t>::max(),
                               std::numeric_limits<int64_t>::min()};
    using Mutator = std::function<void(pq::FileMetaData&, int64_t)>;
    const std::vector<std::pair<std::string, Mutator>> lies = {
        {"num_rows", [](pq::FileMetaData& m, int64_t v) { m.num_rows = v; }},
        {"rg.num_rows", [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].num_rows = v; }},
        {"num_values", [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns[0].meta.num_values = v; }},
        {"data_page_offset",
         [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns[0].meta.data_page_offset = v; }},
        {"dictionary_page_offset",
         [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns.back().meta.dictionary_page_offset = v; }},
        {"total_compressed_size",
         [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns[0].meta.total_compressed_size = v; }},
        {"codec",
         [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns[0].meta.codec = static_cast<int32_t>(v); }},
        {"type",
         [](pq::FileMetaData& m, int64_t v) { m.row_groups[0].columns[0].meta.type = static_cast<int32_t>(v); }},
        {"num_children", [](pq::FileMetaData& m, int64_t v) { m.schema[0].num_children = static_cast<int32_t>(v); }},
        {"schema_type", [](pq::FileMetaData& m, int64_t v) { m.schema[1].type = static_cast<int32_t>(v); }},
        {"repetition", [](pq::FileMetaData& m, int64_t v) { m.schema[1].repetition = static_cast<int32_t>(v); }},
        {"drop_chunk", [](pq::FileMetaData& m, int64_t) { m.row_groups[0].columns.pop_back(); }},
        {"drop_schema", [](pq::FileMetaData& m, int64_t) { m.schema.pop_back(); }},
    };
    int refused = 0, total = 0;
    for (const auto& [what, lie] : lies) {
      for (int64_t v : hostile) {
        pq::FileMetaData m = *md;
        lie(m, v);
        ++total;
        if (!ReadOnce(rebuild(m), name + " (" + what + "=" + std::to_string(v) + ")")) ++refused;
      }
    }
    EXPECT_GT(refused, total / 2) << name;
    // Specific lies that must always be caught.
    pq::FileMetaData m = *md;
    m.num_rows += 1;
    EXPECT_FALSE(ReadOnce(rebuild(m), name));
    m = *md;
    m.row_groups[0].columns[0].meta.codec = 4;  // BROTLI
    auto brotli = ReadParquetBuffer(rebuild(m), name);
    ASSERT_FALSE(brotli.ok());
    EXPECT_EQ(brotli.error().code, ErrorCode::kUnimplemented);
    EXPECT_NE(brotli.error().message.find("BROTLI"), std::string::npos);
  }
}

// The fuzzer's seed corpus, including inputs that once found a bug (regress_*: e.g. a v2 data
// page declaring definition levels for a required column). Under the sanitizers any UB fails.
TEST(ParquetCorruption, FuzzCorpusReadsWithoutUndefinedBehaviour) {
  const auto files = huracan::testing::ListFiles(huracan::testing::SourceDir() + "/fuzz/corpus/parquet", ".parquet");
  ASSERT_GE(files.size(), 10u);
  size_t regressions = 0;
  for (const std::string& f : files) {
    auto bytes = ReadFile(f);
    ASSERT_TRUE(bytes.ok()) << f;
    auto t = ReadParquetBuffer(*bytes, f);
    if (!t.ok()) {
      EXPECT_NE(t.error().message.find(f), std::string::npos) << t.error().message;
    }
    regressions += f.find("/regress_") != std::string::npos;
  }
  EXPECT_GE(regressions, 1u);
}

TEST(ParquetCorruption, HugeDeclaredSizesHitTheDecodeLimit) {
  // A page header may declare ~2 GiB; the reader must refuse before allocating it.
  auto inputs = Inputs();
  const std::string& bytes = inputs.back().second;
  ParquetReadOptions opts;
  opts.max_decoded_bytes = 1 << 20;  // smaller than the file's decoded size
  auto t = ReadParquetBuffer(bytes, "sample", opts);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(t.error().message.find("limit"), std::string::npos) << t.error().message;
}

}  // namespace
}  // namespace huracan::data
