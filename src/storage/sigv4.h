// AWS Signature Version 4 for S3 (header signing and presigned query strings), on core/sha256.h's
// HMAC-SHA256 (OpenSSL). Pure functions: the time is an argument, so tests can check them against AWS's
// published examples.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huracan::storage {

struct SigV4Key {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};

// A request to sign. `canonical_uri` is the path already URI-encoded once (S3 style: each
// segment encoded, '/' kept). Query values are raw; they are encoded here. Header names must
// be lowercase; every header given is signed (host must be one of them).
struct SigV4Request {
  std::string method;
  std::string canonical_uri;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex, or "UNSIGNED-PAYLOAD"
};

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX
// (uppercase hex, so a space is %20 and '~' stays); '/' kept when `keep_slash`.
std::string SigV4UriEncode(std::string_view s, bool keep_slash);
// "20130524T000000Z" for a Unix time in seconds.
std::string SigV4AmzDate(int64_t epoch_s);
// The canonical query string: pairs encoded and sorted by name, then value.
std::string SigV4CanonicalQuery(std::vector<std::pair<std::string, std::string>> query);
// The hex signature of `request` at `amz_date`.
std::string SigV4Signature(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date);
// The Authorization header value ("AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…").
std::string SigV4Authorization(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date);
// The query string of a presigned GET of `canonical_uri` on `host`, valid `expires_s` seconds
// from `amz_date` (X-Amz-Algorithm … X-Amz-Signature, already encoded; no leading '?').
std::string SigV4PresignQuery(const std::string& host, const std::string& canonical_uri, const SigV4Key& key,
                              const std::string& amz_date, int64_t expires_s);

}  // namespace huracan::storage
