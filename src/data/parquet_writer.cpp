// The Parquet writer: flat tables of int64, double, string and bool columns; data page v1,
// PLAIN values, RLE definition levels for nullable columns, ZSTD pages.
#include <zstd.h>

#include <cstring>
#include <set>

#include "core/fs.h"
#include "data/parquet.h"
#include "data/parquet_codec.h"
#include "data/parquet_format.h"

namespace huracan::data {
namespace pq = parquet;
namespace {

constexpr size_t kPageBytes = 1 << 20;  // target uncompressed page size

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Definition levels (bit width 1) as RLE runs, with the 4-byte length prefix of data page v1.
void PutLevels(std::string* out, const std::vector<uint8_t>& valid, size_t begin, size_t end) {
  std::string runs;
  size_t i = begin;
  while (i < end) {
    uint8_t v = valid[i] ? 1 : 0;
    size_t j = i + 1;
    while (j < end && (valid[j] ? 1 : 0) == v) ++j;
    PutVarint(&runs, static_cast<uint64_t>(j - i) << 1);
    runs.push_back(static_cast<char>(v));
    i = j;
  }
  PutU32(out, static_cast<uint32_t>(runs.size()));
  out->append(runs);
}

bool Present(const ParquetColumn& c, size_t i) { return c.valid.empty() || c.valid[i] != 0; }

// PLAIN bytes of rows [begin, end), skipping nulls.
void PutValues(std::string* out, const ParquetColumn& c, size_t begin, size_t end) {
  switch (c.kind) {
    case ParquetColumn::Kind::kInt64:
      for (size_t i = begin; i < end; ++i) {
        if (Present(c, i)) out->append(reinterpret_cast<const char*>(&c.i64[i]), 8);
      }
      break;
    case ParquetColumn::Kind::kDouble:
      for (size_t i = begin; i < end; ++i) {
        if (Present(c, i)) out->append(reinterpret_cast<const char*>(&c.f64[i]), 8);
      }
      break;
    case ParquetColumn::Kind::kString:
      for (size_t i = begin; i < end; ++i) {
        if (!Present(c, i)) continue;
        PutU32(out, static_cast<uint32_t>(c.str[i].size()));
        out->append(c.str[i]);
      }
      break;
    case ParquetColumn::Kind::kBool: {
      uint8_t byte = 0;
      int bit = 0;
      for (size_t i = begin; i < end; ++i) {
        if (!Present(c, i)) continue;
        if (c.b[i]) byte |= static_cast<uint8_t>(1u << bit);
        if (++bit == 8) {
          out->push_back(static_cast<char>(byte));
          byte = 0;
          bit = 0;
        }
      }
      if (bit) out->push_back(static_cast<char>(byte));
      break;
    }
  }
}

size_t RowBytes(const ParquetColumn& c, size_t i) {
  switch (c.kind) {
    case ParquetColumn::Kind::kString: return 4 + c.str[i].size();
    case ParquetColumn::Kind::kBool: return 1;
    default: return 8;
  }
}

pq::SchemaElement SchemaFor(const ParquetColumn& c) {
  pq::SchemaElement e;
  e.name = c.name;
  e.repetition = c.valid.empty() ? pq::kRequired : pq::kOptional;
  switch (c.kind) {
    case ParquetColumn::Kind::kInt64:
      e.type = pq::kInt64;
      if (c.time_unit != TimeUnit::kNone) {
        e.logical = pq::kLogicalTimestamp;
        e.logical_utc = true;
        if (c.time_unit == TimeUnit::kMillis) {
          e.logical_unit = pq::kUnitMillis;
          e.converted_type = pq::kTimestampMillis;
        } else if (c.time_unit == TimeUnit::kMicros) {
          e.logical_unit = pq::kUnitMicros;
          e.converted_type = pq::kTimestampMicros;
        } else {
          e.logical_unit = pq::kUnitNanos;
        }
      }
      break;
    case ParquetColumn::Kind::kDouble: e.type = pq::kDouble; break;
    case ParquetColumn::Kind::kString:
      e.type = pq::kByteArray;
      e.converted_type = pq::kUtf8;
      e.logical = pq::kLogicalString;
      break;
    case ParquetColumn::Kind::kBool: e.type = pq::kBoolean; break;
  }
  return e;
}

size_t KindSize(const ParquetColumn& c) {
  switch (c.kind) {
    case ParquetColumn::Kind::kInt64: return c.i64.size();
    case ParquetColumn::Kind::kDouble: return c.f64.size();
    case ParquetColumn::Kind::kString: return c.str.size();
    case ParquetColumn::Kind::kBool: return c.b.size();
  }
  return 0;
}

Status Validate(const ParquetTable& table, const ParquetWriteOptions& opts) {
  if (table.columns.empty()) return InvalidArgument("Parquet writer: the table has no columns");
  if (table.num_rows < 0) return InvalidArgument("Parquet writer: negative row count");
  if (opts.row_group_rows <= 0) return InvalidArgument("Parquet writer: row_group_rows must be positive");
  if (opts.zstd_level < ZSTD_minCLevel() || opts.zstd_level > ZSTD_maxCLevel()) {
    return InvalidArgument("Parquet writer: zstd_level " + std::to_string(opts.zstd_level) + " out of range");
  }
  std::set<std::string> names;
  for (const auto& c : table.columns) {
    if (c.name.empty()) return InvalidArgument("Parquet writer: a column has an empty name");
    if (!names.insert(c.name).second) return InvalidArgument("Parquet writer: duplicate column '" + c.name + "'");
    size_t n = KindSize(c);
    if (n != static_cast<size_t>(table.num_rows)) {
      return InvalidArgument("Parquet writer: column '" + c.name + "' has " + std::to_string(n) +
                             " values, the table " + std::to_string(table.num_rows) + " rows");
    }
    if (!c.valid.empty() && c.valid.size() != n) {
      return InvalidArgument("Parquet writer: column '" + c.name + "' has a validity mask of " +
                             std::to_string(c.valid.size()) + " entries for " + std::to_string(n) + " values");
    }
    if (c.kind == ParquetColumn::Kind::kString) {
      for (const auto& s : c.str) {
        if (s.size() > 0x7fffffffu) return InvalidArgument("Parquet writer: string too long in '" + c.name + "'");
      }
    }
  }
  return Status::Ok();
}

// Writes rows [begin, end) of `c` as one column chunk at the end of `out`.
Status WriteChunk(const ParquetColumn& c, size_t begin, size_t end, const ParquetWriteOptions& opts, std::string* out,
                  pq::ColumnChunk* chunk) {
  auto& m = chunk->meta;
  chunk->has_meta = true;
  m.type = *SchemaFor(c).type;
  m.encodings = c.valid.empty() ? std::vector<int32_t>{pq::kPlain} : std::vector<int32_t>{pq::kPlain, pq::kRle};
  m.path = {c.name};
  m.codec = pq::kZstd;
  m.num_values = static_cast<int64_t>(end - begin);
  m.data_page_offset = static_cast<int64_t>(out->size());
  chunk->file_offset = m.data_page_offset;
  std::string page, compressed;
  size_t i = begin;
  while (i < end) {
    size_t j = i, bytes = 0;
    while (j < end && bytes < kPageBytes) bytes += RowBytes(c, j++);
    page.clear();
    if (!c.valid.empty()) PutLevels(&page, c.valid, i, j);
    PutValues(&page, c, i, j);
    compressed.clear();
    HURACAN_RETURN_IF_ERROR(pq::ZstdCompress(page, opts.zstd_level, &compressed));
    if (page.size() > 0x7fffffffu || compressed.size() > 0x7fffffffu) {
      return InvalidArgument("Parquet writer: page of column '" + c.name + "' exceeds 2 GiB");
    }
    pq::PageHeader ph;
    ph.type = pq::kDataPage;
    ph.uncompressed_page_size = static_cast<int32_t>(page.size());
    ph.compressed_page_size = static_cast<int32_t>(compressed.size());
    ph.data_page.emplace();
    ph.data_page->num_values = static_cast<int32_t>(j - i);
    ph.data_page->encoding = pq::kPlain;
    std::string header = pq::SerializePageHeader(ph);
    out->append(header);
    out->append(compressed);
    m.total_uncompressed_size += static_cast<int64_t>(header.size() + page.size());
    m.total_compressed_size += static_cast<int64_t>(header.size() + compressed.size());
    i = j;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> WriteParquetBuffer(const ParquetTable& table, const ParquetWriteOptions& opts) {
  HURACAN_RETURN_IF_ERROR(Validate(table, opts));
  try {
    pq::FileMetaData md;
    md.version = 1;
    md.num_rows = table.num_rows;
    md.created_by = std::string("huracan version ") + HURACAN_VERSION;
    pq::SchemaElement root;
    root.name = "schema";
    root.num_children = static_cast<int32_t>(table.columns.size());
    md.schema.push_back(root);
    for (const auto& c : table.columns) md.schema.push_back(SchemaFor(c));

    std::string out = "PAR1";
    const size_t rows = static_cast<size_t>(table.num_rows);
    const size_t group = static_cast<size_t>(opts.row_group_rows);
    for (size_t begin = 0; begin < rows; begin += group) {
      size_t end = std::min(rows, begin + group);
      pq::RowGroup rg;
      rg.num_rows = static_cast<int64_t>(end - begin);
      for (const auto& c : table.columns) {
        pq::ColumnChunk chunk;
        HURACAN_RETURN_IF_ERROR(WriteChunk(c, begin, end, opts, &out, &chunk));
        rg.total_byte_size += chunk.meta.total_uncompressed_size;
        rg.columns.push_back(std::move(chunk));
      }
      md.row_groups.push_back(std::move(rg));
    }
    std::string footer = pq::SerializeFileMetaData(md);
    out.append(footer);
    PutU32(&out, static_cast<uint32_t>(footer.size()));
    out.append("PAR1");
    return out;
  } catch (const std::bad_alloc&) {
    return Internal("Parquet writer: out of memory");
  }
}

Status WriteParquet(const std::string& path, const ParquetTable& table, const ParquetWriteOptions& opts) {
  HURACAN_ASSIGN_OR_RETURN_CTX(std::string bytes, WriteParquetBuffer(table, opts), path);
  return WriteFileAtomic(path, bytes);
}

}  // namespace huracan::data
