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
#include "live/status.h"

namespace huracan::control {

// The text of a pushed alert: "[champion swap] SOLUSDT: ...".
std::string AlertText(const live::Alert& alert);

class AlertPusher final : public live::AlertSink {
 public:
  // At most this many alerts wait; beyond it the oldest is dropped (and counted).
  static constexpr size_t kMaxQueued = 1000;

  AlertPusher(TelegramSender& sender, std::vector<int64_t> chats, std::function<void(const std::string&)> log);
  ~AlertPusher() override;  // Stop()
  AlertPusher(const AlertPusher&) = delete;
  AlertPusher& operator=(const AlertPusher&) = delete;

  // Queues the alert; never blocks on the network.
  void Raise(const live::Alert& alert) override;
  // Sends what is queued, then ends the thread (safe to call twice).
  void Stop();

  int64_t sent() const;     // alerts delivered to every chat
  int64_t dropped() const;  // alerts not delivered to some chat, or dropped from a full queue

 private:
  void Loop();

  TelegramSender& sender_;
  const std::vector<int64_t> chats_;
  const std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  int64_t sent_ = 0, dropped_ = 0;
  std::thread thread_;
};

// Sends `text` to every chat in `chats` (one push, e.g. the daily summary after a training run);
// returns the number of chats it did not reach.
int PushToChats(TelegramSender& sender, const std::vector<int64_t>& chats, const std::string& text);

}  // namespace huracan::control
