#include "storage/sigv4.h"

#include <algorithm>
#include <ctime>

#include "core/sha256.h"

namespace huracan::storage {
namespace {

std::string Scope(const SigV4Key& key, const std::string& amz_date) {
  return amz_date.substr(0, 8) + "/" + key.region + "/" + key.service + "/aws4_request";
}

std::string SignedHeaderNames(const SigV4Request& request) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ";") + n;
  return out;
}

std::string Trimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return std::string(v);
}

}  // namespace

std::string SigV4UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string SigV4AmzDate(int64_t epoch_s) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string SigV4CanonicalQuery(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [name, value] : query) {
    name = SigV4UriEncode(name, false);
    value = SigV4UriEncode(value, false);
  }
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [name, value] : query) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

std::string SigV4Signature(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date) {
  auto headers = request.headers;
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  for (const auto& [name, value] : headers) canonical_headers += name + ":" + Trimmed(value) + "\n";
  const std::string canonical_request = request.method + "\n" + request.canonical_uri + "\n" +
                                        SigV4CanonicalQuery(request.query) + "\n" + canonical_headers + "\n" +
                                        SignedHeaderNames(request) + "\n" + request.payload_sha256;
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + Scope(key, amz_date) + "\n" + Sha256Hex(canonical_request);
  std::string k = HmacSha256("AWS4" + key.secret_access_key, amz_date.substr(0, 8));
  k = HmacSha256(k, key.region);
  k = HmacSha256(k, key.service);
  k = HmacSha256(k, "aws4_request");
  return HexLower(HmacSha256(k, string_to_sign));
}

std::string SigV4Authorization(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date) {
  return "AWS4-HMAC-SHA256 Credential=" + key.access_key_id + "/" + Scope(key, amz_date) +
         ", SignedHeaders=" + SignedHeaderNames(request) + ", Signature=" + SigV4Signature(request, key, amz_date);
}

std::string SigV4PresignQuery(const std::string& host, const std::string& canonical_uri, const SigV4Key& key,
                              const std::string& amz_date, int64_t expires_s) {
  SigV4Request req;
  req.method = "GET";
  req.canonical_uri = canonical_uri;
  req.query = {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
               {"X-Amz-Credential", key.access_key_id + "/" + Scope(key, amz_date)},
               {"X-Amz-Date", amz_date},
               {"X-Amz-Expires", std::to_string(expires_s)},
               {"X-Amz-SignedHeaders", "host"}};
  req.headers = {{"host", host}};
  req.payload_sha256 = "UNSIGNED-PAYLOAD";
  const std::string signature = SigV4Signature(req, key, amz_date);
  return SigV4CanonicalQuery(req.query) + "&X-Amz-Signature=" + signature;
}

}  // namespace huracan::storage
