#include "core/status.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/sha256.h"
#include "core/time_units.h"
#include "support/test_support.h"

namespace huracan {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  HURACAN_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Status, ResultCarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "odd: 3");
}

Status ContextOnReturn(int x) {
  HURACAN_RETURN_IF_ERROR_CTX(Half(x), "value " + std::to_string(x));
  return Status::Ok();
}
Result<int> ContextOnAssign(int x) {
  HURACAN_ASSIGN_OR_RETURN_CTX(int h, Half(x), "halving");
  return h + 1;
}

TEST(Status, WithContextKeepsCodeAndPrefixesMessage) {
  Error e = WithContext(DataLoss("truncated page"), "a.parquet");
  EXPECT_EQ(e.code, ErrorCode::kDataLoss);
  EXPECT_EQ(e.message, "a.parquet: truncated page");
  EXPECT_EQ(WithContext(DataLoss("x"), "").message, "x");
  EXPECT_TRUE(WithContext(Status::Ok(), "ignored").ok());
  Result<int> ok = WithContext(Result<int>(4), "ignored");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = WithContext(Half(3), "ctx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "ctx: odd: 3");
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(Status, WithContextUnlessNamedNamesTheFileOnce) {
  EXPECT_EQ(WithContextUnlessNamed(DataLoss("a.csv: line 3: bad"), "a.csv").message, "a.csv: line 3: bad");
  Error e = WithContextUnlessNamed(Unavailable("no such file"), "a.csv");
  EXPECT_EQ(e.message, "a.csv: no such file");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
}

TEST(Status, ContextMacros) {
  EXPECT_TRUE(ContextOnReturn(4).ok());
  Status st = ContextOnReturn(5);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "value 5: odd: 5");
  Result<int> r = ContextOnAssign(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  ASSERT_FALSE(ContextOnAssign(7).ok());
  EXPECT_EQ(ContextOnAssign(7).error().message, "halving: odd: 7");
}

TEST(Status, RetryClassesFollowTheCodes) {
  EXPECT_TRUE(Unavailable("x").retryable());
  EXPECT_TRUE((Error{ErrorCode::kDeadlineExceeded, "x"}).retryable());
  EXPECT_FALSE(Aborted("x").retryable());
  EXPECT_TRUE(Aborted("x").retry_higher_up());
  EXPECT_FALSE(Unavailable("x").retry_higher_up());
  for (Error e : {InvalidArgument("x"), FailedPrecondition("x"), DataLoss("x"), NotFound("x"), Internal("x")}) {
    EXPECT_FALSE(e.retryable()) << e.ToString();
    EXPECT_FALSE(e.retry_higher_up()) << e.ToString();
  }
}

TEST(TimeUnits, UtcCalendar) {
  EXPECT_EQ(UtcDay(0), 0);
  EXPECT_EQ(UtcDay(-1), -1);
  EXPECT_EQ(UtcDay(kMsPerDay), 1);
  EXPECT_EQ(UtcMsOfDay(-1), kMsPerDay - 1);
  EXPECT_EQ(UtcHourOfDay(1'760'140'800'000 + 5 * kMsPerHour), 5);  // 2025-10-11T05:00Z
  EXPECT_EQ(UtcWeekday(1'760'140'800'000), 5);                     // 2025-10-11, a Saturday
  EXPECT_EQ(UtcWeekday(-kMsPerDay), 2);                            // 1969-12-31, a Wednesday
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(kMinutesPerDay, 1440);
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Fs, AtomicWriteReplacesWholeFile) {
  std::string dir = testing::MakeTempDir("fs");
  std::string path = dir + "/sub/x.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second").ok());
  auto got = ReadFile(path);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "second");
  EXPECT_FALSE(ReadFile(dir + "/missing").ok());
}

}  // namespace
}  // namespace huracan
