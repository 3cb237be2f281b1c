#include "storage/s3_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/sha256.h"
#include "core/strings.h"

namespace huracan::storage {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kChecksumHeader[] = "x-amz-meta-sha256";
constexpr int64_t kMaxPresignSeconds = 7 * 24 * 3600;  // SigV4's limit

// The text of the first <tag>…</tag> in `xml` after `from`, XML entities decoded.
std::string XmlText(const std::string& xml, const std::string& tag, size_t* from = nullptr) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t start = xml.find(open, from ? *from : 0);
  if (start == std::string::npos) {
    if (from) *from = std::string::npos;
    return "";
  }
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string::npos) end = xml.size();
  if (from) *from = end;
  std::string raw = xml.substr(start, end - start), out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    size_t semi = raw.find(';', i);
    if (semi == std::string::npos) {
      out += raw[i];
      continue;
    }
    std::string ent = raw.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (!ent.empty() && ent[0] == '#') {
      long cp = ent.size() > 1 && ent[1] == 'x' ? std::strtol(ent.c_str() + 2, nullptr, 16)
                                                : std::strtol(ent.c_str() + 1, nullptr, 10);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      out += raw.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

bool TransientCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
}

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[Lower(line.substr(0, colon))] = value;
  }
  return size * n;
}

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

struct S3ObjectStore::Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
};

Result<S3Config> S3Config::FromUrl(const std::string& url, const std::function<const char*(const char*)>& getenv) {
  auto env = [&](const char* name) -> std::string {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  if (url.rfind("s3://", 0) != 0) return InvalidArgument("object store '" + url + "': not an s3:// URL");
  S3Config c;
  std::string rest = url.substr(5);
  size_t slash = rest.find('/');
  c.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) c.prefix = rest.substr(slash + 1);
  while (!c.prefix.empty() && c.prefix.back() == '/') c.prefix.pop_back();
  if (c.bucket.empty() || c.bucket.size() > 63 || !std::all_of(c.bucket.begin(), c.bucket.end(), [](char ch) {
        return std::islower(static_cast<unsigned char>(ch)) || std::isdigit(ch) || ch == '-' || ch == '.';
      })) {
    return InvalidArgument("object store '" + url + "': bad bucket name (3-63 of a-z, 0-9, '-', '.')");
  }
  if (!c.prefix.empty()) HURACAN_RETURN_IF_ERROR_CTX(ValidateKey(c.prefix), "object store '" + url + "'");
  c.endpoint = env("S3_ENDPOINT");
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (!c.endpoint.empty() && c.endpoint.find("://") == std::string::npos) c.endpoint = "https://" + c.endpoint;
  c.key.region = env("AWS_REGION");
  if (c.key.region.empty()) c.key.region = env("S3_REGION");
  if (c.key.region.empty()) c.key.region = "us-east-1";
  const std::string addressing = env("S3_ADDRESSING");
  if (addressing.empty()) {
    c.path_style = !c.endpoint.empty();
  } else if (addressing == "path" || addressing == "virtual") {
    c.path_style = addressing == "path";
  } else {
    return InvalidArgument("S3_ADDRESSING='" + addressing + "': use path or virtual");
  }
  c.key.access_key_id = env("AWS_ACCESS_KEY_ID");
  c.key.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  if (c.key.access_key_id.empty() || c.key.secret_access_key.empty()) {
    return FailedPrecondition("object store '" + url + "': AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
  }
  auto int_env = [&](const char* name, int64_t lo, int64_t hi, auto* out) -> Status {
    const std::string v = env(name);
    if (v.empty()) return Status::Ok();
    char* end = nullptr;
    long long x = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0' || x < lo || x > hi) {
      return InvalidArgument(std::string(name) + "='" + v + "': expected an integer in [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + "]");
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(x);
    return Status::Ok();
  };
  HURACAN_RETURN_IF_ERROR(int_env("S3_RETRIES", 0, 20, &c.retry.retries));
  HURACAN_RETURN_IF_ERROR(int_env("S3_TIMEOUT_MS", 100, 3600000, &c.timeout_ms));
  return c;
}

S3ObjectStore::S3ObjectStore(S3Config config) : config_(std::move(config)) {}
S3ObjectStore::~S3ObjectStore() = default;

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(S3Config config) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (config.bucket.empty()) return InvalidArgument("s3 object store: empty bucket");
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(std::move(config)));
}

std::string S3ObjectStore::Describe() const {
  return "s3://" + config_.bucket + (config_.prefix.empty() ? "" : "/" + config_.prefix);
}

std::string S3ObjectStore::ObjectName(const std::string& key) const {
  return config_.prefix.empty() ? key : config_.prefix + "/" + key;
}

std::string S3ObjectStore::Scheme() const {
  if (config_.endpoint.empty()) return "https";
  return config_.endpoint.substr(0, config_.endpoint.find("://"));
}

std::string S3ObjectStore::Host() const {
  std::string host = config_.endpoint.empty() ? "s3." + config_.key.region + ".amazonaws.com"
                                              : config_.endpoint.substr(config_.endpoint.find("://") + 3);
  host = host.substr(0, host.find('/'));
  return config_.path_style ? host : config_.bucket + "." + host;
}

std::string S3ObjectStore::CanonicalUri(const std::string& object) const {
  const std::string path = SigV4UriEncode(object, true);
  return config_.path_style ? "/" + config_.bucket + (object.empty() ? "" : "/" + path) : "/" + path;
}

Result<S3ObjectStore::Reply> S3ObjectStore::Send(
    const std::string& method, const std::string& key, const std::string& object,
    const std::vector<std::pair<std::string, std::string>>& query, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& extra_headers) const {
  const std::string what = Describe() + ": " + method + " '" + key + "'";
  const std::string host = Host();
  const std::string uri = CanonicalUri(object);
  const std::string query_string = SigV4CanonicalQuery(query);
  const std::string url = Scheme() + "://" + host + uri + (query_string.empty() ? "" : "?" + query_string);
  const std::string payload_sha = body.empty() ? kEmptySha256 : Sha256Hex(body);
  const int attempts = 1 + std::max(0, config_.retry.retries);
  std::string last;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(config_.retry.JitteredBackoffMs(attempt - 1, UnitRandom())));
    }
    SigV4Request req{method, uri, query, {{"host", host}, {"x-amz-content-sha256", payload_sha}}, payload_sha};
    const std::string amz_date = SigV4AmzDate(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    req.headers.emplace_back("x-amz-date", amz_date);
    for (const auto& h : extra_headers) req.headers.push_back(h);
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : req.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
    headers = curl_slist_append(headers, ("Authorization: " + SigV4Authorization(req, config_.key, amz_date)).c_str());
    headers = curl_slist_append(headers, "Expect:");
    if (method == "PUT") headers = curl_slist_append(headers, "Content-Type: application/octet-stream");

    Reply reply;
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
    if (method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);

    if (rc != CURLE_OK) {
      last = "HTTP status none (" + std::string(errbuf[0] ? errbuf : curl_easy_strerror(rc)) + ")";
      if (TransientCurlError(rc)) continue;
      return Unavailable(what + ": " + last);
    }
    if (reply.status < 300 || (method == "HEAD" && reply.status == 404)) return reply;
    std::string detail;
    if (std::string code = XmlText(reply.body, "Code"); !code.empty()) {
      detail = " (" + code + ": " + XmlText(reply.body, "Message") + ")";
    }
    last = "HTTP " + std::to_string(reply.status) + detail;
    if (reply.status >= 500 || reply.status == 429) continue;
    if (reply.status == 404) return NotFound(what + ": " + last);
    return FailedPrecondition(what + ": " + last);
  }
  return Unavailable(what + ": " + last + " after " + std::to_string(attempts) + " attempts");
}

Status S3ObjectStore::Put(const std::string& key, std::string_view bytes) {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  HURACAN_ASSIGN_OR_RETURN(Reply r,
                           Send("PUT", key, ObjectName(key), {}, bytes, {{kChecksumHeader, Sha256Hex(bytes)}}));
  (void)r;
  return Status::Ok();
}

Result<std::string> S3ObjectStore::Get(const std::string& key) const {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  HURACAN_ASSIGN_OR_RETURN(Reply r, Send("GET", key, ObjectName(key), {}, {}, {}));
  auto it = r.headers.find(kChecksumHeader);
  if (it != r.headers.end() && it->second != Sha256Hex(r.body)) {
    return DataLoss(Describe() + ": GET '" + key + "': HTTP " + std::to_string(r.status) +
                    " but sha256 mismatch (stored " + it->second + ", received " + Sha256Hex(r.body) + ")");
  }
  return std::move(r.body);
}

Result<bool> S3ObjectStore::Exists(const std::string& key) const {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  HURACAN_ASSIGN_OR_RETURN(Reply r, Send("HEAD", key, ObjectName(key), {}, {}, {}));
  return r.status != 404;
}

Result<std::string> S3ObjectStore::Checksum(const std::string& key) const {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  HURACAN_ASSIGN_OR_RETURN(Reply r, Send("HEAD", key, ObjectName(key), {}, {}, {}));
  if (r.status == 404) return NotFound(Describe() + ": HEAD '" + key + "': HTTP 404 (no such key)");
  auto it = r.headers.find(kChecksumHeader);
  if (it != r.headers.end() && !it->second.empty()) return it->second;
  HURACAN_ASSIGN_OR_RETURN(std::string bytes, Get(key));  // written by another tool: hash it
  return Sha256Hex(bytes);
}

Result<std::vector<std::string>> S3ObjectStore::List(const std::string& prefix) const {
  const std::string root = config_.prefix.empty() ? "" : config_.prefix + "/";
  std::vector<std::string> keys;
  std::string token;
  do {
    std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}, {"prefix", root + prefix}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    HURACAN_ASSIGN_OR_RETURN(Reply r, Send("GET", prefix, "", query, {}, {}));
    size_t pos = 0;
    while (true) {
      std::string k = XmlText(r.body, "Key", &pos);
      if (pos == std::string::npos) break;
      if (k.size() > root.size() && k.compare(0, root.size(), root) == 0) keys.push_back(k.substr(root.size()));
    }
    token = XmlText(r.body, "IsTruncated") == "true" ? XmlText(r.body, "NextContinuationToken") : "";
  } while (!token.empty());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Status S3ObjectStore::Delete(const std::string& key) {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  Result<Reply> r = Send("DELETE", key, ObjectName(key), {}, {}, {});
  if (!r.ok() && r.error().code != ErrorCode::kNotFound) return r.error();
  return Status::Ok();
}

Result<std::string> S3ObjectStore::PresignedGetUrl(const std::string& key, int64_t expiry_seconds,
                                                   int64_t now_s) const {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  if (expiry_seconds < 1 || expiry_seconds > kMaxPresignSeconds) {
    return InvalidArgument(Describe() + ": URL for '" + key + "': expiry " + std::to_string(expiry_seconds) +
                           " s is outside 1..604800");
  }
  const std::string host = Host();
  const std::string uri = CanonicalUri(ObjectName(key));
  return Scheme() + "://" + host + uri + "?" +
         SigV4PresignQuery(host, uri, config_.key, SigV4AmzDate(now_s), expiry_seconds);
}

Result<std::string> S3ObjectStore::UrlFor(const std::string& key, int64_t expiry_seconds) const {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return PresignedGetUrl(key, expiry_seconds, now);
}

}  // namespace huracan::storage
