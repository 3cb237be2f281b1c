#include "control/alert_pusher.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/backoff.h"
#include "core/fs.h"
#include "data/timestamps.h"

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

std::string PreviousRunText(const std::string& text, int64_t at_ms, int64_t now_ms) {
  const std::string at = data::FormatIsoUtc(at_ms), now = data::FormatIsoUtc(now_ms);  // YYYY-MM-DDTHH:MM:SSZ
  const std::string when =
      at.substr(0, 10) == now.substr(0, 10) ? at.substr(11, 5) : at.substr(0, 10) + " " + at.substr(11, 5);
  return "(from the previous run, " + when + " UTC) " + text;
}

AlertPusher::AlertPusher(TelegramSender& sender, std::vector<int64_t> chats,
                         std::function<void(const std::string&)> log, const Clock& clock, Options options)
    : sender_(sender), log_(std::move(log)), clock_(clock), o_(std::move(options)) {
  queues_.resize(chats.size());
  for (size_t i = 0; i < chats.size(); ++i) queues_[i].chat = chats[i];
  if (!o_.outbox_path.empty()) LoadOutbox(chats);
  thread_ = std::thread([this] { Loop(); });
}

void AlertPusher::Push(ChatQueue& q, Item item) {
  if (q.items.size() >= std::max<size_t>(o_.max_queued, 1)) {
    q.items.pop_front();
    ++q.overflow;
    ++dropped_;
  }
  q.items.push_back(std::move(item));
  outbox_dirty_ = true;
}

void AlertPusher::LoadOutbox(const std::vector<int64_t>& chats) {
  namespace fs = std::filesystem;
  const std::string& path = o_.outbox_path;
  std::error_code ec;
  // Temp files a crash left mid-write: the file itself is the old version or the new one.
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  const std::string tmp_prefix = fs::path(path).filename().string() + ".tmp.";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().starts_with(tmp_prefix)) fs::remove(it->path(), ec);
  ec.clear();
  if (!fs::exists(path, ec)) return;
  auto text = ReadFile(path);
  std::string why = text.ok() ? "" : text.error().message;
  struct SavedChat {
    int64_t chat = 0, dropped = 0;                        // dropped: not announced yet
    std::vector<std::pair<int64_t, std::string>> alerts;  // (at_ms, text), oldest first
  };
  std::vector<SavedChat> saved;
  if (text.ok()) {
    try {
      const nlohmann::json j = nlohmann::json::parse(*text);
      if (j.at("version").get<int>() != 1) throw std::runtime_error("unknown version");
      for (const auto& c : j.at("chats")) {
        SavedChat& sc = saved.emplace_back();
        sc.chat = c.at("chat_id").get<int64_t>();
        sc.dropped = c.value("dropped", int64_t{0});
        for (const auto& a : c.at("alerts"))
          sc.alerts.emplace_back(a.at("at_ms").get<int64_t>(), a.at("text").get<std::string>());
      }
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  if (!why.empty()) {
    const std::string aside = path + ".corrupt";
    fs::rename(path, aside, ec);
    log_("alert outbox " + path + " is unreadable (" + why + "); its alerts are not sent; set aside as " +
         (ec ? "(rename failed: " + ec.message() + ")" : aside));
    return;
  }
  const std::set<int64_t> allowed(chats.begin(), chats.end());
  const int64_t now = clock_.NowMs();
  bool changed = false;  // the file no longer says what the queues hold: a chat dropped, a queue full
  for (const SavedChat& sc : saved) {
    const std::string who = "chat " + std::to_string(sc.chat);
    if (!allowed.contains(sc.chat)) {
      log_(std::to_string(sc.alerts.size()) + " alert(s) of the previous run for " + who +
           " dropped: the chat is no longer allowed (telegram.chat_ids)");
      changed = true;
      continue;
    }
    ChatQueue& q = *std::find_if(queues_.begin(), queues_.end(), [&](const ChatQueue& x) { return x.chat == sc.chat; });
    q.overflow += sc.dropped;
    const int64_t overflow_before = q.overflow;
    for (const auto& [at_ms, original] : sc.alerts) {
      Item item{
          .seq = next_seq_++, .text = PreviousRunText(original, at_ms, now), .original = original, .at_ms = at_ms};
      Push(q, std::move(item));
    }
    changed = changed || q.overflow != overflow_before;
    log_(std::to_string(sc.alerts.size()) + " alert(s) of the previous run for " + who + " loaded from " + path +
         ": sent first");
  }
  outbox_dirty_ = changed;
}

void AlertPusher::SaveOutbox(std::unique_lock<std::mutex>& lock) {
  outbox_dirty_ = false;
  nlohmann::ordered_json chats = nlohmann::ordered_json::array();
  for (const ChatQueue& q : queues_) {
    if (q.items.empty() && q.overflow == 0) continue;
    nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
    for (const Item& item : q.items)
      alerts.push_back({{"at", data::FormatIsoUtc(item.at_ms)}, {"at_ms", item.at_ms}, {"text", item.original}});
    chats.push_back({{"chat_id", q.chat}, {"dropped", q.overflow}, {"alerts", std::move(alerts)}});
  }
  const std::string path = o_.outbox_path;
  const bool empty = chats.empty();
  const std::string body = nlohmann::ordered_json{{"version", 1}, {"chats", std::move(chats)}}.dump(1) + "\n";
  lock.unlock();
  Status st = Status::Ok();
  if (empty) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) st = Unavailable(path + ": cannot remove: " + ec.message());
  } else {
    st = WriteFileAtomic(path, body);
  }
  lock.lock();
  outbox_error_ = st.ok() ? "" : st.error().message;
  if (!st.ok()) log_("alert outbox not written: " + outbox_error_);
}

AlertPusher::~AlertPusher() { Stop(); }

void AlertPusher::Raise(const live::Alert& alert) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    const std::string text = AlertText(alert);
    const Item item{
        .seq = next_seq_++, .text = text, .original = text, .at_ms = alert.at_ms != 0 ? alert.at_ms : clock_.NowMs()};
    for (ChatQueue& q : queues_) Push(q, item);
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
    if (outbox_dirty_ && !o_.outbox_path.empty()) {
      SaveOutbox(lock);  // before the next attempt: a crash from here on keeps what is queued
      continue;
    }
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
  if (outbox_dirty_ && !o_.outbox_path.empty()) SaveOutbox(lock);
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
  outbox_dirty_ = true;
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
    const std::string line =
        std::to_string(left) + " alert(s) not delivered to chat " + std::to_string(q.chat) + " at shutdown";
    if (!o_.outbox_path.empty() && outbox_error_.empty()) {
      log_(line + ": kept in " + o_.outbox_path + " for the next run");
      continue;
    }
    dropped_ += static_cast<int64_t>(q.items.size());
    log_(o_.outbox_path.empty() ? line : line + ": lost (" + outbox_error_ + ")");
  }
}

}  // namespace huracan::control
