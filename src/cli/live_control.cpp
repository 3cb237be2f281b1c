#include "cli/live_control.h"

#include <charconv>
#include <cstdio>

#include "cli/command.h"
#include "storage/migrations.h"

namespace huracan::cli {
namespace {

Result<std::vector<int64_t>> ChatIds(const std::vector<std::string>& items) {
  std::vector<int64_t> out;
  for (const std::string& s : items) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
      return InvalidArgument("telegram.chat_ids: '" + s + "' is not an integer chat id");
    out.push_back(v);
  }
  return out;
}

void LogLine(const char* who, const std::string& line) {
  std::fprintf(stderr, "%s: %s\n", who, OneLine(line).c_str());
  std::fflush(stderr);
}

Result<std::unique_ptr<storage::Database>> OpenMigrated(const config::Settings& s) {
  HURACAN_ASSIGN_OR_RETURN(auto db, storage::OpenDatabase(s.DatabaseUrl()));
  HURACAN_RETURN_IF_ERROR_CTX(storage::Migrate(*db), db->Describe());
  return db;
}

}  // namespace

Result<control::BotOptions> BotOptionsFromSettings(const config::Settings& s) {
  control::BotOptions o;
  o.api_base = s.String("telegram.api_base");
  while (!o.api_base.empty() && o.api_base.back() == '/') o.api_base.pop_back();
  o.token = s.Get("telegram.token").set ? s.String("telegram.token") : "";
  HURACAN_ASSIGN_OR_RETURN(o.chat_ids, ChatIds(s.List("telegram.chat_ids")));
  o.poll_timeout_s = s.Int("telegram.poll_timeout_seconds");
  o.stale_after_ms = s.Int("telegram.stale_command_seconds") * 1000;
  o.archive_dir = s.String("archive.url");
  o.live_gates = s.InlineRules();  // promotion.live_*: the challengers' distance from promotion (/champions)
  return o;
}

std::string PushTextIfConfigured(const config::Settings& s, const std::string& text) {
  auto o = BotOptionsFromSettings(s);
  if (!o.ok()) return "not pushed to Telegram: " + o.error().message;
  if (o->token.empty()) return "";
  if (o->chat_ids.empty()) return "not pushed to Telegram: no chat ids (TELEGRAM_CHAT_ID)";
  o->send_attempts = 3;  // a training run does not wait long for Telegram
  WallClock clock;
  auto http = control::MakeCurlTransport();
  std::string log;
  control::TelegramSender sender(*o, clock, *http, [&](const std::string& line) { log = line; });
  const int missed = control::PushToChats(sender, o->chat_ids, text);
  if (missed == 0) return "pushed to Telegram (" + std::to_string(o->chat_ids.size()) + " chat(s))";
  return "not pushed to Telegram to " + std::to_string(missed) + " of " + std::to_string(o->chat_ids.size()) +
         " chat(s): " + log;
}

Result<std::unique_ptr<LiveControl>> LiveControl::Start(const Options& opts, const config::Settings& s,
                                                        live::LiveOptions* live) {
  std::unique_ptr<LiveControl> c(new LiveControl());
  if (!opts.telegram && opts.serve_port < 0) return c;
  live->status = &c->board_;
  if (opts.serve_port >= 0) {
    HURACAN_ASSIGN_OR_RETURN(c->serve_db_, OpenMigrated(s));
    control::ServeOptions so;
    so.bind = opts.bind.empty() ? s.String("http.bind") : opts.bind;
    so.port = opts.serve_port;
    so.archive_dir = s.String("archive.url");
    so.token = s.Get("http.token").set ? s.String("http.token") : "";
    so.db = c->serve_db_.get();
    so.board = &c->board_;
    c->server_ = std::make_unique<control::StatusServer>(so);
    HURACAN_RETURN_IF_ERROR_CTX(c->server_->Start(), "live --serve");
    std::fprintf(stderr, "live: status page on http://%s:%d (actions %s)\n", so.bind.c_str(), c->server_->port(),
                 so.token.empty() ? "disabled: no HURACAN_HTTP_TOKEN" : "enabled with the bearer token");
    std::fflush(stderr);
  }
  if (opts.telegram) {
    HURACAN_ASSIGN_OR_RETURN(c->bot_, BotOptionsFromSettings(s));
    if (c->bot_.token.empty())
      return InvalidArgument("live --telegram: no Telegram token: set TELEGRAM_TOKEN or telegram.token_file");
    if (c->bot_.chat_ids.empty())
      std::fprintf(stderr, "live: telegram: no chat ids allowed (TELEGRAM_CHAT_ID): commands refused, no pushes\n");
    c->bot_.stop = &c->stop_;
    c->bot_.board = &c->board_;
    HURACAN_ASSIGN_OR_RETURN(c->bot_db_, OpenMigrated(s));
    c->http_ = control::MakeCurlTransport(&c->stop_);
    auto log = [](const std::string& line) { LogLine("live: telegram", line); };
    c->sender_ = std::make_unique<control::TelegramSender>(c->bot_, c->clock_, *c->http_, log);
    control::AlertPusher::Options po;
    po.max_queued = static_cast<size_t>(s.Int("telegram.alert_queue"));
    // Kept beside the restart state: what a stop or a crash leaves undelivered goes out next run.
    if (!live->state_dir.empty()) po.outbox_path = live->state_dir + "/" + control::kAlertOutboxFile;
    c->pusher_ = std::make_unique<control::AlertPusher>(*c->sender_, c->bot_.chat_ids, log, c->clock_, po);
    live->alerts = c->pusher_.get();
    LiveControl* self = c.get();
    c->bot_thread_ = std::thread([self, log] {
      auto st = control::RunBot(self->bot_, self->clock_, *self->http_, self->bot_db_.get(), log, self->sender_.get());
      if (!st.ok())
        log("the bot stopped: " + st.error().message + " (trading goes on)");
      else
        log("stopped: " + std::to_string(st->updates) + " updates, " + std::to_string(st->executed) +
            " commands run, " + std::to_string(st->refused) + " refused");
    });
  }
  return c;
}

void LiveControl::Stop() {
  stop_ = true;
  if (bot_thread_.joinable()) bot_thread_.join();
  if (pusher_) pusher_->Stop();
  if (server_) server_->Stop();
}

LiveControl::~LiveControl() { Stop(); }

}  // namespace huracan::cli
