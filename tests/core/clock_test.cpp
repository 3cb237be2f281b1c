#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace huracan {
namespace {

TEST(SimulatedClock, SleepUntilJumpsForwardNeverBack) {
  SimulatedClock clock(1000);
  clock.SleepUntilMs(61'000);
  EXPECT_EQ(clock.NowMs(), 61'000);
  clock.SleepUntilMs(5'000);  // already past: nothing
  EXPECT_EQ(clock.NowMs(), 61'000);
  clock.SleepMs(500);
  EXPECT_EQ(clock.NowMs(), 61'500);
}

TEST(SimulatedClock, SleepUntilFromSeveralThreadsEndsAtTheLatestDeadline) {
  SimulatedClock clock(0);
  std::vector<std::thread> threads;
  for (int i = 1; i <= 8; ++i) threads.emplace_back([&clock, i] { clock.SleepUntilMs(i * 1000); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.NowMs(), 8000);
}

TEST(WallClock, SleepUntilReturnsOnlyOnceTheDeadlineIsReached) {
  WallClock clock;
  const int64_t deadline = clock.NowMs() + 20;
  clock.SleepUntilMs(deadline);
  EXPECT_GE(clock.NowMs(), deadline);   // a lower bound only: no upper bound on a shared machine
  clock.SleepUntilMs(deadline - 1000);  // in the past: returns at once
}

TEST(TimerQueue, WaitNextFiresTimersInDeadlineOrderOnASimulatedClock) {
  SimulatedClock clock(0);
  TimerQueue timers;
  EXPECT_TRUE(timers.WaitNext(clock).empty());  // nothing scheduled: no sleep
  EXPECT_EQ(clock.NowMs(), 0);
  timers.Schedule("bar_close", 60'000);
  timers.Schedule("watchdog:BTCUSDT", 180'000);
  timers.Schedule("rate_limit", 60'000);
  EXPECT_EQ(timers.NextDeadlineMs(), 60'000);

  auto due = timers.WaitNext(clock);
  EXPECT_EQ(clock.NowMs(), 60'000);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].name, "bar_close");  // ties by name
  EXPECT_EQ(due[1].name, "rate_limit");

  // Re-arming a watchdog replaces it.
  timers.Schedule("watchdog:BTCUSDT", 240'000);
  EXPECT_EQ(timers.size(), 1u);
  timers.Schedule("bar_close", 120'000);
  due = timers.WaitNext(clock);
  EXPECT_EQ(clock.NowMs(), 120'000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].name, "bar_close");

  EXPECT_TRUE(timers.Cancel("watchdog:BTCUSDT"));
  EXPECT_FALSE(timers.Cancel("watchdog:BTCUSDT"));
  EXPECT_TRUE(timers.empty());
}

TEST(TimerQueue, PopDueTakesOnlyExpiredTimers) {
  TimerQueue timers;
  timers.Schedule("a", 10);
  timers.Schedule("b", 30);
  timers.Schedule("c", 20);
  auto due = timers.PopDue(20);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].name, "a");
  EXPECT_EQ(due[1].name, "c");
  EXPECT_EQ(timers.NextDeadlineMs(), 30);
}

}  // namespace
}  // namespace huracan
