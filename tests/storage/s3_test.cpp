// The S3 backend: the SigV4 signer against AWS's published examples (no server), and the store
// against a real S3 server (npm s3rver behind a SigV4-verifying proxy; scripts/with-s3.sh, ctest
// storage.s3). The S3Server.* tests skip when HURACAN_TEST_S3_URL is not set.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "core/sha256.h"
#include "storage/s3_store.h"
#include "storage/sigv4.h"
#include "support/s3_test_server.h"

namespace huracan::storage {
namespace {

const SigV4Key kAwsExampleKey{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"};
const int64_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z

TEST(SigV4, PresignedGetMatchesAwsExample) {
  // AWS S3 API reference, "Authenticating Requests: Using Query Parameters": GET of
  // examplebucket/test.txt, 20130524T000000Z, expires 86400.
  EXPECT_EQ(SigV4AmzDate(k20130524), "20130524T000000Z");
  EXPECT_EQ(SigV4PresignQuery("examplebucket.s3.amazonaws.com", "/test.txt", kAwsExampleKey, "20130524T000000Z", 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4, HeaderSignatureMatchesAwsGetObjectExample) {
  // AWS S3 API reference, "Signature Calculations for the Authorization Header": GET Object with
  // a Range header.
  SigV4Request req{"GET",
                   "/test.txt",
                   {},
                   {{"host", "examplebucket.s3.amazonaws.com"},
                    {"range", "bytes=0-9"},
                    {"x-amz-content-sha256", Sha256Hex("")},
                    {"x-amz-date", "20130524T000000Z"}},
                   Sha256Hex("")};
  EXPECT_EQ(SigV4Authorization(req, kAwsExampleKey, "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, EncodingAndQueryOrder) {
  EXPECT_EQ(SigV4UriEncode("a b/c~d+e", true), "a%20b/c~d%2Be");
  EXPECT_EQ(SigV4UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(SigV4CanonicalQuery({{"prefix", "x y"}, {"list-type", "2"}}), "list-type=2&prefix=x%20y");
}

std::function<const char*(const char*)> Env(std::map<std::string, std::string> vars) {
  auto held = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [held](const char* name) -> const char* {
    auto it = held->find(name);
    return it == held->end() ? nullptr : it->second.c_str();
  };
}

TEST(S3Config, ReadsUrlAndEnvironment) {
  auto c = S3Config::FromUrl("s3://my-bucket/archive/prod/", Env({{"S3_ENDPOINT", "http://127.0.0.1:9000"},
                                                                  {"AWS_ACCESS_KEY_ID", "AK"},
                                                                  {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                                                  {"S3_REGION", "auto"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->bucket, "my-bucket");
  EXPECT_EQ(c->prefix, "archive/prod");
  EXPECT_TRUE(c->path_style);  // an endpoint defaults to path style
  EXPECT_EQ(c->key.region, "auto");
  auto store = S3ObjectStore::Open(*c);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Describe(), "s3://my-bucket/archive/prod");
  auto url = (*store)->PresignedGetUrl("a b.txt", 60, k20130524);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->rfind("http://127.0.0.1:9000/my-bucket/archive/prod/a%20b.txt?X-Amz-Algorithm=", 0), 0u) << *url;
  EXPECT_EQ(url->find("SECRET"), std::string::npos);
  EXPECT_FALSE((*store)->PresignedGetUrl("k", 604801, k20130524).ok());

  auto aws = S3Config::FromUrl("s3://b", Env({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  ASSERT_TRUE(aws.ok());
  EXPECT_FALSE(aws->path_style);  // AWS itself: virtual-host style
  EXPECT_EQ(aws->key.region, "us-east-1");
  auto aws_store = S3ObjectStore::Open(*aws);
  EXPECT_EQ((*aws_store)->PresignedGetUrl("k", 60, k20130524)->rfind("https://b.s3.us-east-1.amazonaws.com/k?", 0), 0u);

  auto no_creds = S3Config::FromUrl("s3://b", Env({}));
  ASSERT_FALSE(no_creds.ok());
  EXPECT_NE(no_creds.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_FALSE(S3Config::FromUrl("s3://B_ad", Env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}})).ok());
  EXPECT_FALSE(
      S3Config::FromUrl(
          "s3://b", Env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"S3_ADDRESSING", "sideways"}}))
          .ok());
}

// ---- against a real server (scripts/with-s3.sh) ----

using huracan::testing::FetchUrl;
using huracan::testing::ReadS3Stats;
using huracan::testing::S3Fault;

std::unique_ptr<S3ObjectStore> OpenTestStore(const std::string& prefix, int retries = 2, int64_t timeout_ms = 5000) {
  auto c = S3Config::FromUrl(std::string(std::getenv("HURACAN_TEST_S3_URL")) + "/" + prefix);
  EXPECT_TRUE(c.ok()) << c.error().message;
  c->retry = RetryPolicy{retries, 20, 200};
  c->timeout_ms = timeout_ms;
  return std::move(S3ObjectStore::Open(*c)).value();
}

TEST(S3Server, PutGetExistsChecksumListDelete) {
  HURACAN_REQUIRE_S3();
  auto s = OpenTestStore("roundtrip");
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7919 % 251);
  ASSERT_TRUE(s->Put("models/BTCUSDT/a b+c.bin", big).ok());
  ASSERT_TRUE(s->Put("models/BTCUSDT/x.json", "{}").ok());
  ASSERT_TRUE(s->Put("other/y", "y").ok());
  auto got = s->Get("models/BTCUSDT/a b+c.bin");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(*got == big);
  EXPECT_TRUE(*s->Exists("models/BTCUSDT/x.json"));
  EXPECT_FALSE(*s->Exists("models/BTCUSDT/none"));
  EXPECT_EQ(*s->Checksum("models/BTCUSDT/a b+c.bin"), Sha256Hex(big));
  auto list = s->List("models/");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(*list, (std::vector<std::string>{"models/BTCUSDT/a b+c.bin", "models/BTCUSDT/x.json"}));
  EXPECT_EQ(s->List("")->size(), 3u);
  EXPECT_TRUE(s->List("nothing/")->empty());
  auto missing = s->Get("models/BTCUSDT/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("s3://huracan/roundtrip"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("models/BTCUSDT/none"), std::string::npos);
  EXPECT_NE(missing.error().message.find("HTTP 404"), std::string::npos);
  ASSERT_TRUE(s->Delete("other/y").ok());
  ASSERT_TRUE(s->Delete("other/y").ok());  // idempotent
  EXPECT_FALSE(*s->Exists("other/y"));
  EXPECT_FALSE(s->Put("../escape", "x").ok());
}

TEST(S3Server, ListFollowsContinuationTokensPast1000Keys) {
  HURACAN_REQUIRE_S3();
  auto s = OpenTestStore("many");
  const int n = 1003;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += 4) EXPECT_TRUE(s->Put("k/" + std::to_string(10000 + i), "v").ok());
    });
  }
  for (auto& th : threads) th.join();
  auto list = s->List("k/");
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), static_cast<size_t>(n));
  EXPECT_EQ(list->front(), "k/10000");
  EXPECT_EQ(list->back(), "k/" + std::to_string(10000 + n - 1));
}

TEST(S3Server, ProxyRefusesAWrongSecretWith403) {
  HURACAN_REQUIRE_S3();
  auto c = S3Config::FromUrl(std::string(std::getenv("HURACAN_TEST_S3_URL")) + "/auth");
  ASSERT_TRUE(c.ok());
  c->key.secret_access_key = "not-the-secret";
  auto bad = std::move(S3ObjectStore::Open(*c)).value();
  Status put = bad->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.error().message.find("HTTP 403"), std::string::npos) << put.error().message;
  EXPECT_NE(put.error().message.find("s3://huracan/auth"), std::string::npos);
  EXPECT_NE(put.error().message.find("'k'"), std::string::npos);
  EXPECT_EQ(put.error().message.find("not-the-secret"), std::string::npos);
  EXPECT_EQ(put.error().message.find(std::getenv("AWS_SECRET_ACCESS_KEY")), std::string::npos);
  EXPECT_TRUE(OpenTestStore("auth")->Put("k", "v").ok());  // the right secret passes
}

TEST(S3Server, PresignedUrlFetchesTheObjectThenExpires) {
  HURACAN_REQUIRE_S3();
  auto s = OpenTestStore("presign");
  ASSERT_TRUE(s->Put("models/m.bin", "model bytes").ok());
  auto url = s->UrlFor("models/m.bin", 2);
  ASSERT_TRUE(url.ok());
  auto ok = FetchUrl(*url);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "model bytes");
  std::string tampered = *url;
  tampered.replace(tampered.find("m.bin"), 5, "n.bin");
  EXPECT_EQ(FetchUrl(tampered).status, 403);
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  auto expired = FetchUrl(*url);
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("expired"), std::string::npos) << expired.body;
}

TEST(S3Server, TransientFailuresAreRetriedThenFailClearly) {
  HURACAN_REQUIRE_S3();
  auto s = OpenTestStore("faults", /*retries=*/2, /*timeout_ms=*/300);
  // A 500 twice, then success: the retries hide it.
  S3Fault("500", 2);
  ASSERT_TRUE(s->Put("ok-after-retries", "v").ok());
  EXPECT_EQ(*s->Get("ok-after-retries"), "v");

  struct Case {
    std::string mode;
    int delay_ms;
    std::string expect;
  };
  for (const Case& c :
       {Case{"500", 0, "HTTP 500"}, Case{"reset", 0, "HTTP status none"}, Case{"slow", 1000, "HTTP status none"}}) {
    SCOPED_TRACE(c.mode);
    const std::string key = "bundle-" + c.mode + "/model.bin";
    auto before = ReadS3Stats();
    S3Fault(c.mode, 3, c.delay_ms);
    Status put = s->Put(key, std::string(100000, 'x'));
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
    const std::string& m = put.error().message;
    EXPECT_NE(m.find("s3://huracan/faults"), std::string::npos) << m;
    EXPECT_NE(m.find("'" + key + "'"), std::string::npos) << m;
    EXPECT_NE(m.find(c.expect), std::string::npos) << m;
    EXPECT_NE(m.find("after 3 attempts"), std::string::npos) << m;
    EXPECT_EQ(ReadS3Stats().faults - before.faults, 3);  // every attempt reached the server
    S3Fault("none", 0);
    if (c.mode == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    // Nothing half-written: the object is absent, or (a slow PUT the server finished after the
    // client gave up) complete.
    auto got = s->Get(key);
    if (got.ok()) {
      EXPECT_EQ(*got, std::string(100000, 'x'));
    } else {
      EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().message;
    }
  }
  // 4xx other than 429 are not retried.
  auto before = ReadS3Stats();
  EXPECT_FALSE(s->Get("no-such-key").ok());
  EXPECT_EQ(ReadS3Stats().requests - before.requests, 1);
}

TEST(S3Server, GetVerifiesTheStoredSha256) {
  HURACAN_REQUIRE_S3();
  auto s = OpenTestStore("checksum");
  ASSERT_TRUE(s->Put("models/m.bin", std::string(5000, 'm')).ok());
  S3Fault("corrupt", 1);  // one byte of the next answer flipped in transit
  auto got = s->Get("models/m.bin");
  S3Fault("none", 0);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDataLoss);
  EXPECT_NE(got.error().message.find("s3://huracan/checksum: GET 'models/m.bin': HTTP 200 but sha256 mismatch"),
            std::string::npos)
      << got.error().message;
  EXPECT_EQ(*s->Get("models/m.bin"), std::string(5000, 'm'));
}

TEST(S3Server, ServerDownIsRetriedThenFailsClearly) {
  HURACAN_REQUIRE_S3();
  auto c = S3Config::FromUrl("s3://huracan/down");
  ASSERT_TRUE(c.ok());
  c->endpoint = "http://127.0.0.1:1";  // nothing listens there
  c->retry = RetryPolicy{2, 20, 200};
  auto s = std::move(S3ObjectStore::Open(*c)).value();
  Status put = s->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("s3://huracan/down: PUT 'k': HTTP status none"), std::string::npos)
      << put.error().message;
  EXPECT_NE(put.error().message.find("after 3 attempts"), std::string::npos);
}

}  // namespace
}  // namespace huracan::storage
