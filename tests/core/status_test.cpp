#include "core/status.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/sha256.h"
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
