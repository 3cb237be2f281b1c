#include "core/clock.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

namespace huracan {

int64_t WallClock::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t WallClock::MonotonicMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void WallClock::SleepMs(int64_t ms) const {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void WallClock::SleepUntilMs(int64_t deadline_ms) const {
  // Re-read after each step: the wall clock may be stepped while we sleep. Steps of at most a
  // second keep a stepped-forward clock from oversleeping by much.
  for (int64_t left = deadline_ms - NowMs(); left > 0; left = deadline_ms - NowMs())
    SleepMs(std::min<int64_t>(left, 1000));
}

void TimerQueue::Schedule(const std::string& name, int64_t deadline_ms) {
  Cancel(name);
  timers_.push_back({deadline_ms, name});
}

bool TimerQueue::Cancel(const std::string& name) {
  auto it = std::find_if(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.name == name; });
  if (it == timers_.end()) return false;
  timers_.erase(it);
  return true;
}

int64_t TimerQueue::NextDeadlineMs() const {
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const Timer& t : timers_) next = std::min(next, t.deadline_ms);
  return next;
}

std::vector<TimerQueue::Timer> TimerQueue::PopDue(int64_t now_ms) {
  std::vector<Timer> due;
  auto keep = std::partition(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.deadline_ms > now_ms; });
  due.assign(keep, timers_.end());
  timers_.erase(keep, timers_.end());
  std::sort(due.begin(), due.end(), [](const Timer& a, const Timer& b) {
    return a.deadline_ms != b.deadline_ms ? a.deadline_ms < b.deadline_ms : a.name < b.name;
  });
  return due;
}

std::vector<TimerQueue::Timer> TimerQueue::WaitNext(const Clock& clock) {
  if (timers_.empty()) return {};
  clock.SleepUntilMs(NextDeadlineMs());
  return PopDue(clock.NowMs());
}

}  // namespace huracan
