// S3-compatible object store (AWS S3, Cloudflare R2, MinIO, s3rver): "s3://bucket/prefix". Key
// "a/b" is the object "prefix/a/b" of the bucket. Requests go through libcurl, signed with SigV4
// (storage/sigv4.h). Every Put stores the SHA-256 of the bytes as the object metadata
// x-amz-meta-sha256; Get verifies it. Transient failures (5xx, 429, connection refused or reset,
// timeouts) are retried with exponential backoff and jitter; other 4xx answers are not. Errors
// name the bucket, the key and the HTTP status; credentials never appear in them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/backoff.h"
#include "storage/object_store.h"
#include "storage/sigv4.h"

namespace huracan::storage {

struct S3Config {
  std::string bucket;
  std::string prefix;               // no leading or trailing '/'; "" = the whole bucket
  std::string endpoint;             // "http://127.0.0.1:9000", "https://ACCOUNT.r2.cloudflarestorage.com"; "" = AWS
  bool path_style = true;           // https://ENDPOINT/bucket/key, else https://bucket.ENDPOINT/key
  SigV4Key key;                     // credentials and region
  RetryPolicy retry{4, 200, 5000};  // 4 retries after the first attempt, 200 ms doubling, cap 5 s
  int64_t timeout_ms = 30000;       // whole request
  int64_t connect_timeout_ms = 5000;

  // Reads "s3://bucket[/prefix]" and the environment: S3_ENDPOINT, AWS_REGION or S3_REGION
  // (default us-east-1), S3_ADDRESSING=path|virtual (default: path with an endpoint, else
  // virtual), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (both required), S3_RETRIES,
  // S3_TIMEOUT_MS. `getenv` is injectable for tests.
  static Result<S3Config> FromUrl(const std::string& url,
                                  const std::function<const char*(const char*)>& getenv = nullptr);
};

class S3ObjectStore final : public ObjectStore {
 public:
  static Result<std::unique_ptr<S3ObjectStore>> Open(S3Config config);
  ~S3ObjectStore() override;

  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) const override;
  Result<bool> Exists(const std::string& key) const override;
  Result<std::string> Checksum(const std::string& key) const override;
  Result<std::vector<std::string>> List(const std::string& prefix) const override;
  Status Delete(const std::string& key) override;
  std::string Describe() const override;  // "s3://bucket/prefix"
  // A presigned GET URL valid for `expiry_seconds` (1..604800) from now.
  Result<std::string> UrlFor(const std::string& key, int64_t expiry_seconds) const override;
  // The same at a given time (seconds since the epoch), for tests.
  Result<std::string> PresignedGetUrl(const std::string& key, int64_t expiry_seconds, int64_t now_s) const;

  const S3Config& config() const { return config_; }

 private:
  explicit S3ObjectStore(S3Config config);
  struct Reply;
  // One request with retries. `key` is the store key (for errors); `object` the full object
  // name in the bucket ("" for bucket-level requests).
  Result<Reply> Send(const std::string& method, const std::string& key, const std::string& object,
                     const std::vector<std::pair<std::string, std::string>>& query, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& extra_headers) const;
  std::string ObjectName(const std::string& key) const;
  std::string Host() const;
  std::string Scheme() const;
  std::string CanonicalUri(const std::string& object) const;

  S3Config config_;
};

}  // namespace huracan::storage
