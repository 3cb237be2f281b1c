#include "data/parquet_codec.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <limits>

#include "data/parquet_format.h"

namespace huracan::data::parquet {
namespace {

Status Gunzip(std::string_view in, size_t expected_size, std::string* out) {
  if (in.size() > std::numeric_limits<uInt>::max() || expected_size > std::numeric_limits<uInt>::max()) {
    return DataLoss("GZIP page larger than 4 GiB");
  }
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Internal("zlib inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(expected_size);
  Status status;
  while (true) {
    int rc = inflate(&zs, Z_FINISH);
    if (rc == Z_OK) continue;  // progress made; keep going
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are allowed.
      if (zs.avail_in == 0 || zs.avail_out == 0) break;
      if (inflateReset(&zs) != Z_OK) {
        status = DataLoss("GZIP stream reset failed");
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
      status = DataLoss("GZIP page decompresses to more than the " + std::to_string(expected_size) +
                        " bytes its header declares");
    } else {
      status = DataLoss(std::string("GZIP data corrupt: ") + (zs.msg ? zs.msg : "inflate error " + std::to_string(rc)));
    }
    break;
  }
  size_t produced = expected_size - zs.avail_out;
  inflateEnd(&zs);
  if (!status.ok()) return status;
  if (produced != expected_size) {
    return DataLoss("GZIP page decompressed to " + std::to_string(produced) + " bytes, header declares " +
                    std::to_string(expected_size));
  }
  return Status::Ok();
}

}  // namespace

Decompressor::Decompressor() : zstd_(ZSTD_createDCtx()) {}
Decompressor::~Decompressor() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(zstd_)); }

bool Decompressor::Supports(int32_t codec) const {
  return codec == kUncompressed || codec == kSnappy || codec == kGzip || codec == kZstd;
}

Status Decompressor::Decompress(int32_t codec, std::string_view in, size_t expected_size, std::string* out) {
  // Sizes recorded inside the compressed data are checked before the buffer is allocated.
  // (resize zero-fills; that is cheap next to decompression.)
  switch (codec) {
    case kUncompressed:
      if (in.size() != expected_size) {
        return DataLoss("uncompressed page is " + std::to_string(in.size()) + " bytes, header declares " +
                        std::to_string(expected_size));
      }
      out->assign(in.data(), in.size());
      return Status::Ok();
    case kZstd: {
      if (zstd_ == nullptr) return Internal("ZSTD_createDCtx failed");
      unsigned long long frame = ZSTD_getFrameContentSize(in.data(), in.size());
      if (frame == ZSTD_CONTENTSIZE_ERROR) return DataLoss("ZSTD data corrupt: bad frame header");
      // A page may hold several frames, so a smaller first frame is not an error by itself.
      if (frame != ZSTD_CONTENTSIZE_UNKNOWN && frame > expected_size) {
        return DataLoss("ZSTD frame holds " + std::to_string(frame) + " bytes, page header declares " +
                        std::to_string(expected_size));
      }
      out->resize(expected_size);
      size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(zstd_), out->data(), expected_size, in.data(), in.size());
      if (ZSTD_isError(n)) return DataLoss(std::string("ZSTD data corrupt: ") + ZSTD_getErrorName(n));
      if (n != expected_size) {
        return DataLoss("ZSTD page decompressed to " + std::to_string(n) + " bytes, header declares " +
                        std::to_string(expected_size));
      }
      return Status::Ok();
    }
    case kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(in.data(), in.size(), &n)) return DataLoss("SNAPPY data corrupt: bad length");
      if (n != expected_size) {
        return DataLoss("SNAPPY page holds " + std::to_string(n) + " bytes, header declares " +
                        std::to_string(expected_size));
      }
      out->resize(expected_size);
      if (!snappy::RawUncompress(in.data(), in.size(), out->data())) return DataLoss("SNAPPY data corrupt");
      return Status::Ok();
    }
    case kGzip: out->resize(expected_size); return Gunzip(in, expected_size, out);
    default: return Unimplemented(std::string("codec ") + CodecName(codec) + " is not supported");
  }
}

Status ZstdCompress(std::string_view in, int level, std::string* out) {
  size_t bound = ZSTD_compressBound(in.size());
  size_t old = out->size();
  out->resize(old + bound);
  size_t n = ZSTD_compress(out->data() + old, bound, in.data(), in.size(), level);
  if (ZSTD_isError(n)) {
    out->resize(old);
    return Internal(std::string("ZSTD compression failed: ") + ZSTD_getErrorName(n));
  }
  out->resize(old + n);
  return Status::Ok();
}

}  // namespace huracan::data::parquet
