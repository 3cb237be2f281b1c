#include "data/parquet_format.h"

#include <cstring>
#include <limits>
#include <utility>

namespace huracan::data::parquet {
namespace {

// Thrift compact protocol type ids.
enum CType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDoubleT = 7,
  kBinary = 8,
  kListT = 9,
  kSetT = 10,
  kMapT = 11,
  kStruct = 12,
  kUuidT = 13
};

constexpr int kMaxDepth = 64;

// Reads the compact protocol from a bounded buffer. The first error sticks: later reads return
// zeros, so parsers can read a whole struct and check `ok()` once.
class CompactReader {
 public:
  explicit CompactReader(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), begin_(p_), end_(p_ + bytes.size()) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  void Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg) + " at byte " + std::to_string(consumed());
    p_ = end_;
  }

  uint8_t Byte() {
    if (p_ >= end_) {
      Fail("metadata truncated");
      return 0;
    }
    return *p_++;
  }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) {
        Fail("metadata truncated in a varint");
        return 0;
      }
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("varint longer than 10 bytes");
    return 0;
  }

  int64_t Zigzag() {
    uint64_t n = Varint();
    return static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1));
  }
  int32_t I32() {
    int64_t v = Zigzag();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      Fail("i32 out of range");
      return 0;
    }
    return static_cast<int32_t>(v);
  }
  int64_t I64() { return Zigzag(); }

  std::string_view Binary() {
    uint64_t n = Varint();
    if (n > remaining()) {
      Fail("string length " + std::to_string(n) + " exceeds the metadata");
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return s;
  }

  // Returns {field id, type}; type kStop at the end of a struct.
  std::pair<int16_t, uint8_t> FieldHeader(int16_t* last_id) {
    uint8_t b = Byte();
    if (!ok() || b == 0) return {0, kStop};
    uint8_t type = b & 0x0f;
    int delta = b >> 4;
    int16_t id;
    if (delta != 0) {
      id = static_cast<int16_t>(*last_id + delta);
    } else {
      int64_t v = Zigzag();
      if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
        Fail("field id out of range");
        return {0, kStop};
      }
      id = static_cast<int16_t>(v);
    }
    *last_id = id;
    return {id, type};
  }

  // Returns {size, element type}; size is checked against the bytes left (each element takes
  // at least one byte), so a lying size cannot make the caller reserve a huge vector.
  std::pair<size_t, uint8_t> ListHeader() {
    uint8_t b = Byte();
    uint64_t n = b >> 4;
    uint8_t type = b & 0x0f;
    if (n == 15) n = Varint();
    if (!ok()) return {0, kStop};
    if (n > remaining()) {
      Fail("list of " + std::to_string(n) + " elements exceeds the metadata");
      return {0, kStop};
    }
    return {static_cast<size_t>(n), type};
  }

  bool BoolField(uint8_t type) {
    if (type == kTrue) return true;
    if (type == kFalse) return false;
    Fail("expected a bool");
    return false;
  }

  void Skip(uint8_t type, int depth, bool in_container = false) {
    if (depth > kMaxDepth) {
      Fail("metadata nested too deeply");
      return;
    }
    switch (type) {
      case kTrue:
      case kFalse:
        if (in_container) Byte();
        return;
      case kByte: Byte(); return;
      case kI16:
      case kI32:
      case kI64: Varint(); return;
      case kDoubleT: Advance(8); return;
      case kBinary: Binary(); return;
      case kUuidT: Advance(16); return;
      case kListT:
      case kSetT: {
        auto [n, et] = ListHeader();
        for (size_t i = 0; i < n && ok(); ++i) Skip(et, depth + 1, true);
        return;
      }
      case kMapT: {
        uint64_t n = Varint();
        if (n == 0 || !ok()) return;
        if (n > remaining()) {
          Fail("map size exceeds the metadata");
          return;
        }
        uint8_t kv = Byte();
        for (uint64_t i = 0; i < n && ok(); ++i) {
          Skip(kv >> 4, depth + 1, true);
          Skip(kv & 0x0f, depth + 1, true);
        }
        return;
      }
      case kStruct: {
        int16_t last = 0;
        while (ok()) {
          auto [id, t] = FieldHeader(&last);
          if (t == kStop) break;
          Skip(t, depth + 1);
        }
        return;
      }
      default: Fail("unknown thrift type " + std::to_string(type)); return;
    }
  }

 private:
  void Advance(size_t n) {
    if (n > remaining()) {
      Fail("metadata truncated");
      return;
    }
    p_ += n;
  }

  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
  std::string error_;
};

// Reads a struct's fields, calling `on_field(id, type)` for each; the callback must consume the
// value (or call r.Skip).
template <typename F>
void ReadStruct(CompactReader& r, F&& on_field) {
  int16_t last = 0;
  while (r.ok()) {
    auto [id, type] = r.FieldHeader(&last);
    if (type == kStop) break;
    on_field(id, type);
  }
}

// Typed field readers: a field of an unexpected wire type is skipped, as Thrift does.
bool IsInt(uint8_t t) { return t == kI32 || t == kI16 || t == kByte || t == kI64; }

int32_t ReadI32Field(CompactReader& r, uint8_t type) {
  if (type == kByte) return static_cast<int8_t>(r.Byte());
  if (type == kI16 || type == kI32) return r.I32();
  if (type == kI64) {
    int64_t v = r.I64();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      r.Fail("i32 field out of range");
      return 0;
    }
    return static_cast<int32_t>(v);
  }
  r.Skip(type, 1);
  r.Fail("expected an integer field");
  return 0;
}

int64_t ReadI64Field(CompactReader& r, uint8_t type) {
  if (type == kByte) return static_cast<int8_t>(r.Byte());
  if (IsInt(type)) return r.I64();
  r.Skip(type, 1);
  r.Fail("expected an integer field");
  return 0;
}

std::string ReadStringField(CompactReader& r, uint8_t type) {
  if (type != kBinary) {
    r.Fail("expected a string field");
    return {};
  }
  return std::string(r.Binary());
}

void ReadTimeUnit(CompactReader& r, int32_t* unit) {
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (type == kStruct && id >= 1 && id <= 3) *unit = id;
    r.Skip(type, 2);
  });
}

void ReadLogicalType(CompactReader& r, SchemaElement* e) {
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (type != kStruct) {
      r.Skip(type, 2);
      return;
    }
    e->logical = id;
    if (id == kLogicalTimestamp || id == kLogicalTime) {
      ReadStruct(r, [&](int16_t fid, uint8_t ft) {
        if (fid == 1 && (ft == kTrue || ft == kFalse)) {
          e->logical_utc = r.BoolField(ft);
        } else if (fid == 2 && ft == kStruct) {
          ReadTimeUnit(r, &e->logical_unit);
        } else {
          r.Skip(ft, 3);
        }
      });
    } else if (id == kLogicalInteger) {
      ReadStruct(r, [&](int16_t fid, uint8_t ft) {
        if (fid == 1 && ft == kByte) {
          e->integer_bits = static_cast<int8_t>(r.Byte());
        } else if (fid == 2 && (ft == kTrue || ft == kFalse)) {
          e->integer_signed = r.BoolField(ft);
        } else {
          r.Skip(ft, 3);
        }
      });
    } else {
      r.Skip(type, 2);
    }
  });
}

SchemaElement ReadSchemaElement(CompactReader& r) {
  SchemaElement e;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: e.type = ReadI32Field(r, type); break;
      case 2: e.type_length = ReadI32Field(r, type); break;
      case 3: e.repetition = ReadI32Field(r, type); break;
      case 4: e.name = ReadStringField(r, type); break;
      case 5: e.num_children = ReadI32Field(r, type); break;
      case 6: e.converted_type = ReadI32Field(r, type); break;
      case 10:
        if (type == kStruct) {
          ReadLogicalType(r, &e);
        } else {
          r.Skip(type, 1);
        }
        break;
      default: r.Skip(type, 1);
    }
  });
  return e;
}

template <typename T, typename F>
std::vector<T> ReadList(CompactReader& r, uint8_t type, uint8_t want_elem, F&& read_elem) {
  std::vector<T> out;
  if (type != kListT && type != kSetT) {
    r.Skip(type, 1);
    r.Fail("expected a list");
    return out;
  }
  auto [n, et] = r.ListHeader();
  if (et != want_elem && n > 0 && !(IsInt(et) && IsInt(want_elem))) {
    r.Fail("list of unexpected element type");
    return out;
  }
  out.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(read_elem(et));
  return out;
}

ColumnMetaData ReadColumnMetaData(CompactReader& r) {
  ColumnMetaData m;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: m.type = ReadI32Field(r, type); break;
      case 2: m.encodings = ReadList<int32_t>(r, type, kI32, [&](uint8_t et) { return ReadI32Field(r, et); }); break;
      case 3:
        m.path = ReadList<std::string>(r, type, kBinary, [&](uint8_t et) { return ReadStringField(r, et); });
        break;
      case 4: m.codec = ReadI32Field(r, type); break;
      case 5: m.num_values = ReadI64Field(r, type); break;
      case 6: m.total_uncompressed_size = ReadI64Field(r, type); break;
      case 7: m.total_compressed_size = ReadI64Field(r, type); break;
      case 9: m.data_page_offset = ReadI64Field(r, type); break;
      case 11: m.dictionary_page_offset = ReadI64Field(r, type); break;
      default: r.Skip(type, 1);
    }
  });
  return m;
}

ColumnChunk ReadColumnChunk(CompactReader& r) {
  ColumnChunk c;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: c.file_path = ReadStringField(r, type); break;
      case 2: c.file_offset = ReadI64Field(r, type); break;
      case 3:
        if (type == kStruct) {
          c.meta = ReadColumnMetaData(r);
          c.has_meta = true;
        } else {
          r.Skip(type, 1);
        }
        break;
      default: r.Skip(type, 1);
    }
  });
  return c;
}

RowGroup ReadRowGroup(CompactReader& r) {
  RowGroup g;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: g.columns = ReadList<ColumnChunk>(r, type, kStruct, [&](uint8_t) { return ReadColumnChunk(r); }); break;
      case 2: g.total_byte_size = ReadI64Field(r, type); break;
      case 3: g.num_rows = ReadI64Field(r, type); break;
      default: r.Skip(type, 1);
    }
  });
  return g;
}

KeyValue ReadKeyValue(CompactReader& r) {
  KeyValue kv;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (id == 1) {
      kv.key = ReadStringField(r, type);
    } else if (id == 2) {
      kv.value = ReadStringField(r, type);
    } else {
      r.Skip(type, 1);
    }
  });
  return kv;
}

// ---- writer ----

class CompactWriter {
 public:
  std::string& out() { return out_; }

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Zigzag(int64_t v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }

  void Field(int16_t id, uint8_t type) {
    int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      out_.push_back(static_cast<char>((delta << 4) | type));
    } else {
      out_.push_back(static_cast<char>(type));
      Zigzag(id);
    }
    last_.back() = id;
  }
  void I32(int16_t id, int32_t v) {
    Field(id, kI32);
    Zigzag(v);
  }
  void I64(int16_t id, int64_t v) {
    Field(id, kI64);
    Zigzag(v);
  }
  void Bool(int16_t id, bool v) { Field(id, v ? kTrue : kFalse); }
  void String(int16_t id, std::string_view s) {
    Field(id, kBinary);
    RawString(s);
  }
  void RawString(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }
  void ListBegin(int16_t id, uint8_t elem_type, size_t n) {
    Field(id, kListT);
    RawListHeader(elem_type, n);
  }
  void RawListHeader(uint8_t elem_type, size_t n) {
    if (n < 15) {
      out_.push_back(static_cast<char>((n << 4) | elem_type));
    } else {
      out_.push_back(static_cast<char>(0xf0 | elem_type));
      Varint(n);
    }
  }
  void StructBegin(int16_t id) {
    Field(id, kStruct);
    last_.push_back(0);
  }
  void ListStructBegin() { last_.push_back(0); }
  void StructEnd() {
    out_.push_back(0);
    last_.pop_back();
  }

 private:
  std::string out_;
  std::vector<int16_t> last_{0};
};

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.ListStructBegin();
  if (e.type) w.I32(1, *e.type);
  if (e.type_length) w.I32(2, e.type_length);
  if (e.repetition) w.I32(3, *e.repetition);
  w.String(4, e.name);
  if (e.num_children) w.I32(5, e.num_children);
  if (e.converted_type) w.I32(6, *e.converted_type);
  if (e.logical != kLogicalNone) {
    w.StructBegin(10);
    w.StructBegin(static_cast<int16_t>(e.logical));
    if (e.logical == kLogicalTimestamp || e.logical == kLogicalTime) {
      w.Bool(1, e.logical_utc);
      w.StructBegin(2);
      w.StructBegin(static_cast<int16_t>(e.logical_unit));
      w.StructEnd();
      w.StructEnd();
    }
    w.StructEnd();
    w.StructEnd();
  }
  w.StructEnd();
}

}  // namespace

Result<FileMetaData> ParseFileMetaData(std::string_view bytes) {
  CompactReader r(bytes);
  FileMetaData md;
  bool have_schema = false, have_rows = false, have_groups = false;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: md.version = ReadI32Field(r, type); break;
      case 2:
        md.schema = ReadList<SchemaElement>(r, type, kStruct, [&](uint8_t) { return ReadSchemaElement(r); });
        have_schema = true;
        break;
      case 3:
        md.num_rows = ReadI64Field(r, type);
        have_rows = true;
        break;
      case 4:
        md.row_groups = ReadList<RowGroup>(r, type, kStruct, [&](uint8_t) { return ReadRowGroup(r); });
        have_groups = true;
        break;
      case 5: md.key_value = ReadList<KeyValue>(r, type, kStruct, [&](uint8_t) { return ReadKeyValue(r); }); break;
      case 6: md.created_by = ReadStringField(r, type); break;
      default: r.Skip(type, 1);
    }
  });
  if (!r.ok()) return DataLoss("corrupt footer: " + r.error());
  if (!have_schema || !have_rows || !have_groups) {
    return DataLoss("corrupt footer: missing schema, num_rows or row_groups");
  }
  return md;
}

Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t* consumed) {
  CompactReader r(bytes);
  PageHeader ph;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1: ph.type = ReadI32Field(r, type); break;
      case 2: ph.uncompressed_page_size = ReadI32Field(r, type); break;
      case 3: ph.compressed_page_size = ReadI32Field(r, type); break;
      case 5:
        if (type != kStruct) {
          r.Skip(type, 1);
          break;
        }
        ph.data_page.emplace();
        ReadStruct(r, [&](int16_t fid, uint8_t ft) {
          switch (fid) {
            case 1: ph.data_page->num_values = ReadI32Field(r, ft); break;
            case 2: ph.data_page->encoding = ReadI32Field(r, ft); break;
            case 3: ph.data_page->definition_level_encoding = ReadI32Field(r, ft); break;
            case 4: ph.data_page->repetition_level_encoding = ReadI32Field(r, ft); break;
            default: r.Skip(ft, 2);
          }
        });
        break;
      case 7:
        if (type != kStruct) {
          r.Skip(type, 1);
          break;
        }
        ph.dictionary_page.emplace();
        ReadStruct(r, [&](int16_t fid, uint8_t ft) {
          switch (fid) {
            case 1: ph.dictionary_page->num_values = ReadI32Field(r, ft); break;
            case 2: ph.dictionary_page->encoding = ReadI32Field(r, ft); break;
            default: r.Skip(ft, 2);
          }
        });
        break;
      case 8:
        if (type != kStruct) {
          r.Skip(type, 1);
          break;
        }
        ph.data_page_v2.emplace();
        ReadStruct(r, [&](int16_t fid, uint8_t ft) {
          auto& v2 = *ph.data_page_v2;
          switch (fid) {
            case 1: v2.num_values = ReadI32Field(r, ft); break;
            case 2: v2.num_nulls = ReadI32Field(r, ft); break;
            case 3: v2.num_rows = ReadI32Field(r, ft); break;
            case 4: v2.encoding = ReadI32Field(r, ft); break;
            case 5: v2.definition_levels_byte_length = ReadI32Field(r, ft); break;
            case 6: v2.repetition_levels_byte_length = ReadI32Field(r, ft); break;
            case 7:
              if (ft == kTrue || ft == kFalse) {
                v2.is_compressed = r.BoolField(ft);
              } else {
                r.Skip(ft, 2);
              }
              break;
            default: r.Skip(ft, 2);
          }
        });
        break;
      default: r.Skip(type, 1);
    }
  });
  if (!r.ok()) return DataLoss("corrupt page header: " + r.error());
  *consumed = r.consumed();
  return ph;
}

std::string SerializeFileMetaData(const FileMetaData& md) {
  CompactWriter w;
  w.I32(1, md.version);
  w.ListBegin(2, kStruct, md.schema.size());
  for (const auto& e : md.schema) WriteSchemaElement(w, e);
  w.I64(3, md.num_rows);
  w.ListBegin(4, kStruct, md.row_groups.size());
  for (const auto& g : md.row_groups) {
    w.ListStructBegin();
    w.ListBegin(1, kStruct, g.columns.size());
    for (const auto& c : g.columns) {
      w.ListStructBegin();
      if (!c.file_path.empty()) w.String(1, c.file_path);
      w.I64(2, c.file_offset);
      w.StructBegin(3);
      const auto& m = c.meta;
      w.I32(1, m.type);
      w.ListBegin(2, kI32, m.encodings.size());
      for (int32_t e : m.encodings) w.Zigzag(e);
      w.ListBegin(3, kBinary, m.path.size());
      for (const auto& p : m.path) w.RawString(p);
      w.I32(4, m.codec);
      w.I64(5, m.num_values);
      w.I64(6, m.total_uncompressed_size);
      w.I64(7, m.total_compressed_size);
      w.I64(9, m.data_page_offset);
      if (m.dictionary_page_offset) w.I64(11, *m.dictionary_page_offset);
      w.StructEnd();
      w.StructEnd();
    }
    w.I64(2, g.total_byte_size);
    w.I64(3, g.num_rows);
    w.StructEnd();
  }
  if (!md.key_value.empty()) {
    w.ListBegin(5, kStruct, md.key_value.size());
    for (const auto& kv : md.key_value) {
      w.ListStructBegin();
      w.String(1, kv.key);
      if (kv.value) w.String(2, *kv.value);
      w.StructEnd();
    }
  }
  if (!md.created_by.empty()) w.String(6, md.created_by);
  w.out().push_back(0);  // end of FileMetaData
  return std::move(w.out());
}

std::string SerializePageHeader(const PageHeader& ph) {
  CompactWriter w;
  w.I32(1, ph.type);
  w.I32(2, ph.uncompressed_page_size);
  w.I32(3, ph.compressed_page_size);
  if (ph.data_page) {
    w.StructBegin(5);
    w.I32(1, ph.data_page->num_values);
    w.I32(2, ph.data_page->encoding);
    w.I32(3, ph.data_page->definition_level_encoding);
    w.I32(4, ph.data_page->repetition_level_encoding);
    w.StructEnd();
  }
  if (ph.dictionary_page) {
    w.StructBegin(7);
    w.I32(1, ph.dictionary_page->num_values);
    w.I32(2, ph.dictionary_page->encoding);
    w.StructEnd();
  }
  if (ph.data_page_v2) {
    const auto& v2 = *ph.data_page_v2;
    w.StructBegin(8);
    w.I32(1, v2.num_values);
    w.I32(2, v2.num_nulls);
    w.I32(3, v2.num_rows);
    w.I32(4, v2.encoding);
    w.I32(5, v2.definition_levels_byte_length);
    w.I32(6, v2.repetition_levels_byte_length);
    w.Bool(7, v2.is_compressed);
    w.StructEnd();
  }
  w.out().push_back(0);
  return std::move(w.out());
}

Result<std::string_view> FooterBytes(std::string_view file) {
  if (file.size() < 12) {
    return DataLoss("not a Parquet file: only " + std::to_string(file.size()) + " bytes");
  }
  if (file.substr(0, 4) != "PAR1") return DataLoss("not a Parquet file: no PAR1 magic at the start");
  std::string_view tail = file.substr(file.size() - 4);
  if (tail == "PARE") return Unimplemented("encrypted Parquet files are not supported");
  if (tail != "PAR1") return DataLoss("not a Parquet file or truncated: no PAR1 magic at the end");
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);  // little-endian hosts only (x86-64, arm64)
  if (len == 0 || len > file.size() - 12) {
    return DataLoss("corrupt footer: footer length " + std::to_string(len) + " does not fit in a file of " +
                    std::to_string(file.size()) + " bytes");
  }
  return file.substr(file.size() - 8 - len, len);
}

const char* CodecName(int32_t codec) {
  switch (codec) {
    case kUncompressed: return "UNCOMPRESSED";
    case kSnappy: return "SNAPPY";
    case kGzip: return "GZIP";
    case kLzo: return "LZO";
    case kBrotli: return "BROTLI";
    case kLz4: return "LZ4";
    case kZstd: return "ZSTD";
    case kLz4Raw: return "LZ4_RAW";
    default: return "unknown";
  }
}

const char* EncodingName(int32_t encoding) {
  switch (encoding) {
    case kPlain: return "PLAIN";
    case kPlainDictionary: return "PLAIN_DICTIONARY";
    case kRle: return "RLE";
    case kBitPacked: return "BIT_PACKED";
    case kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case kRleDictionary: return "RLE_DICTIONARY";
    case kByteStreamSplit: return "BYTE_STREAM_SPLIT";
    default: return "unknown";
  }
}

const char* TypeName(int32_t type) {
  switch (type) {
    case kBoolean: return "BOOLEAN";
    case kInt32: return "INT32";
    case kInt64: return "INT64";
    case kInt96: return "INT96";
    case kFloat: return "FLOAT";
    case kDouble: return "DOUBLE";
    case kByteArray: return "BYTE_ARRAY";
    case kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
    default: return "unknown";
  }
}

}  // namespace huracan::data::parquet
