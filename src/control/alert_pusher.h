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
//
// The outbox (Options::outbox_path, set by `huracan live --telegram --state-dir DIR`): whenever the
// queues change, before the next attempt, what is undelivered is written atomically (temp file,
// fsync, rename) to that file, per chat, in order, with each alert's time; the file is removed
// once everything is delivered. So neither a stop during an outage nor a kill -9 loses a queued
// alert: the next pusher on the same file loads it and sends those alerts first, prefixed "(from
// the previous run, HH:MM UTC)", each once (a crash between Telegram's ok and the rewrite can
// send one again). Alerts for a chat no longer allowed are dropped with a log line; a corrupt file
// is logged and renamed FILE.corrupt.
class AlertPusher final : public live::AlertSink {
 public:
  struct Options {
    size_t max_queued = 500;         // per chat (telegram.alert_queue)
    int64_t backoff_base_ms = 1000;  // a chat's retries: base * 2^(n-1), capped
    int64_t backoff_cap_ms = 5000;
    int64_t stop_drain_ms = 5000;  // Stop(): how long it goes on sending what is queued
    std::string outbox_path;       // empty: no outbox, what is left at Stop() is lost
  };

  AlertPusher(TelegramSender& sender, std::vector<int64_t> chats, std::function<void(const std::string&)> log,
              const Clock& clock, Options options);
  ~AlertPusher() override;  // Stop()
  AlertPusher(const AlertPusher&) = delete;
  AlertPusher& operator=(const AlertPusher&) = delete;

  // Queues the alert for every chat; never blocks on the network.
  void Raise(const live::Alert& alert) override;
  // Sends what is queued (one attempt per message, for at most stop_drain_ms), keeps the rest in
  // the outbox, logs how many alerts were not delivered, then ends the thread (safe to call twice).
  void Stop();

  int64_t sent() const;     // deliveries (an alert to a chat) Telegram answered ok
  int64_t dropped() const;  // deliveries given up: a full queue, refused, or left at Stop() without outbox
  size_t pending() const;   // alerts waiting, over all chats

 private:
  struct Item {
    int64_t seq = 0;
    std::string text;      // as sent (with the previous run's prefix)
    std::string original;  // AlertText, as kept in the outbox
    int64_t at_ms = 0;     // the alert's time
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
  void Push(ChatQueue& q, Item item);  // at the back, dropping the oldest from a full queue
  // The previous run's outbox, before the thread starts.
  void LoadOutbox(const std::vector<int64_t>& chats);
  // Writes the queues to the outbox (removes it when they are empty); the lock is released meanwhile.
  void SaveOutbox(std::unique_lock<std::mutex>& lock);

  TelegramSender& sender_;
  const std::function<void(const std::string&)> log_;
  const Clock& clock_;
  const Options o_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ChatQueue> queues_;
  int64_t next_seq_ = 0;
  bool outbox_dirty_ = false;  // the queues changed since the outbox was written
  std::string outbox_error_;   // the last failed write ("" when the file is up to date)
  bool stopping_ = false;
  int64_t stop_deadline_ms_ = 0;
  int64_t sent_ = 0, dropped_ = 0;
  std::thread thread_;
};

// The outbox's name in the live runner's state folder (--state-dir).
inline constexpr char kAlertOutboxFile[] = "alert_outbox.json";

// An alert kept from the previous run, as sent: "(from the previous run, 02:30 UTC) [degraded] ...",
// with the date when `at_ms` is not on the day of `now_ms`.
std::string PreviousRunText(const std::string& text, int64_t at_ms, int64_t now_ms);

// The line a chat gets first after `n` of its alerts were dropped from a full queue.
std::string DroppedAlertsText(int64_t n);

// Sends `text` to every chat in `chats` (one push, e.g. the daily summary after a training run);
// returns the number of chats it did not reach.
int PushToChats(TelegramSender& sender, const std::vector<int64_t>& chats, const std::string& text);

}  // namespace huracan::control
