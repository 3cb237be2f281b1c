// The Parquet reader: footer -> flat schema -> per column chunk, pages -> values.
// Every length, offset and count from the file is checked before use; see docs/PARQUET.md.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "data/parquet.h"
#include "data/parquet_codec.h"
#include "data/parquet_format.h"

namespace huracan::data {
namespace pq = parquet;
namespace {

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// ---- RLE / bit-packing hybrid (definition levels, dictionary indices, RLE booleans) ----

class RleDecoder {
 public:
  RleDecoder(const uint8_t* p, size_t n, int bit_width) : p_(p), end_(p + n), bw_(bit_width) {}

  // True when the data starts with one RLE run of `value` covering at least `count` values (the
  // common "no nulls" definition levels), without decoding anything.
  bool StartsWithRun(size_t count, uint32_t value) const {
    RleDecoder probe = *this;
    return probe.NextRun() && !probe.packed_ && probe.value_ == value && probe.left_ >= count;
  }

  // Decodes exactly `count` values; false when the data runs out or is malformed.
  bool Get(size_t count, uint32_t* out) {
    while (count > 0) {
      if (left_ == 0 && !NextRun()) return false;
      size_t take = std::min(left_, count);
      if (packed_) {
        Unpack(take, out);
      } else {
        std::fill(out, out + take, value_);
      }
      out += take;
      count -= take;
      left_ -= take;
    }
    return true;
  }

 private:
  bool NextRun() {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (p_ >= end_ || shift > 35) return false;
      uint8_t b = *p_++;
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (header & 1) {
      uint64_t groups = header >> 1;
      size_t avail = static_cast<size_t>(end_ - p_);
      uint64_t bytes = groups * static_cast<uint64_t>(bw_);  // groups < 2^35, bw <= 32: no overflow
      packed_ = true;
      bits_ = p_;
      bit_pos_ = 0;
      if (bw_ == 0) {
        left_ = static_cast<size_t>(groups * 8);
        bits_len_ = 0;
      } else {
        // A short last run is tolerated: use the values whose bits are present.
        if (bytes > avail) bytes = avail;
        bits_len_ = static_cast<size_t>(bytes);
        left_ = std::min<uint64_t>(groups * 8, bytes * 8 / bw_);
        p_ += bytes;
      }
    } else {
      size_t nbytes = static_cast<size_t>((bw_ + 7) / 8);
      if (static_cast<size_t>(end_ - p_) < nbytes) return false;
      uint64_t v = 0;
      for (size_t i = 0; i < nbytes; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
      p_ += nbytes;
      if (bw_ < 32 && (v >> bw_) != 0) return false;
      packed_ = false;
      value_ = static_cast<uint32_t>(v);
      left_ = static_cast<size_t>(header >> 1);
    }
    return true;
  }

  void Unpack(size_t n, uint32_t* out) {
    if (bw_ == 0) {
      std::fill(out, out + n, 0u);
      return;
    }
    const uint64_t mask = bw_ == 32 ? 0xffffffffull : ((1ull << bw_) - 1);
    for (size_t i = 0; i < n; ++i) {
      size_t byte = bit_pos_ >> 3;
      unsigned shift = bit_pos_ & 7;
      uint64_t w = 0;
      if (byte + 8 <= bits_len_) {
        std::memcpy(&w, bits_ + byte, 8);
      } else {
        std::memcpy(&w, bits_ + byte, bits_len_ - byte);  // Get() never asks past left_
      }
      out[i] = static_cast<uint32_t>((w >> shift) & mask);
      bit_pos_ += static_cast<size_t>(bw_);
    }
  }

  const uint8_t* p_;
  const uint8_t* end_;
  int bw_;
  bool packed_ = false;
  size_t left_ = 0;
  uint32_t value_ = 0;
  const uint8_t* bits_ = nullptr;
  size_t bits_len_ = 0;
  size_t bit_pos_ = 0;
};

// Reads `bw` (<= 64) bits at `bitpos` from a buffer known to hold them.
uint64_t ReadBits(const uint8_t* base, size_t bitpos, int bw) {
  uint64_t v = 0;
  int got = 0;
  while (got < bw) {
    size_t byte = bitpos >> 3;
    int off = static_cast<int>(bitpos & 7);
    int take = std::min(8 - off, bw - got);
    uint64_t bits = (static_cast<uint64_t>(base[byte]) >> off) & ((1u << take) - 1);
    v |= bits << got;
    got += take;
    bitpos += static_cast<size_t>(take);
  }
  return v;
}

bool ReadUleb(const uint8_t*& p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return false;
    uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

// DELTA_BINARY_PACKED: decodes `count` values (wrapping 64-bit arithmetic, as the spec intends).
bool DecodeDeltaBinaryPacked(const uint8_t* p, size_t n, size_t count, uint64_t* out) {
  const uint8_t* end = p + n;
  uint64_t block_size, miniblocks, total, first_zz;
  if (!ReadUleb(p, end, &block_size) || !ReadUleb(p, end, &miniblocks) || !ReadUleb(p, end, &total) ||
      !ReadUleb(p, end, &first_zz)) {
    return false;
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0 || total < count) {
    return false;
  }
  if (count == 0) return true;
  const uint64_t per_mini = block_size / miniblocks;
  uint64_t value = (first_zz >> 1) ^ (~(first_zz & 1) + 1);
  out[0] = value;
  size_t done = 1;
  while (done < count) {
    uint64_t min_zz;
    if (!ReadUleb(p, end, &min_zz)) return false;
    uint64_t min_delta = (min_zz >> 1) ^ (~(min_zz & 1) + 1);
    if (static_cast<uint64_t>(end - p) < miniblocks) return false;
    const uint8_t* widths = p;
    p += miniblocks;
    for (uint64_t m = 0; m < miniblocks && done < count; ++m) {
      int bw = widths[m];
      if (bw > 64) return false;
      size_t use = static_cast<size_t>(std::min<uint64_t>(per_mini, count - done));
      size_t need = (use * static_cast<size_t>(bw) + 7) / 8;
      size_t full = static_cast<size_t>(per_mini * static_cast<uint64_t>(bw) / 8);
      size_t avail = static_cast<size_t>(end - p);
      if (need > avail) return false;
      for (size_t i = 0; i < use; ++i) {
        uint64_t d = bw == 0 ? 0 : ReadBits(p, i * static_cast<size_t>(bw), bw);
        value += min_delta + d;
        out[done++] = value;
      }
      p += std::min(full, avail);
    }
  }
  return true;
}

// ---- schema ----

struct Leaf {
  std::string path;  // dotted for nested columns
  const pq::SchemaElement* el = nullptr;
  bool nested = false;
  int max_def = 0;
  int index = 0;  // position among the column chunks
};

struct Plan {
  const Leaf* leaf = nullptr;
  int32_t type = 0;
  ParquetColumn::Kind kind = ParquetColumn::Kind::kDouble;
  TimeUnit unit = TimeUnit::kNone;
  bool is_unsigned = false;
  int32_t type_length = 0;
};

// The rest of the reader lives in one class so errors can name the file and column cheaply.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& name, const ParquetReadOptions& opts)
      : file_(bytes), name_(name), opts_(opts) {
    budget_ =
        opts.max_decoded_bytes ? opts.max_decoded_bytes : static_cast<uint64_t>(bytes.size()) * 1024 + (256ull << 20);
  }

  Result<ParquetTable> Read() {
    auto footer = pq::FooterBytes(file_);
    if (!footer.ok()) return Err(footer.error());
    footer_start_ = static_cast<size_t>(footer->data() - file_.data());
    auto md = pq::ParseFileMetaData(*footer);
    if (!md.ok()) return Err(md.error());
    md_ = std::move(md).value();
    HURACAN_RETURN_IF_ERROR(BuildLeaves());
    std::vector<Plan> plans;
    HURACAN_RETURN_IF_ERROR(Select(&plans));

    int64_t total_rows = 0;
    for (size_t g = 0; g < md_.row_groups.size(); ++g) {
      const auto& rg = md_.row_groups[g];
      if (rg.num_rows < 0 || rg.num_rows > std::numeric_limits<int64_t>::max() - total_rows) {
        return Err(ErrorCode::kDataLoss,
                   "row group " + std::to_string(g) + " has an invalid row count " + std::to_string(rg.num_rows));
      }
      total_rows += rg.num_rows;
      if (rg.columns.size() != leaves_.size()) {
        return Err(ErrorCode::kDataLoss, "row group " + std::to_string(g) + " has " +
                                             std::to_string(rg.columns.size()) + " column chunks, the schema has " +
                                             std::to_string(leaves_.size()) + " columns");
      }
    }
    if (total_rows != md_.num_rows) {
      return Err(ErrorCode::kDataLoss, "footer says " + std::to_string(md_.num_rows) + " rows, row groups hold " +
                                           std::to_string(total_rows));
    }

    ParquetTable table;
    table.num_rows = total_rows;
    table.columns.resize(plans.size());
    for (size_t c = 0; c < plans.size(); ++c) {
      auto& col = table.columns[c];
      col.name = plans[c].leaf->path;
      col.kind = plans[c].kind;
      col.time_unit = plans[c].unit;
    }
    for (size_t g = 0; g < md_.row_groups.size(); ++g) {
      for (size_t c = 0; c < plans.size(); ++c) {
        HURACAN_RETURN_IF_ERROR(ReadChunk(g, plans[c], &table.columns[c]));
      }
    }
    return table;
  }

 private:
  // Every error names the file, and the column where there is one: "name: column 'c': message".
  Error Err(Error e) const { return WithContext(std::move(e), name_); }
  Error Err(ErrorCode code, std::string msg) const { return Err(Error{code, std::move(msg)}); }
  Error ColErr(const std::string& col, Error e) const { return Err(WithContext(std::move(e), "column '" + col + "'")); }
  Error ColErr(ErrorCode code, const std::string& col, std::string msg) const {
    return ColErr(col, Error{code, std::move(msg)});
  }

  Status BuildLeaves() {
    const auto& s = md_.schema;
    if (s.empty()) return Err(ErrorCode::kDataLoss, "corrupt footer: empty schema");
    if (s[0].num_children < 0) return Err(ErrorCode::kDataLoss, "corrupt footer: negative child count");
    struct Frame {
      int32_t remaining;
      std::string path;
      bool nested;
      int def;
    };
    std::vector<Frame> stack{{s[0].num_children, "", false, 0}};
    size_t i = 1;
    while (!stack.empty()) {
      if (stack.back().remaining == 0) {
        stack.pop_back();
        continue;
      }
      --stack.back().remaining;
      if (i >= s.size()) return Err(ErrorCode::kDataLoss, "corrupt footer: schema ends early");
      const auto& e = s[i++];
      const Frame& parent = stack.back();
      std::string path = parent.path.empty() ? e.name : parent.path + "." + e.name;
      bool nested = stack.size() > 1 || e.repetition.value_or(pq::kRequired) == pq::kRepeated;
      int def = parent.def + (e.repetition.value_or(pq::kRequired) != pq::kRequired ? 1 : 0);
      if (e.num_children < 0) return Err(ErrorCode::kDataLoss, "corrupt footer: negative child count");
      if (e.num_children > 0) {
        if (stack.size() > 64) return Err(ErrorCode::kDataLoss, "corrupt footer: schema nested too deeply");
        stack.push_back({e.num_children, path, true, def});
        continue;
      }
      Leaf leaf;
      leaf.path = std::move(path);
      leaf.el = &e;
      leaf.nested = nested;
      leaf.max_def = def;
      leaf.index = static_cast<int>(leaves_.size());
      leaves_.push_back(std::move(leaf));
    }
    if (i != s.size()) return Err(ErrorCode::kDataLoss, "corrupt footer: schema has elements outside the tree");
    return Status::Ok();
  }

  Status Select(std::vector<Plan>* plans) {
    std::vector<const Leaf*> chosen;
    if (opts_.columns.empty()) {
      for (const auto& l : leaves_) chosen.push_back(&l);
    } else {
      for (const auto& want : opts_.columns) {
        auto it = std::find_if(leaves_.begin(), leaves_.end(), [&](const Leaf& l) { return l.path == want; });
        if (it == leaves_.end()) {
          // A nested column asked for by its top-level name is refused as nested, not missing.
          auto nested = std::find_if(leaves_.begin(), leaves_.end(),
                                     [&](const Leaf& l) { return l.path.rfind(want + ".", 0) == 0; });
          if (nested != leaves_.end()) {
            return ColErr(ErrorCode::kUnimplemented, want, "nested columns (groups, lists, maps) are not supported");
          }
          return ColErr(ErrorCode::kNotFound, want, "no such column");
        }
        chosen.push_back(&*it);
      }
    }
    for (const Leaf* l : chosen) {
      HURACAN_ASSIGN_OR_RETURN(Plan p, MakePlan(*l));
      plans->push_back(p);
    }
    return Status::Ok();
  }

  Result<Plan> MakePlan(const Leaf& l) {
    const auto& e = *l.el;
    if (l.nested) {
      return ColErr(ErrorCode::kUnimplemented, l.path, "nested columns (groups, lists, maps) are not supported");
    }
    if (!e.type) return ColErr(ErrorCode::kUnimplemented, l.path, "empty group columns are not supported");
    Plan p;
    p.leaf = &l;
    p.type = *e.type;
    p.type_length = e.type_length;
    int32_t conv = e.converted_type.value_or(-1);
    if (conv == pq::kDecimal || e.logical == pq::kLogicalDecimal) {
      return ColErr(ErrorCode::kUnimplemented, l.path, "DECIMAL columns are not supported");
    }
    if (conv == pq::kInterval || e.logical == pq::kLogicalFloat16) {
      return ColErr(ErrorCode::kUnimplemented, l.path, "INTERVAL and FLOAT16 columns are not supported");
    }
    switch (p.type) {
      case pq::kBoolean: p.kind = ParquetColumn::Kind::kBool; break;
      case pq::kInt32:
      case pq::kInt64:
      case pq::kInt96: p.kind = ParquetColumn::Kind::kInt64; break;
      case pq::kFloat:
      case pq::kDouble: p.kind = ParquetColumn::Kind::kDouble; break;
      case pq::kByteArray: p.kind = ParquetColumn::Kind::kString; break;
      case pq::kFixedLenByteArray:
        if (e.type_length <= 0) {
          return ColErr(ErrorCode::kDataLoss, l.path,
                        "FIXED_LEN_BYTE_ARRAY with length " + std::to_string(e.type_length));
        }
        p.kind = ParquetColumn::Kind::kString;
        break;
      default: return ColErr(ErrorCode::kUnimplemented, l.path, "unknown physical type " + std::to_string(p.type));
    }
    if (e.logical == pq::kLogicalTimestamp) {
      switch (e.logical_unit) {
        case pq::kUnitMillis: p.unit = TimeUnit::kMillis; break;
        case pq::kUnitMicros: p.unit = TimeUnit::kMicros; break;
        case pq::kUnitNanos: p.unit = TimeUnit::kNanos; break;
        default: return ColErr(ErrorCode::kDataLoss, l.path, "TIMESTAMP without a unit");
      }
    } else if (conv == pq::kTimestampMillis) {
      p.unit = TimeUnit::kMillis;
    } else if (conv == pq::kTimestampMicros) {
      p.unit = TimeUnit::kMicros;
    } else if (p.type == pq::kInt96) {
      p.unit = TimeUnit::kNanos;  // legacy Impala/Spark timestamps
    }
    p.is_unsigned = conv == pq::kUint8 || conv == pq::kUint16 || conv == pq::kUint32 || conv == pq::kUint64 ||
                    (e.logical == pq::kLogicalInteger && !e.integer_signed);
    return p;
  }

  Status Charge(uint64_t bytes, const std::string& col) {
    if (bytes > budget_) {
      return ColErr(ErrorCode::kDataLoss, col,
                    "decoded data would exceed the reader's limit of " + std::to_string(used_ + budget_) +
                        " bytes (corrupt sizes in the file?)");
    }
    budget_ -= bytes;
    used_ += bytes;
    return Status::Ok();
  }

  // ---- one column chunk ----

  struct ChunkState {
    const Plan* plan;
    ParquetColumn* out;
    int32_t codec;
    bool have_dict = false;
    ParquetColumn dict;
  };

  Status ReadChunk(size_t g, const Plan& plan, ParquetColumn* out) {
    const std::string& col = plan.leaf->path;
    const auto& rg = md_.row_groups[g];
    const auto& cc = rg.columns[static_cast<size_t>(plan.leaf->index)];
    if (!cc.file_path.empty()) {
      return ColErr(ErrorCode::kUnimplemented, col, "column chunk stored in another file ('" + cc.file_path + "')");
    }
    if (!cc.has_meta) return ColErr(ErrorCode::kDataLoss, col, "column chunk without metadata");
    const auto& m = cc.meta;
    if (m.type != plan.type) {
      return ColErr(
          ErrorCode::kDataLoss, col,
          std::string("chunk type ") + pq::TypeName(m.type) + " differs from the schema's " + pq::TypeName(plan.type));
    }
    if (!dec_.Supports(m.codec)) {
      return ColErr(ErrorCode::kUnimplemented, col,
                    std::string("codec ") + pq::CodecName(m.codec) + " (" + std::to_string(m.codec) +
                        ") is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD)");
    }
    if (m.num_values != rg.num_rows) {
      return ColErr(ErrorCode::kDataLoss, col,
                    "chunk holds " + std::to_string(m.num_values) + " values, its row group " +
                        std::to_string(rg.num_rows) + " rows");
    }
    int64_t start = m.data_page_offset;
    if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 && *m.dictionary_page_offset < start) {
      start = *m.dictionary_page_offset;
    }
    const int64_t limit = static_cast<int64_t>(footer_start_);
    if (start < 4 || start >= limit || m.total_compressed_size <= 0 || m.total_compressed_size > limit - start) {
      return ColErr(ErrorCode::kDataLoss, col,
                    "chunk at offset " + std::to_string(start) + " with " + std::to_string(m.total_compressed_size) +
                        " bytes lies outside the data (" + std::to_string(limit) + " bytes)");
    }
    std::string_view chunk = file_.substr(static_cast<size_t>(start), static_cast<size_t>(m.total_compressed_size));

    ChunkState st{&plan, out, m.codec, false, {}};
    st.dict.kind = plan.kind;
    const size_t rows = static_cast<size_t>(rg.num_rows);
    const size_t base = out->size();
    size_t pos = 0;
    while (out->size() - base < rows) {
      if (pos >= chunk.size()) {
        return ColErr(
            ErrorCode::kDataLoss, col,
            "chunk ends after " + std::to_string(out->size() - base) + " of " + std::to_string(rows) + " values");
      }
      size_t consumed = 0;
      auto ph = pq::ParsePageHeader(chunk.substr(pos), &consumed);
      if (!ph.ok()) return ColErr(col, ph.error());
      pos += consumed;
      if (ph->compressed_page_size < 0 || static_cast<size_t>(ph->compressed_page_size) > chunk.size() - pos ||
          ph->uncompressed_page_size < 0) {
        return ColErr(ErrorCode::kDataLoss, col,
                      "page of " + std::to_string(ph->compressed_page_size) + " bytes overruns its column chunk");
      }
      std::string_view payload = chunk.substr(pos, static_cast<size_t>(ph->compressed_page_size));
      pos += payload.size();
      size_t want = rows - (out->size() - base);
      switch (ph->type) {
        case pq::kDictionaryPage: HURACAN_RETURN_IF_ERROR(DictionaryPage(*ph, payload, &st)); break;
        case pq::kDataPage: HURACAN_RETURN_IF_ERROR(DataPageV1(*ph, payload, want, &st)); break;
        case pq::kDataPageV2: HURACAN_RETURN_IF_ERROR(DataPageV2(*ph, payload, want, &st)); break;
        default: break;  // index pages and unknown page types are skipped
      }
    }
    if (out->size() - base != rows) {
      return ColErr(ErrorCode::kDataLoss, col, "pages hold more values than the row group's " + std::to_string(rows));
    }
    return Status::Ok();
  }

  Result<std::string_view> Inflate(const ChunkState& st, std::string_view in, int64_t expected, std::string* buf) {
    const std::string& col = st.plan->leaf->path;
    if (st.codec == pq::kUncompressed) return in;
    HURACAN_RETURN_IF_ERROR(Charge(static_cast<uint64_t>(expected), col));
    Status s = dec_.Decompress(st.codec, in, static_cast<size_t>(expected), buf);
    if (!s.ok()) return ColErr(col, s.error());
    return std::string_view(*buf);
  }

  Status DictionaryPage(const pq::PageHeader& ph, std::string_view payload, ChunkState* st) {
    const std::string& col = st->plan->leaf->path;
    if (!ph.dictionary_page) return ColErr(ErrorCode::kDataLoss, col, "dictionary page without its header");
    if (st->have_dict) return ColErr(ErrorCode::kDataLoss, col, "second dictionary page in one chunk");
    const auto& dh = *ph.dictionary_page;
    if (dh.encoding != pq::kPlain && dh.encoding != pq::kPlainDictionary) {
      return ColErr(ErrorCode::kUnimplemented, col,
                    std::string("dictionary page encoding ") + pq::EncodingName(dh.encoding) + " is not supported");
    }
    if (dh.num_values < 0) return ColErr(ErrorCode::kDataLoss, col, "negative dictionary size");
    HURACAN_ASSIGN_OR_RETURN(std::string_view data, Inflate(*st, payload, ph.uncompressed_page_size, &page_buf_));
    st->dict = ParquetColumn{};
    st->dict.kind = st->plan->kind;
    HURACAN_RETURN_IF_ERROR(DecodePlain(*st->plan, reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                        static_cast<size_t>(dh.num_values), &st->dict));
    st->have_dict = true;
    return Status::Ok();
  }

  Status DataPageV1(const pq::PageHeader& ph, std::string_view payload, size_t want, ChunkState* st) {
    const std::string& col = st->plan->leaf->path;
    if (!ph.data_page) return ColErr(ErrorCode::kDataLoss, col, "data page without its header");
    const auto& dh = *ph.data_page;
    if (dh.num_values < 0 || static_cast<size_t>(dh.num_values) > want) {
      return ColErr(ErrorCode::kDataLoss, col,
                    "data page declares " + std::to_string(dh.num_values) + " values, only " + std::to_string(want) +
                        " remain in the chunk");
    }
    const size_t n = static_cast<size_t>(dh.num_values);
    HURACAN_ASSIGN_OR_RETURN(std::string_view data, Inflate(*st, payload, ph.uncompressed_page_size, &page_buf_));
    const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
    size_t len = data.size();
    const uint8_t* levels = nullptr;
    size_t levels_len = 0;
    if (st->plan->leaf->max_def > 0) {
      if (dh.definition_level_encoding != pq::kRle) {
        return ColErr(ErrorCode::kUnimplemented, col,
                      std::string("definition level encoding ") + pq::EncodingName(dh.definition_level_encoding) +
                          " is not supported");
      }
      if (len < 4) return ColErr(ErrorCode::kDataLoss, col, "data page too short for its definition levels");
      uint32_t l = Load<uint32_t>(p);
      if (l > len - 4) return ColErr(ErrorCode::kDataLoss, col, "definition levels overrun the page");
      levels = p + 4;
      levels_len = l;
      p += 4 + l;
      len -= 4 + l;
    }
    return Values(st, dh.encoding, levels, levels_len, p, len, n);
  }

  Status DataPageV2(const pq::PageHeader& ph, std::string_view payload, size_t want, ChunkState* st) {
    const std::string& col = st->plan->leaf->path;
    if (!ph.data_page_v2) return ColErr(ErrorCode::kDataLoss, col, "data page v2 without its header");
    const auto& dh = *ph.data_page_v2;
    if (dh.num_values < 0 || static_cast<size_t>(dh.num_values) > want) {
      return ColErr(ErrorCode::kDataLoss, col,
                    "data page declares " + std::to_string(dh.num_values) + " values, only " + std::to_string(want) +
                        " remain in the chunk");
    }
    const int64_t rl = dh.repetition_levels_byte_length, dl = dh.definition_levels_byte_length;
    if (rl < 0 || dl < 0 || rl + dl > static_cast<int64_t>(payload.size()) || rl + dl > ph.uncompressed_page_size) {
      return ColErr(ErrorCode::kDataLoss, col, "level lengths overrun the page");
    }
    const uint8_t* levels = reinterpret_cast<const uint8_t*>(payload.data()) + rl;
    std::string_view rest = payload.substr(static_cast<size_t>(rl + dl));
    std::string_view data = rest;
    if (dh.is_compressed) {
      HURACAN_ASSIGN_OR_RETURN(data, Inflate(*st, rest, ph.uncompressed_page_size - rl - dl, &page_buf_));
    }
    const size_t n = static_cast<size_t>(dh.num_values);
    return Values(st, dh.encoding, st->plan->leaf->max_def > 0 ? levels : nullptr, static_cast<size_t>(dl),
                  reinterpret_cast<const uint8_t*>(data.data()), data.size(), n);
  }

  // Decodes one page's definition levels and values, appending `n` slots to the column.
  Status Values(ChunkState* st, int32_t encoding, const uint8_t* levels, size_t levels_len, const uint8_t* p,
                size_t len, size_t n) {
    const std::string& col = st->plan->leaf->path;
    ParquetColumn* out = st->out;
    size_t non_null = n;
    RleDecoder rle(levels, levels != nullptr ? levels_len : 0, 1);  // no levels: never offset a null pointer
    if (levels != nullptr && !rle.StartsWithRun(n, 1)) {
      HURACAN_RETURN_IF_ERROR(Charge(n * sizeof(uint32_t), col));
      level_buf_.resize(n);
      if (!rle.Get(n, level_buf_.data())) {
        return ColErr(ErrorCode::kDataLoss, col, "definition levels are corrupt or too short");
      }
      non_null = static_cast<size_t>(std::count(level_buf_.begin(), level_buf_.end(), 1u));
    }
    const size_t old = out->size();
    switch (encoding) {
      case pq::kPlain: HURACAN_RETURN_IF_ERROR(DecodePlain(*st->plan, p, len, non_null, out)); break;
      case pq::kPlainDictionary:
      case pq::kRleDictionary: HURACAN_RETURN_IF_ERROR(DecodeDictionary(*st, p, len, non_null, out)); break;
      case pq::kRle:
        if (st->plan->type != pq::kBoolean) return Unsupported(*st->plan, encoding);
        HURACAN_RETURN_IF_ERROR(DecodeRleBool(col, p, len, non_null, out));
        break;
      case pq::kDeltaBinaryPacked:
        if (st->plan->type != pq::kInt32 && st->plan->type != pq::kInt64) return Unsupported(*st->plan, encoding);
        HURACAN_RETURN_IF_ERROR(DecodeDelta(*st->plan, p, len, non_null, out));
        break;
      case pq::kByteStreamSplit:
        HURACAN_RETURN_IF_ERROR(DecodeByteStreamSplit(*st->plan, p, len, non_null, out));
        break;
      default: return Unsupported(*st->plan, encoding);
    }
    if (out->size() != old + non_null) return Internal(col + ": value count mismatch");
    if (non_null == n) {
      if (!out->valid.empty()) out->valid.resize(old + n, 1);
      return Status::Ok();
    }
    HURACAN_RETURN_IF_ERROR(Charge(n, col));
    if (out->valid.empty()) out->valid.assign(old, 1);
    out->valid.reserve(old + n);
    for (size_t i = 0; i < n; ++i) out->valid.push_back(level_buf_[i] == 1 ? 1 : 0);
    Spread(out, old, non_null, n);
    return Status::Ok();
  }

  Error Unsupported(const Plan& plan, int32_t encoding) const {
    return ColErr(ErrorCode::kUnimplemented, plan.leaf->path,
                  std::string("encoding ") + pq::EncodingName(encoding) + " (" + std::to_string(encoding) +
                      ") is not supported for " + pq::TypeName(plan.type));
  }

  // Moves the `non_null` values appended at `old` to their row slots among `n`, per level_buf_.
  void Spread(ParquetColumn* out, size_t old, size_t non_null, size_t n) {
    auto spread = [&](auto& v, auto null_value) {
      v.resize(old + n);
      size_t src = old + non_null;
      for (size_t i = n; i-- > 0;) {
        if (src == old + i + 1) break;  // rows [0, i] are all present and already in place
        if (level_buf_[i] == 1) {
          v[old + i] = std::move(v[--src]);
        } else {
          v[old + i] = null_value;
        }
      }
    };
    switch (out->kind) {
      case ParquetColumn::Kind::kInt64: spread(out->i64, int64_t{0}); break;
      case ParquetColumn::Kind::kDouble: spread(out->f64, std::numeric_limits<double>::quiet_NaN()); break;
      case ParquetColumn::Kind::kString: spread(out->str, std::string()); break;
      case ParquetColumn::Kind::kBool: spread(out->b, uint8_t{0}); break;
    }
  }

  static int64_t Widen32(int32_t v, bool is_unsigned) {
    return is_unsigned ? static_cast<int64_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v);
  }

  Status Short(const std::string& col, size_t count) const {
    return ColErr(ErrorCode::kDataLoss, col, "page too short for its " + std::to_string(count) + " values");
  }

  // PLAIN values, appended to `out` (a data column or a dictionary).
  Status DecodePlain(const Plan& plan, const uint8_t* p, size_t len, size_t count, ParquetColumn* out) {
    const std::string& col = plan.leaf->path;
    switch (plan.type) {
      case pq::kBoolean: {
        if ((count + 7) / 8 > len) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count, col));
        size_t old = out->b.size();
        out->b.resize(old + count);
        for (size_t i = 0; i < count; ++i) out->b[old + i] = (p[i >> 3] >> (i & 7)) & 1;
        return Status::Ok();
      }
      case pq::kInt32: {
        if (count > len / 4) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
        size_t old = out->i64.size();
        out->i64.resize(old + count);
        for (size_t i = 0; i < count; ++i) out->i64[old + i] = Widen32(Load<int32_t>(p + 4 * i), plan.is_unsigned);
        return Status::Ok();
      }
      case pq::kInt64: {
        if (count > len / 8) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
        size_t old = out->i64.size();
        out->i64.resize(old + count);
        if (count) std::memcpy(out->i64.data() + old, p, count * 8);
        return Status::Ok();
      }
      case pq::kInt96: {
        if (count > len / 12) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
        size_t old = out->i64.size();
        out->i64.resize(old + count);
        for (size_t i = 0; i < count; ++i) {
          uint64_t nanos = Load<uint64_t>(p + 12 * i);
          int64_t julian = Load<int32_t>(p + 12 * i + 8);
          // Unsigned arithmetic: a corrupt value wraps instead of overflowing.
          uint64_t days = static_cast<uint64_t>(julian - 2440588);
          out->i64[old + i] = static_cast<int64_t>(days * 86400000000000ull + nanos);
        }
        return Status::Ok();
      }
      case pq::kFloat: {
        if (count > len / 4) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
        size_t old = out->f64.size();
        out->f64.resize(old + count);
        for (size_t i = 0; i < count; ++i) out->f64[old + i] = Load<float>(p + 4 * i);
        return Status::Ok();
      }
      case pq::kDouble: {
        if (count > len / 8) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
        size_t old = out->f64.size();
        out->f64.resize(old + count);
        if (count) std::memcpy(out->f64.data() + old, p, count * 8);
        return Status::Ok();
      }
      case pq::kByteArray: {
        if (count > len / 4) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * sizeof(std::string) + len, col));
        out->str.reserve(out->str.size() + count);
        size_t pos = 0;
        for (size_t i = 0; i < count; ++i) {
          if (len - pos < 4) return Short(col, count);
          uint32_t l = Load<uint32_t>(p + pos);
          pos += 4;
          if (l > len - pos) return Short(col, count);
          out->str.emplace_back(reinterpret_cast<const char*>(p + pos), l);
          pos += l;
        }
        return Status::Ok();
      }
      case pq::kFixedLenByteArray: {
        size_t w = static_cast<size_t>(plan.type_length);
        if (count > len / w) return Short(col, count);
        HURACAN_RETURN_IF_ERROR(Charge(count * (sizeof(std::string) + w), col));
        out->str.reserve(out->str.size() + count);
        for (size_t i = 0; i < count; ++i) out->str.emplace_back(reinterpret_cast<const char*>(p + i * w), w);
        return Status::Ok();
      }
      default: return ColErr(ErrorCode::kUnimplemented, col, "unsupported physical type");
    }
  }

  Status DecodeDictionary(const ChunkState& st, const uint8_t* p, size_t len, size_t count, ParquetColumn* out) {
    const std::string& col = st.plan->leaf->path;
    if (!st.have_dict) return ColErr(ErrorCode::kDataLoss, col, "dictionary-encoded page without a dictionary");
    if (count == 0) return Status::Ok();
    if (len < 1 || p[0] > 32) return ColErr(ErrorCode::kDataLoss, col, "bad dictionary index bit width");
    HURACAN_RETURN_IF_ERROR(Charge(count * sizeof(uint32_t), col));
    index_buf_.resize(count);
    RleDecoder rle(p + 1, len - 1, p[0]);
    if (!rle.Get(count, index_buf_.data())) {
      return ColErr(ErrorCode::kDataLoss, col, "dictionary indices are corrupt or too short");
    }
    const size_t dict_size = st.dict.size();
    for (uint32_t idx : index_buf_) {
      if (idx >= dict_size) {
        return ColErr(
            ErrorCode::kDataLoss, col,
            "dictionary index " + std::to_string(idx) + " out of range (" + std::to_string(dict_size) + " entries)");
      }
    }
    auto gather = [&](auto& dst, const auto& src, size_t elem) -> Status {
      HURACAN_RETURN_IF_ERROR(Charge(count * elem, col));
      dst.reserve(dst.size() + count);
      for (uint32_t idx : index_buf_) dst.push_back(src[idx]);
      return Status::Ok();
    };
    switch (out->kind) {
      case ParquetColumn::Kind::kInt64: return gather(out->i64, st.dict.i64, 8);
      case ParquetColumn::Kind::kDouble: return gather(out->f64, st.dict.f64, 8);
      case ParquetColumn::Kind::kBool: return gather(out->b, st.dict.b, 1);
      case ParquetColumn::Kind::kString: {
        uint64_t bytes = 0;
        for (uint32_t idx : index_buf_) bytes += sizeof(std::string) + st.dict.str[idx].size();
        HURACAN_RETURN_IF_ERROR(Charge(bytes, col));
        out->str.reserve(out->str.size() + count);
        for (uint32_t idx : index_buf_) out->str.push_back(st.dict.str[idx]);
        return Status::Ok();
      }
    }
    return Internal(col + ": bad column kind");
  }

  Status DecodeRleBool(const std::string& col, const uint8_t* p, size_t len, size_t count, ParquetColumn* out) {
    if (len < 4) return Short(col, count);
    uint32_t l = Load<uint32_t>(p);
    if (l > len - 4) return ColErr(ErrorCode::kDataLoss, col, "RLE boolean run overruns the page");
    HURACAN_RETURN_IF_ERROR(Charge(count * 5, col));
    index_buf_.resize(count);
    RleDecoder rle(p + 4, l, 1);
    if (!rle.Get(count, index_buf_.data())) return ColErr(ErrorCode::kDataLoss, col, "RLE booleans are corrupt");
    for (uint32_t v : index_buf_) out->b.push_back(static_cast<uint8_t>(v));
    return Status::Ok();
  }

  Status DecodeDelta(const Plan& plan, const uint8_t* p, size_t len, size_t count, ParquetColumn* out) {
    const std::string& col = plan.leaf->path;
    HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
    size_t old = out->i64.size();
    out->i64.resize(old + count);
    uint64_t* dst = reinterpret_cast<uint64_t*>(out->i64.data() + old);
    if (!DecodeDeltaBinaryPacked(p, len, count, dst)) {
      out->i64.resize(old);
      return ColErr(ErrorCode::kDataLoss, col, "DELTA_BINARY_PACKED data is corrupt or too short");
    }
    if (plan.type == pq::kInt32) {
      for (size_t i = old; i < old + count; ++i) {
        out->i64[i] = Widen32(static_cast<int32_t>(static_cast<uint32_t>(out->i64[i])), plan.is_unsigned);
      }
    }
    return Status::Ok();
  }

  Status DecodeByteStreamSplit(const Plan& plan, const uint8_t* p, size_t len, size_t count, ParquetColumn* out) {
    const std::string& col = plan.leaf->path;
    size_t w;
    switch (plan.type) {
      case pq::kFloat:
      case pq::kInt32: w = 4; break;
      case pq::kDouble:
      case pq::kInt64: w = 8; break;
      default: return Unsupported(plan, pq::kByteStreamSplit);
    }
    if (count > len / w) return Short(col, count);
    HURACAN_RETURN_IF_ERROR(Charge(count * 8, col));
    // Re-interleave into PLAIN layout, then reuse the PLAIN decoder.
    std::string plain(count * w, '\0');
    for (size_t b = 0; b < w; ++b) {
      for (size_t i = 0; i < count; ++i) plain[i * w + b] = static_cast<char>(p[b * count + i]);
    }
    return DecodePlain(plan, reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), count, out);
  }

  std::string_view file_;
  const std::string& name_;
  const ParquetReadOptions& opts_;
  size_t footer_start_ = 0;
  uint64_t budget_ = 0;
  uint64_t used_ = 0;
  pq::FileMetaData md_;
  std::vector<Leaf> leaves_;
  pq::Decompressor dec_;
  std::string page_buf_;
  std::vector<uint32_t> level_buf_;
  std::vector<uint32_t> index_buf_;
};

}  // namespace

Result<ParquetTable> ReadParquetBuffer(std::string_view bytes, const std::string& name,
                                       const ParquetReadOptions& opts) {
  try {
    Reader reader(bytes, name, opts);
    return reader.Read();
  } catch (const std::bad_alloc&) {
    return WithContext(DataLoss("out of memory while decoding (corrupt sizes in the file?)"), name);
  } catch (const std::exception& e) {
    return WithContext(Internal(e.what()), name);
  }
}

Result<ParquetTable> ReadParquet(const std::string& path, const ParquetReadOptions& opts) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return NotFound(path + ": cannot open: " + std::strerror(errno));
  std::streamoff size = in.tellg();
  if (size < 0) return DataLoss(path + ": cannot read its size");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (size > 0 && !in.read(bytes.data(), size)) return DataLoss(path + ": read error");
  return ReadParquetBuffer(bytes, path, opts);
}

}  // namespace huracan::data
