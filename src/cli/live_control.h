// The operator's controls around a CLI run: the Telegram bot's options from the settings (shared
// by `huracan bot`, `huracan live --telegram` and the training summary push), and LiveControl,
// which runs the status page, the bot and the alert pushes beside `huracan live` (docs/LIVE.md,
// "Control inside live").
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "config/settings.h"
#include "control/alert_pusher.h"
#include "control/http_server.h"
#include "control/telegram_bot.h"
#include "core/clock.h"
#include "live/runner.h"
#include "storage/database.h"

namespace huracan::cli {

// telegram.* and archive.url. Errors when a chat id is not an integer; the token may be empty
// (the caller decides whether that is an error).
Result<control::BotOptions> BotOptionsFromSettings(const config::Settings& s);

// Pushes `text` to TELEGRAM_CHAT_ID when TELEGRAM_TOKEN is set; never fails: what happened is
// returned as one line for the caller's log ("" when Telegram is not configured).
std::string PushTextIfConfigured(const config::Settings& s, const std::string& text);

class LiveControl {
 public:
  struct Options {
    bool telegram = false;  // run the bot and the pushes
    int serve_port = -1;    // -1: no status server; 0: any free port
    std::string bind;       // empty: http.bind
  };
  // Starts what `opts` asks for and points `live`'s status board (and, with the bot, its alert
  // sink) at it. Nothing is started when neither is asked for.
  static Result<std::unique_ptr<LiveControl>> Start(const Options& opts, const config::Settings& s,
                                                    live::LiveOptions* live);
  ~LiveControl();
  // Stops the bot (its poll is cut short), sends the queued pushes, stops the server.
  void Stop();

 private:
  LiveControl() = default;
  WallClock clock_;
  live::StatusBoard board_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<storage::Database> bot_db_, serve_db_;
  std::unique_ptr<control::HttpTransport> http_;
  control::BotOptions bot_;
  std::unique_ptr<control::TelegramSender> sender_;
  std::unique_ptr<control::AlertPusher> pusher_;
  std::thread bot_thread_;
  std::unique_ptr<control::StatusServer> server_;
};

}  // namespace huracan::cli
