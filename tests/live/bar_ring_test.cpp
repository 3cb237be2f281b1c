#include "live/bar_ring.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace huracan::live {
namespace {

Bar At(int64_t i) {
  return Bar{.ts_ms = i * 60'000, .open = 1, .high = 2, .low = 0.5, .close = 1.5, .volume = double(i)};
}

// The ring holds what a capped deque held, oldest first, for every length around the cap.
TEST(BarRing, KeepsTheLastCapacityBarsOldestFirst) {
  for (size_t cap : {0, 1, 3, 7}) {
    BarRing ring(cap);
    std::deque<Bar> ref;
    for (int64_t i = 0; i < 25; ++i) {
      ring.push_back(At(i));
      ref.push_back(At(i));
      if (ref.size() > cap) ref.pop_front();
      ASSERT_EQ(ring.size(), ref.size()) << "cap " << cap << " bar " << i;
      ASSERT_EQ(ring.empty(), ref.empty());
      for (size_t k = 0; k < ref.size(); ++k) ASSERT_EQ(ring[k].ts_ms, ref[k].ts_ms) << "cap " << cap << " bar " << i;
      if (!ref.empty()) {
        EXPECT_EQ(ring.front().ts_ms, ref.front().ts_ms);
      }
    }
  }
}

// Its memory is the storage of `capacity` bars taken at construction: pushing N or 2N bars (past
// the cap) neither grows nor moves it. A per-bar record kept for the whole run would.
TEST(BarRing, MemoryIsConstantFromTheFirstBar) {
  constexpr size_t kCap = 2 * 1440 + 5;  // a partial last block
  BarRing ring(kCap);
  EXPECT_EQ(ring.capacity(), kCap);
  std::vector<const Bar*> slots;
  for (int64_t i = 0; i < int64_t{kCap}; ++i) {
    ring.push_back(At(i));
    slots.push_back(&ring[static_cast<size_t>(i)]);
  }
  for (int64_t i = int64_t{kCap}; i < int64_t{3 * kCap}; ++i) ring.push_back(At(i));
  EXPECT_EQ(ring.capacity(), kCap);
  ASSERT_EQ(ring.size(), kCap);
  EXPECT_EQ(ring.front().ts_ms, At(2 * kCap).ts_ms);
  EXPECT_EQ(ring[kCap - 1].ts_ms, At(3 * kCap - 1).ts_ms);
  // The same storage: after 2 x capacity more bars each bar sits in the slot it had at first.
  for (size_t k = 0; k < kCap; ++k) ASSERT_EQ(&ring[k], slots[k]) << k;
}

}  // namespace
}  // namespace huracan::live
