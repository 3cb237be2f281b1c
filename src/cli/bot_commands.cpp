// `huracan bot`: the Telegram bot alone, against the archive and the database (docs/CONTROL.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/live_control.h"
#include "control/telegram_bot.h"
#include "core/clock.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace huracan::cli {
namespace {

struct BotArgs {
  std::string archive = "./archive";  // flags feed archive.url / database.url (docs/CONFIG.md)
  std::string db;
  int64_t max_updates = -1;
  int64_t max_polls = -1;
  int64_t backoff_ms = 1000;
};

Result<int> RunBotCommand(const BotArgs& a) {
  const config::Settings& s = ActiveSettings();
  HURACAN_ASSIGN_OR_RETURN(control::BotOptions o, BotOptionsFromSettings(s));
  if (o.token.empty()) return InvalidArgument("bot: no Telegram token: set TELEGRAM_TOKEN or telegram.token_file");
  if (o.chat_ids.empty())
    std::fprintf(stderr, "huracan bot: no chat ids allowed (TELEGRAM_CHAT_ID): every command will be refused\n");
  o.max_updates = a.max_updates;
  o.max_polls = a.max_polls;
  if (a.backoff_ms < 1) return InvalidArgument("--backoff-ms must be >= 1");
  o.backoff_base_ms = a.backoff_ms;
  HURACAN_ASSIGN_OR_RETURN(auto db, storage::OpenDatabase(s.DatabaseUrl()));
  HURACAN_RETURN_IF_ERROR_CTX(storage::Migrate(*db), db->Describe());
  WallClock clock;
  auto http = control::MakeCurlTransport();
  HURACAN_ASSIGN_OR_RETURN(control::BotStats st,
                           control::RunBot(o, clock, *http, db.get(), [](const std::string& line) {
                             std::fprintf(stderr, "huracan bot: %s\n", OneLine(line).c_str());
                             std::fflush(stderr);
                           }));
  std::printf(
      "bot: %lld updates, %lld commands run, %lld refused, %lld poll errors, %lld replies dropped, offset %lld\n",
      static_cast<long long>(st.updates), static_cast<long long>(st.executed), static_cast<long long>(st.refused),
      static_cast<long long>(st.poll_errors), static_cast<long long>(st.send_failures),
      static_cast<long long>(st.offset));
  return kExitOk;
}

}  // namespace

void RegisterBotCommands(CLI::App& app, Action* out) {
  auto a = std::make_shared<BotArgs>();
  CLI::App* bot = app.add_subcommand("bot", "Run the Telegram bot: allow-listed, audited commands (docs/CONTROL.md)");
  bot->add_option("--archive", a->archive, "Archive folder (default ./archive)");
  bot->add_option("--db", a->db, "SQLite path or postgres:// URL (default $DATABASE_URL, else ./huracan.db)");
  bot->add_option("--max-updates", a->max_updates, "Stop after handling N updates (default: run until killed)");
  bot->add_option("--max-polls", a->max_polls, "Stop after N getUpdates calls (default: run until killed)");
  bot->add_option("--backoff-ms", a->backoff_ms,
                  "First wait after a failed getUpdates; doubles, max 60 s (default 1000)");
  bot->callback([a, out] { *out = [a]() { return RunBotCommand(*a); }; });
}

}  // namespace huracan::cli
