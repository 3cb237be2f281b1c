// Object store: the archive's only view of where bytes live: a local folder or an S3-compatible
// bucket, behind the same interface. Keys are relative, '/'-separated paths
// ("models/BTCUSDT/20251108T020000Z/model.bin"); ValidateKey() defines what is allowed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::storage {

// A key is 1..1024 bytes of '/'-separated segments. Refused: empty keys or segments, a leading
// '/', "." and ".." segments, backslashes, control characters, and segments starting with
// ".tmp-" (reserved for in-flight writes).
Status ValidateKey(std::string_view key);

// Implementations are not copyable. A single instance may be used from several threads; writes
// of the same key from several writers are last-writer-wins, and never leave a torn object.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  ObjectStore() = default;
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // Stores `bytes` under `key` atomically: a reader sees the old object or the new one, never a mix.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // NotFound when the key does not exist.
  virtual Result<std::string> Get(const std::string& key) const = 0;
  virtual Result<bool> Exists(const std::string& key) const = 0;
  // Lowercase hex SHA-256 of the object's bytes. NotFound when missing.
  virtual Result<std::string> Checksum(const std::string& key) const = 0;
  // Every key that starts with `prefix` (plain string prefix; "" lists everything), sorted
  // bytewise ascending. A missing prefix is an empty list, not an error.
  virtual Result<std::vector<std::string>> List(const std::string& prefix) const = 0;
  // Deleting a missing key is OK (idempotent).
  virtual Status Delete(const std::string& key) = 0;
  // A URL for logs and error messages, never holding secrets ("file:///abs/archive").
  virtual std::string Describe() const = 0;
  // A URL a reader elsewhere can GET for `expiry_seconds` (S3: presigned). The local store
  // returns a file:// URL; stores that cannot do it return Unimplemented.
  virtual Result<std::string> UrlFor(const std::string& key, int64_t expiry_seconds) const;
};

// "DIR", "file:DIR" or "file://DIR" -> LocalObjectStore rooted at DIR (created when missing).
// "s3://bucket/prefix" -> S3ObjectStore (storage/s3_store.h; endpoint, region and credentials from
// the environment). Other schemes are Unimplemented.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url);

// Copies every object under `from_prefix` to the same relative key under `to_prefix`.
Status CopyPrefix(ObjectStore& store, const std::string& from_prefix, const std::string& to_prefix);

}  // namespace huracan::storage
