#include "control/telegram_bot.h"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "control/commands.h"
#include "core/fs.h"
#include "core/strings.h"
#include "data/timestamps.h"
#include "training/backoff.h"

namespace huracan::control {
namespace {

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Sleeps `ms`, in short slices when `stop` or `wake` is given, returning early once `stop` is true
// or `wake` returns true.
void SleepUnlessStopped(const Clock& clock, int64_t ms, const std::atomic<bool>* stop,
                        const std::function<bool()>& wake = nullptr) {
  if (stop == nullptr && !wake) return clock.SleepMs(ms);
  const int64_t until = clock.MonotonicMs() + ms;
  for (int64_t left = ms; left > 0 && !(stop != nullptr && stop->load()) && !(wake && wake());
       left = until - clock.MonotonicMs())
    clock.SleepMs(std::min<int64_t>(left, 100));
}

int AbortIfSet(void* abort, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(abort)->load() ? 1 : 0;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const std::atomic<bool>* abort) : abort_(abort) {
    static const bool init = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
    (void)init;
  }
  Result<HttpResponse> PostJson(const std::string& url, const std::string& body, int64_t timeout_ms) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Internal("curl_easy_init failed");
    HttpResponse r;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    if (abort_ != nullptr) {
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &AbortIfSet);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(abort_));
    }
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return Unavailable(errbuf[0] != 0 ? std::string(errbuf) : curl_easy_strerror(rc));
    return r;
  }

 private:
  const std::atomic<bool>* abort_;
};

class BotApi {
 public:
  BotApi(const BotOptions& o, HttpTransport& http) : o_(o), http_(http) {}

  // Transport failures are errors (token redacted); any HTTP answer is an ApiReply.
  Result<ApiReply> Call(const std::string& method, const nlohmann::json& body, int64_t timeout_ms) {
    const std::string url = o_.api_base + "/bot" + o_.token + "/" + method;
    auto r = http_.PostJson(url, body.dump(), timeout_ms);
    if (!r.ok()) return Unavailable(Redact(method + ": " + r.error().message));
    ApiReply a = ParseApiReply(r->status, r->body);
    a.description = Redact(a.description);
    return a;
  }

  std::string Redact(std::string s) const { return RedactToken(std::move(s), o_.token); }

 private:
  const BotOptions& o_;
  HttpTransport& http_;
};

Result<int64_t> LoadOffset(const std::string& path) {
  if (!std::filesystem::exists(path)) return int64_t{0};
  HURACAN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("offset") || !j["offset"].is_number_integer())
    return DataLoss(path + ": expected {\"offset\": N}");
  return j["offset"].get<int64_t>();
}

Status SaveOffset(const std::string& path, int64_t offset, int64_t now_ms) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Unavailable(path + ": cannot create its folder: " + ec.message());
  nlohmann::ordered_json j = {{"offset", offset}, {"updated_at", data::FormatIsoUtc(now_ms)}};
  return WriteFileAtomic(path, j.dump() + "\n");
}

class Bot {
 public:
  Bot(const BotOptions& o, const Clock& clock, HttpTransport& http, storage::Database* db,
      const std::function<void(const std::string&)>& log, TelegramSender* sender)
      : o_(o), clock_(clock), api_(o, http), db_(db), log_(log) {
    if (sender == nullptr) own_sender_ = std::make_unique<TelegramSender>(o, clock, http, log);
    sender_ = sender != nullptr ? sender : own_sender_.get();
  }

  Result<BotStats> Run() {
    const std::string offset_path = OffsetPath(o_.archive_dir);
    HURACAN_ASSIGN_OR_RETURN(stats_.offset, LoadOffset(offset_path));
    training::RetryPolicy backoff{0, o_.backoff_base_ms, o_.backoff_cap_ms};
    int64_t polls = 0;
    int failures_in_row = 0;
    std::string last_error;
    Log("polling " + o_.api_base + " from update offset " + std::to_string(stats_.offset) + ", " +
        std::to_string(o_.chat_ids.size()) + " allowed chat(s)");
    while ((o_.max_polls < 0 || polls < o_.max_polls) && (o_.max_updates < 0 || stats_.updates < o_.max_updates) &&
           !Stopped()) {
      ++polls;
      nlohmann::json body = {
          {"offset", stats_.offset}, {"timeout", o_.poll_timeout_s}, {"allowed_updates", {"message"}}};
      auto reply = api_.Call("getUpdates", body, (o_.poll_timeout_s + 15) * 1000);
      int64_t wait_ms = 0;
      if (!reply.ok() && Stopped()) break;  // the poll was cut short at the stop
      if (!reply.ok() || !reply->ok || !reply->result.is_array()) {
        ++failures_in_row;
        ++stats_.poll_errors;
        last_error = !reply.ok()
                         ? reply.error().message
                         : "getUpdates: " + (reply->ok ? std::string("result is not a list") : reply->description);
        wait_ms = backoff.BackoffMs(failures_in_row);
        if (reply.ok() && reply->retry_after_s > 0) wait_ms = std::max(wait_ms, reply->retry_after_s * 1000);
        const bool more = o_.max_polls < 0 || polls < o_.max_polls;
        Log(last_error + (more ? "; retrying in " + std::to_string(wait_ms) + " ms" : ""));
        if (more) {
          // With a shared sender (the pushes), an ok to a push means Telegram is back: poll now.
          const int64_t answered = sender_->answered();
          std::function<bool()> back;
          if (own_sender_ == nullptr) back = [&] { return sender_->answered() != answered; };
          SleepUnlessStopped(clock_, wait_ms, o_.stop, back);
        }
        continue;
      }
      if (failures_in_row > 0) Log("getUpdates recovered after " + std::to_string(failures_in_row) + " failure(s)");
      failures_in_row = 0;
      for (const auto& update : reply->result) {
        if (o_.max_updates >= 0 && stats_.updates >= o_.max_updates) break;
        const IncomingUpdate u = ParseUpdate(update);
        if (!u.has_id) {
          Log("skipping an update without update_id");
          continue;
        }
        const int64_t id = u.update_id;
        if (id < stats_.offset) continue;  // already handled (a server that ignores offset)
        // The offset is saved before the command runs: after a crash an update is never run twice.
        stats_.offset = id + 1;
        HURACAN_RETURN_IF_ERROR_CTX(SaveOffset(offset_path, stats_.offset, clock_.NowMs()), "telegram offset");
        ++stats_.updates;
        try {
          Handle(u);
        } catch (const std::exception& e) {  // a malformed update never stops the bot
          Log("update " + std::to_string(id) + ": not handled: " + e.what());
        }
      }
    }
    if (failures_in_row > 0 && !Stopped())
      return Unavailable("telegram: getUpdates failed " + std::to_string(failures_in_row) +
                         " time(s) in a row; last: " + last_error);
    return stats_;
  }

 private:
  void Log(const std::string& line) { log_(api_.Redact(line)); }
  bool Stopped() const { return o_.stop != nullptr && o_.stop->load(); }

  bool Allowed(int64_t chat) const {
    return std::find(o_.chat_ids.begin(), o_.chat_ids.end(), chat) != o_.chat_ids.end();
  }

  void Handle(const IncomingUpdate& u) {
    if (!u.is_message) {
      Log("update " + std::to_string(u.update_id) + ": not a message, ignored");
      return;
    }
    if (!u.has_chat) {
      Log("update " + std::to_string(u.update_id) + ": message without a chat id, ignored");
      return;
    }
    const int64_t chat = u.chat_id;
    const std::string& user = u.user;
    const std::string& text = u.text;
    const int64_t sent_ms = u.sent_ms;
    const auto parsed = ParseCommand(text);
    const std::string command = parsed ? "/" + parsed->name : "(not a command)";
    const std::string args = parsed ? Join(parsed->args, " ") : "";
    const std::string who = "chat " + std::to_string(chat) + " (" + user + ")";
    const int64_t now = clock_.NowMs();

    if (RateLimited(chat, now)) {
      ++stats_.rate_limited;
      const std::string limited =
          "refused: rate-limited (over " + std::to_string(o_.max_messages_per_minute) + " messages a minute)";
      Log(who + ": " + command + (args.empty() ? "" : " " + args) + " -> " + limited);
      Audit(now, chat, command, args, limited);
      return;
    }
    std::string reply, result;
    if (!Allowed(chat)) {
      ++stats_.refused;
      reply = "Not allowed: this chat may not command this bot. The attempt was logged.";
      result = "refused: chat not allowed (" + user + ")";
    } else if (sent_ms > 0 && now - sent_ms > o_.stale_after_ms) {
      ++stats_.refused;
      const int64_t age_s = (now - sent_ms) / 1000;
      reply = "Refused: " + (text.empty() ? command : text) + " was sent at " + data::FormatIsoUtc(sent_ms) + ", " +
              std::to_string(age_s) + " s ago (limit " + std::to_string(o_.stale_after_ms / 1000) +
              " s), so it was not run. Send it again if you still want it.";
      result = "refused: stale (" + std::to_string(age_s) + " s old)";
    } else if (!parsed) {
      reply = "Not a command. /help lists the commands.";
      result = "not a command";
    } else {
      ++stats_.executed;
      ControlContext ctx{o_.archive_dir, db_, now, "telegram " + who, o_.board, o_.live_gates};
      CommandOutcome out = Execute(ctx, *parsed);
      reply = std::move(out.reply);
      result = std::move(out.result);
    }
    Log(who + ": " + command + (args.empty() ? "" : " " + args) + " -> " + result);
    Audit(now, chat, command, args, result);
    Send(chat, reply);
  }

  // True when `chat` already had max_messages_per_minute messages in the last 60 s; else counts
  // this one. Chats quiet for a minute are forgotten, so the memory stays bounded by the chats
  // active in the last minute.
  bool RateLimited(int64_t chat, int64_t now) {
    constexpr int64_t kWindowMs = 60 * 1000;
    if (recent_.size() > 1024)
      std::erase_if(recent_, [&](const auto& e) { return e.second.empty() || e.second.back() <= now - kWindowMs; });
    std::deque<int64_t>& times = recent_[chat];
    while (!times.empty() && times.front() <= now - kWindowMs) times.pop_front();
    if (static_cast<int>(times.size()) >= o_.max_messages_per_minute) return true;
    times.push_back(now);
    return false;
  }

  void Audit(int64_t now, int64_t chat, const std::string& command, const std::string& args,
             const std::string& result) {
    if (db_ == nullptr) return;
    auto r = db_->Exec("INSERT INTO control_audit (at, chat_id, command, args, result) VALUES (?, ?, ?, ?, ?)",
                       {storage::SqlTimestamp(now), std::to_string(chat), command, args, result});
    if (!r.ok()) Log("audit row not written: " + r.error().message);
  }

  void Send(int64_t chat, const std::string& text) { stats_.send_failures += sender_->Send(chat, text); }

  const BotOptions& o_;
  const Clock& clock_;
  BotApi api_;
  storage::Database* db_;
  const std::function<void(const std::string&)>& log_;
  BotStats stats_;
  std::map<int64_t, std::deque<int64_t>> recent_;  // chat -> times of its messages in the last minute
  std::unique_ptr<TelegramSender> own_sender_;
  TelegramSender* sender_;
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlTransport(const std::atomic<bool>* abort) {
  return std::make_unique<CurlTransport>(abort);
}

TelegramSender::TelegramSender(BotOptions options, const Clock& clock, HttpTransport& http,
                               std::function<void(const std::string&)> log)
    : o_(std::move(options)), clock_(clock), http_(http), log_(std::move(log)) {}

Result<ApiReply> TelegramSender::SendPart(int64_t chat, const std::string& part) {
  auto last = last_sent_.find(chat);
  if (last != last_sent_.end()) {
    const int64_t wait = last->second + o_.min_send_interval_ms - clock_.MonotonicMs();
    if (wait > 0) clock_.SleepMs(wait);
  }
  auto r = BotApi(o_, http_).Call("sendMessage", {{"chat_id", chat}, {"text", part}}, 30000);
  if (r.ok() && r->ok) ++answered_;
  // Counted from the answer: the server had the message by then, so the next one reaches it at
  // least the interval later whatever the network delay.
  last_sent_[chat] = clock_.MonotonicMs();
  return r;
}

TelegramSender::Attempt TelegramSender::SendOnce(int64_t chat, const std::string& text, size_t* parts_done) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::vector<std::string> parts = SplitMessage(text);
  for (; *parts_done < parts.size(); ++*parts_done) {
    Attempt a = Classify(SendPart(chat, parts[*parts_done]));
    if (a.outcome != Outcome::kSent) return a;
  }
  return Attempt{};
}

TelegramSender::Attempt TelegramSender::Classify(const Result<ApiReply>& r) {
  Attempt a;
  if (r.ok() && r->ok) return a;
  a.outcome = Outcome::kRetry;
  a.why = r.ok() ? "sendMessage: " + r->description : r.error().message;
  if (r.ok() && r->http_status == 429) a.retry_after_ms = r->retry_after_s * 1000;
  if (r.ok() && r->http_status >= 400 && r->http_status < 500 && r->http_status != 429) a.outcome = Outcome::kRefused;
  return a;
}

int TelegramSender::Send(int64_t chat, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  BotApi api(o_, http_);
  auto log = [&](const std::string& line) { log_(api.Redact(line)); };
  int dropped = 0;
  for (const std::string& part : SplitMessage(text)) {
    bool sent = false;
    const int attempts = Stopped() ? 1 : o_.send_attempts;
    for (int attempt = 1; attempt <= attempts && !sent; ++attempt) {
      const Attempt a = Classify(SendPart(chat, part));
      if (a.outcome == Outcome::kSent) {
        sent = true;
        break;
      }
      // The same doubling as the polls' backoff, capped at 64x the base.
      int64_t wait_ms = training::RetryPolicy{0, o_.backoff_base_ms, o_.backoff_base_ms << 6}.BackoffMs(attempt);
      const std::string& why = a.why;
      if (a.retry_after_ms > 0) wait_ms = a.retry_after_ms;
      if (a.outcome == Outcome::kRefused) attempt = attempts;
      if (attempt < attempts) {
        log(why + "; retrying in " + std::to_string(wait_ms) + " ms");
        SleepUnlessStopped(clock_, wait_ms, o_.stop);
      } else {
        log(why + "; message to chat " + std::to_string(chat) + " dropped");
      }
    }
    if (!sent) ++dropped;
  }
  return dropped;
}

std::string RedactToken(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + 7))
    text.replace(at, token.size(), "<token>");
  return text;
}

std::vector<std::string> SplitMessage(const std::string& text, size_t limit) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (text.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside UTF-8
    if (cut == pos) cut = pos + limit;  // no character start at all (not UTF-8): cut anywhere
    const size_t nl = text.rfind('\n', cut - 1);
    if (nl != std::string::npos && nl > pos) {
      out.push_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    } else {
      out.push_back(text.substr(pos, cut - pos));
      pos = cut;
    }
  }
  if (pos < text.size() || out.empty()) out.push_back(text.substr(pos));
  return out;
}

std::string OffsetPath(const std::string& archive_dir) { return archive_dir + "/control/telegram_offset.json"; }

// Bounds on numbers from the Bot API (a broken or hostile server): a message date (Unix seconds,
// 2100-01-01) and a 429's retry_after (one day), so that neither overflows once turned into ms.
constexpr int64_t kLatestDateS = 4102444800;
constexpr int64_t kMaxRetryAfterS = 86400;

ApiReply ParseApiReply(long http_status, std::string_view body) {
  ApiReply a;
  a.http_status = http_status;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    const auto ok = j.find("ok");
    a.ok = http_status == 200 && ok != j.end() && ok->is_boolean() && ok->get<bool>();
    if (j.contains("description") && j["description"].is_string()) a.description = j["description"];
    if (j.contains("parameters") && j["parameters"].is_object() && j["parameters"].contains("retry_after") &&
        j["parameters"]["retry_after"].is_number_integer())
      a.retry_after_s = std::clamp<int64_t>(j["parameters"]["retry_after"].get<int64_t>(), 0, kMaxRetryAfterS);
    if (j.contains("result")) a.result = j["result"];
  }
  if (!a.ok && a.description.empty()) a.description = "HTTP " + std::to_string(http_status);
  return a;
}

IncomingUpdate ParseUpdate(const nlohmann::json& update) {
  IncomingUpdate u;
  if (!update.is_object() || !update.contains("update_id") || !update["update_id"].is_number_integer()) return u;
  u.has_id = true;
  u.update_id = update["update_id"].get<int64_t>();
  if (!update.contains("message") || !update["message"].is_object()) return u;
  u.is_message = true;
  const nlohmann::json& m = update["message"];
  if (!m.contains("chat") || !m["chat"].is_object() || !m["chat"].contains("id") ||
      !m["chat"]["id"].is_number_integer())
    return u;
  u.has_chat = true;
  u.chat_id = m["chat"]["id"].get<int64_t>();
  if (m.contains("from") && m["from"].is_object()) {
    const auto& f = m["from"];
    if (f.contains("username") && f["username"].is_string())
      u.user = "@" + f["username"].get<std::string>();
    else if (f.contains("id"))
      u.user = "id " + f["id"].dump();
  }
  if (m.contains("text") && m["text"].is_string()) u.text = m["text"].get<std::string>();
  // Unix seconds; a date outside 1970..2100 is ignored (it would not even fit in ms).
  if (m.contains("date") && m["date"].is_number_integer()) {
    const int64_t date_s = m["date"].get<int64_t>();
    if (date_s >= 0 && date_s <= kLatestDateS) u.sent_ms = date_s * 1000;
  }
  return u;
}

Result<BotStats> RunBot(const BotOptions& options, const Clock& clock, HttpTransport& http, storage::Database* db,
                        const std::function<void(const std::string&)>& log, TelegramSender* sender) {
  if (options.token.empty())
    return InvalidArgument("telegram: no bot token (set TELEGRAM_TOKEN or telegram.token_file)");
  if (options.archive_dir.empty()) return InvalidArgument("telegram: no archive folder");
  Bot bot(options, clock, http, db, log, sender);
  return bot.Run();
}

}  // namespace huracan::control
