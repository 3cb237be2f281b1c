// `huracan train` with an s3:// archive against the S3 test server (scripts/with-s3.sh, ctest
// training.s3): champions, the summary and presigned URLs all go through the S3 backend, and a
// server that only answers 500 fails the run clearly without writing a champion pointer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "registry/archive.h"
#include "registry/champion.h"
#include "storage/object_store.h"
#include "support/s3_test_server.h"
#include "support/test_support.h"

namespace huracan::training {
namespace {

using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;

struct S3TrainRun {
  std::string dir = huracan::testing::MakeTempDir("train_s3");
  std::string archive;
  std::string rules = dir + "/rules.json";
  explicit S3TrainRun(const std::string& name)
      : archive(std::string(std::getenv("HURACAN_TEST_S3_URL")) + "/" + name + "-" + std::to_string(getpid())) {
    std::ofstream(rules) << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                         << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
  }
  huracan::testing::CommandResult Huracan(const std::string& args, const std::string& env = "") {
    return RunCommand(env + " " + ShellQuote(huracan::testing::HuracanBinary()) + " " + args);
  }
  huracan::testing::CommandResult Train(const std::string& env = "") {
    return Huracan("train --data-dir " + ShellQuote(huracan::testing::SampleDir()) + " --archive " +
                       ShellQuote(archive) + " --db " + ShellQuote(dir + "/h.db") +
                       " --engines trend_ma,zscore_reversion,ridge" + " --promotion-rules " + ShellQuote(rules) +
                       " --retries 0 --run-id s3run",
                   env);
  }
};

TEST(S3Server, TrainOnTheSampleWithAnS3Archive) {
  HURACAN_REQUIRE_S3();
  S3TrainRun r("train");
  auto run = r.Train();
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.err.find(std::getenv("AWS_SECRET_ACCESS_KEY")), std::string::npos);
  EXPECT_EQ(run.out.find(std::getenv("AWS_SECRET_ACCESS_KEY")), std::string::npos);

  auto store = storage::OpenObjectStore(r.archive);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto symbols = registry::Archive(**store).ListChampionSymbols();
  ASSERT_TRUE(symbols.ok()) << symbols.error().message;
  EXPECT_EQ(*symbols, (std::vector<std::string>{"BTCUSDT-PERP", "DOGEUSDT", "SOLUSDT"}));
  for (const auto& s : *symbols) {
    auto c = registry::LoadChampion(**store, s);
    ASSERT_TRUE(c.ok()) << s << ": " << c.error().message;
    EXPECT_FALSE(c->fell_back) << s;
  }
  auto list = r.Huracan("champion list --archive " + ShellQuote(r.archive));
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 4) << list.out;  // header + 3 coins

  auto summaries = (*store)->List("summaries/daily/");
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 1u);
  const std::string date = summaries->front().substr(16, 10);
  auto summary = r.Huracan("summary --date " + date + " --archive " + ShellQuote(r.archive));
  EXPECT_EQ(summary.exit_code, 0) << summary.out << summary.err;
  for (const char* s : {"BTCUSDT-PERP", "DOGEUSDT", "SOLUSDT"}) EXPECT_NE(summary.out.find(s), std::string::npos) << s;

  // A presigned URL of a champion pointer serves the same bytes to a reader without credentials.
  auto url = r.Huracan("archive url champion/SOLUSDT/latest.json --expires 60 --archive " + ShellQuote(r.archive));
  ASSERT_EQ(url.exit_code, 0) << url.err;
  ASSERT_FALSE(url.out.empty());
  auto fetched = huracan::testing::FetchUrl(url.out.substr(0, url.out.size() - 1));
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, *(*store)->Get("champion/SOLUSDT/latest.json"));
}

TEST(S3Server, TrainAgainstAFailingServerFailsClearlyAndWritesNoPointer) {
  HURACAN_REQUIRE_S3();
  S3TrainRun r("train-500");
  huracan::testing::S3Fault("500", 100000);
  auto run = r.Train("S3_RETRIES=1");
  huracan::testing::S3Fault("none", 0);
  EXPECT_NE(run.exit_code, 0);
  const std::string all = run.out + run.err;
  EXPECT_NE(all.find("HTTP 500"), std::string::npos) << all;
  EXPECT_NE(all.find(r.archive), std::string::npos) << all;
  EXPECT_EQ(all.find(std::getenv("AWS_SECRET_ACCESS_KEY")), std::string::npos);
  auto store = storage::OpenObjectStore(r.archive);
  ASSERT_TRUE(store.ok());
  auto everything = (*store)->List("");
  ASSERT_TRUE(everything.ok()) << everything.error().message;
  for (const auto& k : *everything) EXPECT_EQ(k.rfind("champion/", 0), std::string::npos) << k;
}

}  // namespace
}  // namespace huracan::training
