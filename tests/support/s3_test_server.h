// The S3 test server (tests/js/s3_server.mjs, started by scripts/with-s3.sh): skip macro, plain
// HTTP requests (presigned URLs) and the proxy's fault injection, statistics and request log.
#pragma once

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#define HURACAN_REQUIRE_S3()                                                                  \
  if (std::getenv("HURACAN_TEST_S3_URL") == nullptr || std::getenv("S3_ENDPOINT") == nullptr) \
  GTEST_SKIP() << "HURACAN_TEST_S3_URL not set: run through scripts/with-s3.sh (ctest -L s3)"

namespace huracan::testing {

struct PlainReply {
  long status = 0;
  std::string body;
};

// One unsigned request.
inline PlainReply FetchUrl(const std::string& url, const std::string& method = "GET") {
  PlainReply p;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
        static_cast<std::string*>(u)->append(d, s * n);
        return s * n;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &p.body);
  curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p.status);
  curl_easy_cleanup(c);
  return p;
}

// After `skip` more requests pass, the next `count` get `mode` (500, reset, slow; none clears).
inline void S3Fault(const std::string& mode, int count, int delay_ms = 0, int skip = 0) {
  FetchUrl(std::string(std::getenv("S3_ENDPOINT")) + "/__fault?mode=" + mode + "&count=" + std::to_string(count) +
               "&delay_ms=" + std::to_string(delay_ms) + "&skip=" + std::to_string(skip),
           "POST");
}

struct S3Stats {
  int requests = 0, faults = 0, refused = 0;
};
inline S3Stats ReadS3Stats() {
  auto j = nlohmann::json::parse(FetchUrl(std::string(std::getenv("S3_ENDPOINT")) + "/__stats").body);
  return {j.at("requests").get<int>(), j.at("faults").get<int>(), j.at("refused").get<int>()};
}

// Every request the proxy forwarded, as "METHOD /bucket/key", in order.
inline std::vector<std::string> ReadS3Log() {
  return nlohmann::json::parse(FetchUrl(std::string(std::getenv("S3_ENDPOINT")) + "/__log").body)
      .get<std::vector<std::string>>();
}

}  // namespace huracan::testing
