// Page compression for the Parquet reader and writer: UNCOMPRESSED, SNAPPY, GZIP, ZSTD.
// Decompression never writes past `expected_size` and fails unless it produces exactly that many
// bytes, so a lying page header cannot overflow a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan::data::parquet {

// Reusable decompression state (one ZSTD context, one zlib stream); not thread-safe.
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  bool Supports(int32_t codec) const;
  // Decompresses `in` into `out` (resized to `expected_size`). Errors name the codec only.
  Status Decompress(int32_t codec, std::string_view in, size_t expected_size, std::string* out);

 private:
  void* zstd_;  // ZSTD_DCtx*
};

// ZSTD-compresses `in` at `level`, appending to `out`.
Status ZstdCompress(std::string_view in, int level, std::string* out);

}  // namespace huracan::data::parquet
