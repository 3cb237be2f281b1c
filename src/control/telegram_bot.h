// The Telegram bot (docs/CONTROL.md): Bot API long polling (getUpdates with offset and timeout),
// sendMessage replies, an allow-list of chat ids, an audit row per command, stale commands
// refused, outgoing limits (1 message/s per chat, 429 retry_after, 4096-character parts) and
// backoff on outages. The token is part of every request URL: it is redacted from every log line
// and error this file produces.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "live/status.h"
#include "registry/promotion.h"
#include "storage/database.h"

namespace huracan::control {

// Telegram's limit on one message.
inline constexpr size_t kMaxMessageChars = 4096;

struct HttpResponse {
  long status = 0;
  std::string body;
};

// One HTTP POST of a JSON body. Transport failures (connection refused, timeout) are errors;
// any HTTP answer, 5xx included, is a response.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> PostJson(const std::string& url, const std::string& body, int64_t timeout_ms) = 0;
};
// `abort` (may be null): once it is true, a request in flight (a getUpdates long poll) is cut short
// and fails.
std::unique_ptr<HttpTransport> MakeCurlTransport(const std::atomic<bool>* abort = nullptr);

// `text` with every occurrence of `token` replaced by "<token>".
std::string RedactToken(std::string text, const std::string& token);

// Splits `text` into parts of at most `limit` bytes, at the last newline of a part when there is
// one, never inside a UTF-8 sequence.
std::vector<std::string> SplitMessage(const std::string& text, size_t limit = kMaxMessageChars);

struct BotOptions {
  std::string api_base = "https://api.telegram.org";
  std::string token;
  std::vector<int64_t> chat_ids;  // allowed to command
  int64_t poll_timeout_s = 30;    // getUpdates long-poll wait
  int64_t stale_after_ms = 5 * 60 * 1000;
  std::string archive_dir;              // commands' archive; the offset file is ARCHIVE/control/telegram_offset.json
  int64_t max_updates = -1;             // stop after handling this many updates (-1: never)
  int64_t max_polls = -1;               // stop after this many getUpdates calls (-1: never)
  int64_t min_send_interval_ms = 1000;  // per chat
  // A flood: a chat's messages beyond this many a minute (allowed or not) are audited as
  // "refused: rate-limited" and get no reply, so replies never fall behind the updates.
  int max_messages_per_minute = 10;
  int64_t backoff_base_ms = 1000;  // getUpdates failures: base * 2^(n-1), capped
  int64_t backoff_cap_ms = 60000;
  int send_attempts = 4;  // per message part (429 and 5xx retried)
  // Inside `huracan live`: once true, the loop ends after the current poll and backoff waits end
  // early; outgoing messages get one attempt.
  const std::atomic<bool>* stop = nullptr;
  // The live runner's status (/status shows its figures); null: the bot runs alone.
  const live::StatusBoard* board = nullptr;
  registry::PromotionRules live_gates;  // without a live runner: the live gates /champions shows (settings)
};

struct ApiReply;  // below

// Outgoing messages under the limits: parts of at most 4096 characters, at most one message per
// second per chat, 429 retry_after honoured, 5xx and transport errors retried with backoff; a part
// that still fails is logged and dropped. Thread-safe (one message at a time): the bot's replies
// and the pushes share one sender, so they share the per-chat limit.
class TelegramSender {
 public:
  TelegramSender(BotOptions options, const Clock& clock, HttpTransport& http,
                 std::function<void(const std::string&)> log);
  // Sends `text` to `chat`; returns the number of parts given up on.
  int Send(int64_t chat, const std::string& text);

  // One attempt at each part of `text` not delivered yet (`*parts_done` of them were), under the
  // same per-chat limit; stops at the first part that fails. For callers that keep the message and
  // retry it themselves (the alert pushes): a part Telegram answered ok is never sent again.
  enum class Outcome { kSent, kRetry, kRefused };
  struct Attempt {
    Outcome outcome = Outcome::kSent;  // kRetry: transport error, 429 or 5xx; kRefused: other 4xx
    int64_t retry_after_ms = 0;        // a 429's retry_after
    std::string why;                   // the failure, token redacted
  };
  Attempt SendOnce(int64_t chat, const std::string& text, size_t* parts_done);

  // How many messages Telegram answered ok so far: the bot's poll loop, backing off after failed
  // polls, polls again at once when this moves (Telegram is back).
  int64_t answered() const { return answered_.load(); }

 private:
  // One sendMessage of `part` after the per-chat interval; records the send time.
  Result<ApiReply> SendPart(int64_t chat, const std::string& part);
  static Attempt Classify(const Result<ApiReply>& r);
  bool Stopped() const { return o_.stop != nullptr && o_.stop->load(); }
  const BotOptions o_;
  const Clock& clock_;
  HttpTransport& http_;
  const std::function<void(const std::string&)> log_;
  std::mutex mu_;
  std::map<int64_t, int64_t> last_sent_;  // chat -> monotonic ms of the last send
  std::atomic<int64_t> answered_{0};
};

struct BotStats {
  int64_t updates = 0;       // updates handled
  int64_t executed = 0;      // commands run
  int64_t refused = 0;       // stranger or stale
  int64_t rate_limited = 0;  // beyond max_messages_per_minute (not counted in refused)
  int64_t poll_errors = 0;
  int64_t send_failures = 0;  // parts given up on
  int64_t offset = 0;         // the next update id wanted
};

std::string OffsetPath(const std::string& archive_dir);  // ARCHIVE/control/telegram_offset.json

// One Bot API answer: {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":"...",
// "parameters":{"retry_after":S}}. Any body is read without throwing; `ok` needs HTTP 200 and
// "ok": true, and a failed answer always has a description ("HTTP <status>" when it gave none).
struct ApiReply {
  bool ok = false;
  long http_status = 0;
  std::string description;
  int64_t retry_after_s = 0;
  nlohmann::json result;
};
ApiReply ParseApiReply(long http_status, std::string_view body);

// One item of getUpdates' result, read without throwing. Only messages with a chat id are
// commands; the rest are logged and skipped.
struct IncomingUpdate {
  bool has_id = false;  // false: no integer update_id (skipped)
  int64_t update_id = 0;
  bool is_message = false;
  bool has_chat = false;
  int64_t chat_id = 0;
  std::string user = "?";  // "@username", "id N" or "?"
  std::string text;
  int64_t sent_ms = 0;  // message date, 0 when absent
};
IncomingUpdate ParseUpdate(const nlohmann::json& update);

// Runs the polling loop until a max_* limit is hit (or `stop`). `db` (may be null) receives the audit rows.
// `log` gets one line per event, the token already redacted. Returns an error only when the
// last getUpdates call failed (an outage at the end of a bounded run) or the offset file is
// unusable; everything else is logged and the loop goes on.
// `sender` (may be null: the bot makes its own) sends the replies; when it is shared (the alert
// pushes), a backoff wait after failed polls ends as soon as it gets an ok from Telegram.
Result<BotStats> RunBot(const BotOptions& options, const Clock& clock, HttpTransport& http, storage::Database* db,
                        const std::function<void(const std::string&)>& log, TelegramSender* sender = nullptr);

}  // namespace huracan::control
