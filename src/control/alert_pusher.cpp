#include "control/alert_pusher.h"

#include <algorithm>
#include <climits>

#include "core/backoff.h"

namespace huracan::control {

std::string AlertText(const live::Alert& alert) {
  const char* kind = "alert";
  switch (alert.kind) {
    case live::AlertKind::kDegraded: kind = "degraded"; break;
    case live::AlertKind::kDailyLossStop: kind = "daily-loss stop"; break;
    case live::AlertKind::kChampionSwap: kind = "champion swap"; break;
    case live::AlertKind::kFeedDown: kind = "feed down"; break;
    case live::AlertKind::kFeedBack: kind = "feed back"; break;
  }
  return "[" + std::string(kind) + "] " + alert.text;
}

int PushToChats(TelegramSender& sender, const std::vector<int64_t>& chats, const std::string& text) {
  int missed = 0;
  for (int64_t chat : chats)
    if (sender.Send(chat, text) > 0) ++missed;
  return missed;
}

std::string DroppedAlertsText(int64_t n) {
  return std::to_string(n) + (n == 1 ? " alert" : " alerts") + " dropped while Telegram was unreachable";
}

AlertPusher::AlertPusher(TelegramSender& sender, std::vector<int64_t> chats,
                         std::function<void(const std::string&)> log, const Clock& clock, Options options)
    : sender_(sender), log_(std::move(log)), clock_(clock), o_(options) {
  queues_.resize(chats.size());
  for (size_t i = 0; i < chats.size(); ++i) queues_[i].chat = chats[i];
  thread_ = std::thread([this] { Loop(); });
}

AlertPusher::~AlertPusher() { Stop(); }

void AlertPusher::Raise(const live::Alert& alert) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    const Item item{.seq = next_seq_++, .text = AlertText(alert)};
    for (ChatQueue& q : queues_) {
      if (q.items.size() >= std::max<size_t>(o_.max_queued, 1)) {
        q.items.pop_front();
        ++q.overflow;
        ++dropped_;
      }
      q.items.push_back(item);
    }
  }
  cv_.notify_one();
}

void AlertPusher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ms_ = clock_.MonotonicMs() + o_.stop_drain_ms;
      for (ChatQueue& q : queues_) q.failures = 0, q.next_try_ms = 0;  // one more attempt each, now
    }
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int64_t AlertPusher::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

int64_t AlertPusher::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

size_t AlertPusher::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const ChatQueue& q : queues_) n += q.items.size();
  return n;
}

void AlertPusher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  size_t next = 0;  // chats take turns, so one chat's per-chat interval does not hold up the others
  for (;;) {
    const int64_t now = clock_.MonotonicMs();
    if (stopping_ && now >= stop_deadline_ms_) break;
    ChatQueue* due = nullptr;
    int64_t wake = INT64_MAX;
    for (size_t k = 0; k < queues_.size() && due == nullptr; ++k) {
      ChatQueue& q = queues_[(next + k) % queues_.size()];
      if (q.items.empty() && q.overflow == 0) continue;
      if (stopping_ && q.failures > 0) continue;  // at Stop, a chat that fails is given up
      if (q.next_try_ms <= now) {
        due = &q;
        next = (next + k + 1) % queues_.size();
      } else {
        wake = std::min(wake, q.next_try_ms);
      }
    }
    if (due != nullptr) {
      TryHead(*due, lock);
    } else if (wake != INT64_MAX) {
      // Backing off: short steps, so that Stop() is seen at once.
      lock.unlock();
      clock_.SleepMs(std::min<int64_t>(wake - now, 100));
      lock.lock();
    } else if (stopping_) {
      break;
    } else {
      cv_.wait(lock);
    }
  }
  LogUndelivered();
}

void AlertPusher::TryHead(ChatQueue& q, std::unique_lock<std::mutex>& lock) {
  // The overflow line goes first, unless an alert is half delivered (a long one, in parts).
  const bool overflow_line = q.overflow > 0 && (q.items.empty() || q.items.front().parts_done == 0);
  const int64_t overflow = q.overflow;
  const int64_t seq = overflow_line ? -1 : q.items.front().seq;
  const std::string text = overflow_line ? DroppedAlertsText(overflow) : q.items.front().text;
  size_t parts_done = overflow_line ? 0 : q.items.front().parts_done;
  lock.unlock();
  const TelegramSender::Attempt a = sender_.SendOnce(q.chat, text, &parts_done);
  lock.lock();
  // Raise() may have dropped the head from a full queue meanwhile.
  const bool still_head = !overflow_line && !q.items.empty() && q.items.front().seq == seq;
  const std::string chat = "chat " + std::to_string(q.chat);
  if (a.outcome == TelegramSender::Outcome::kRetry) {
    if (still_head) q.items.front().parts_done = parts_done;
    ++q.failures;
    const int64_t wait =
        std::max(RetryPolicy{0, o_.backoff_base_ms, o_.backoff_cap_ms}.BackoffMs(q.failures), a.retry_after_ms);
    q.next_try_ms = clock_.MonotonicMs() + wait;
    if (q.failures == 1 && !stopping_)
      log_("push to " + chat + " not delivered: " + a.why + "; kept (" + std::to_string(q.items.size()) +
           " queued) and retried with backoff up to " + std::to_string(o_.backoff_cap_ms / 1000) + " s");
    return;
  }
  if (q.failures > 0)
    log_("push to " + chat + " delivered again after " + std::to_string(q.failures) + " failed attempt(s)");
  q.failures = 0;
  q.next_try_ms = 0;
  const bool refused = a.outcome == TelegramSender::Outcome::kRefused;
  if (refused) log_("push to " + chat + " refused: " + a.why + "; dropped: " + text);
  if (overflow_line) {
    q.overflow -= overflow;
  } else if (still_head) {
    q.items.pop_front();
    ++(refused ? dropped_ : sent_);
  } else if (!refused) {
    // Delivered after all: it no longer counts as dropped.
    --q.overflow;
    --dropped_;
    ++sent_;
  }
}

void AlertPusher::LogUndelivered() {
  for (const ChatQueue& q : queues_) {
    const int64_t left = static_cast<int64_t>(q.items.size()) + q.overflow;
    if (left == 0) continue;
    dropped_ += static_cast<int64_t>(q.items.size());
    log_(std::to_string(left) + " alert(s) not delivered to chat " + std::to_string(q.chat) + " at shutdown");
  }
}

}  // namespace huracan::control
