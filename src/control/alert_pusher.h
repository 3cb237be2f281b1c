// Pushes (docs/CONTROL.md, "Pushes"): the live runner's alerts (degraded symbols, daily-loss
// stops, champion swaps, feed down/back) and the daily summary after a training run, sent to every
// allowed chat. The live runner raises alerts on its event-loop thread; AlertPusher queues them
// and sends them from a thread of its own, through the bot's TelegramSender (the same outgoing
// limits as the replies), so a slow or unreachable Telegram never holds up a bar.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/telegram_bot.h"
#include "core/clock.h"
#include "live/status.h"

namespace huracan::control {

// The text of a pushed alert: "[champion swap] SOLUSDT: ...".
std::string AlertText(const live::Alert& alert);

// Each chat has its own queue: an alert Telegram does not take (unreachable, 429, 5xx) stays at
// the head of that chat's queue and is tried again with capped exponential backoff for as long as
// the process runs, so alerts arrive in order, each at most once per chat, once Telegram is back.
// A full queue drops its oldest alert; the chat then first gets one line "N alerts dropped while
// Telegram was unreachable". An alert Telegram refuses (another 4xx) is logged and dropped.
class AlertPusher final : public live::AlertSink {
 public:
  struct Options {
    size_t max_queued = 500;         // per chat (telegram.alert_queue)
    int64_t backoff_base_ms = 1000;  // a chat's retries: base * 2^(n-1), capped
    int64_t backoff_cap_ms = 5000;
    int64_t stop_drain_ms = 5000;  // Stop(): how long it goes on sending what is queued
  };

  AlertPusher(TelegramSender& sender, std::vector<int64_t> chats, std::function<void(const std::string&)> log,
              const Clock& clock, Options options);
  ~AlertPusher() override;  // Stop()
  AlertPusher(const AlertPusher&) = delete;
  AlertPusher& operator=(const AlertPusher&) = delete;

  // Queues the alert for every chat; never blocks on the network.
  void Raise(const live::Alert& alert) override;
  // Sends what is queued (one attempt per message, for at most stop_drain_ms), logs how many
  // alerts were not delivered, then ends the thread (safe to call twice).
  void Stop();

  int64_t sent() const;     // deliveries (an alert to a chat) Telegram answered ok
  int64_t dropped() const;  // deliveries given up: a full queue, refused, or left at Stop()
  size_t pending() const;   // alerts waiting, over all chats

 private:
  struct Item {
    int64_t seq = 0;
    std::string text;
    size_t parts_done = 0;
  };
  struct ChatQueue {
    int64_t chat = 0;
    std::deque<Item> items;
    int64_t overflow = 0;  // dropped from the full queue, not yet announced
    int failures = 0;      // in a row
    int64_t next_try_ms = 0;
  };
  void Loop();
  // One attempt at the head of `q` (the overflow line first); the lock is released meanwhile.
  void TryHead(ChatQueue& q, std::unique_lock<std::mutex>& lock);
  void LogUndelivered();

  TelegramSender& sender_;
  const std::function<void(const std::string&)> log_;
  const Clock& clock_;
  const Options o_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ChatQueue> queues_;
  int64_t next_seq_ = 0;
  bool stopping_ = false;
  int64_t stop_deadline_ms_ = 0;
  int64_t sent_ = 0, dropped_ = 0;
  std::thread thread_;
};

// The line a chat gets first after `n` of its alerts were dropped from a full queue.
std::string DroppedAlertsText(int64_t n);

// Sends `text` to every chat in `chats` (one push, e.g. the daily summary after a training run);
// returns the number of chats it did not reach.
int PushToChats(TelegramSender& sender, const std::vector<int64_t>& chats, const std::string& text);

}  // namespace huracan::control
