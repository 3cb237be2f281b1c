// Parquet file-format internals: the Thrift compact protocol and the metadata structs we use.
// Internal to the data module (the public API is data/parquet.h); the benchmark and the fuzz
// target also use it to reach the raw pages.
//
// Every parser is bounds-checked: a corrupt or hostile footer gives an error, never UB.
// Declared list sizes are checked against the bytes left before anything is reserved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::data::parquet {

// Enum values as in parquet.thrift.
enum Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7
};
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7
};
enum Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9
};
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };
// ConvertedType values we look at.
enum Converted : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32Conv = 17,
  kInt64Conv = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21
};
// LogicalType union member ids.
enum Logical : int32_t {
  kLogicalNone = 0,
  kLogicalString = 1,
  kLogicalMap = 2,
  kLogicalList = 3,
  kLogicalEnum = 4,
  kLogicalDecimal = 5,
  kLogicalDate = 6,
  kLogicalTime = 7,
  kLogicalTimestamp = 8,
  kLogicalInteger = 10,
  kLogicalUnknown = 11,
  kLogicalJson = 12,
  kLogicalBson = 13,
  kLogicalUuid = 14,
  kLogicalFloat16 = 15
};
// TimeUnit union member ids (TIMESTAMP / TIME logical types).
enum Unit : int32_t { kUnitNone = 0, kUnitMillis = 1, kUnitMicros = 2, kUnitNanos = 3 };

struct SchemaElement {
  std::optional<int32_t> type;
  int32_t type_length = 0;
  std::optional<int32_t> repetition;
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  int32_t logical = kLogicalNone;    // LogicalType union member, or kLogicalNone
  int32_t logical_unit = kUnitNone;  // for TIMESTAMP / TIME
  bool logical_utc = true;
  int32_t integer_bits = 0;  // for INTEGER
  bool integer_signed = true;
};

struct ColumnMetaData {
  int32_t type = -1;
  std::vector<int32_t> encodings;
  std::vector<std::string> path;
  int32_t codec = kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
};

struct ColumnChunk {
  std::string file_path;
  int64_t file_offset = 0;
  bool has_meta = false;
  ColumnMetaData meta;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value;
  std::string created_by;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = kPlain;
  int32_t definition_level_encoding = kRle;
  int32_t repetition_level_encoding = kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

// Parses the Thrift-encoded footer (the bytes between the data and the trailing length + magic).
// Errors do not name the file: the caller prefixes it.
Result<FileMetaData> ParseFileMetaData(std::string_view bytes);
// Parses one page header at the start of `bytes`; `*consumed` gets its encoded length.
Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t* consumed);

std::string SerializeFileMetaData(const FileMetaData& md);
std::string SerializePageHeader(const PageHeader& ph);

// Checks the magic bytes and the footer length; returns the footer's bytes.
Result<std::string_view> FooterBytes(std::string_view file);

const char* CodecName(int32_t codec);
const char* EncodingName(int32_t encoding);
const char* TypeName(int32_t type);

}  // namespace huracan::data::parquet
