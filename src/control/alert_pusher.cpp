#include "control/alert_pusher.h"

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

AlertPusher::AlertPusher(TelegramSender& sender, std::vector<int64_t> chats,
                         std::function<void(const std::string&)> log)
    : sender_(sender), chats_(std::move(chats)), log_(std::move(log)), thread_([this] { Loop(); }) {}

AlertPusher::~AlertPusher() { Stop(); }

void AlertPusher::Raise(const live::Alert& alert) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    if (queue_.size() >= kMaxQueued) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(AlertText(alert));
  }
  cv_.notify_one();
}

void AlertPusher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
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

void AlertPusher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything was sent
    const std::string text = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const int missed = PushToChats(sender_, chats_, text);
    if (missed > 0) log_("push not delivered to " + std::to_string(missed) + " chat(s): " + text);
    lock.lock();
    ++(missed > 0 ? dropped_ : sent_);
  }
}

}  // namespace huracan::control
