// `huracan serve`: the status page, /metrics, /healthz and /api/status against the archive and the
// database (docs/CONTROL.md, "Status page").
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "control/http_server.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace huracan::cli {
namespace {

struct ServeArgs {
  std::string archive = "./archive";  // flags feed archive.url, database.url, http.bind
  std::string db;
  std::string bind;
  int port = -1;  // -1: http.port; 0: any free port (only here: the setting's range is 1..65535)
  int threads = 64;
};

Result<int> RunServeCommand(const ServeArgs& a) {
  const config::Settings& s = ActiveSettings();
  control::ServeOptions o;
  o.bind = s.String("http.bind");
  if (a.port > 65535 || a.port < -1) return InvalidArgument("--port must be in 0..65535");
  o.port = a.port >= 0 ? a.port : static_cast<int>(s.Int("http.port"));
  o.archive_dir = s.String("archive.url");
  o.token = s.Get("http.token").set ? s.String("http.token") : "";
  if (a.threads < 1) return InvalidArgument("--threads must be >= 1");
  o.threads = a.threads;
  o.live_gates = s.InlineRules();  // promotion.live_*: the challengers' distance from promotion
  HURACAN_ASSIGN_OR_RETURN(auto db, storage::OpenDatabase(s.DatabaseUrl()));
  HURACAN_RETURN_IF_ERROR_CTX(storage::Migrate(*db), db->Describe());
  o.db = db.get();
  control::StatusServer server(o);
  HURACAN_RETURN_IF_ERROR(server.Start());
  std::printf("serve: listening on http://%s:%d (actions %s)\n", o.bind.c_str(), server.port(),
              o.token.empty() ? "disabled: no HURACAN_HTTP_TOKEN" : "enabled with the bearer token");
  std::fflush(stdout);
  server.Wait();
  return kExitOk;
}

}  // namespace

void RegisterServeCommands(CLI::App& app, Action* out) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Serve the status page, /metrics, /healthz and /api/status (docs/CONTROL.md)");
  cmd->add_option("--port", a->port, "Port (default: http.port, 8080; 0 = any free port, printed at start)");
  cmd->add_option("--bind", a->bind, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--archive", a->archive, "Archive folder (default ./archive)");
  cmd->add_option("--db", a->db, "SQLite path or postgres:// URL (default $DATABASE_URL, else ./huracan.db)");
  cmd->add_option("--threads", a->threads, "Connections served at once, a thread each (default 64)");
  cmd->callback([a, out] { *out = [a]() { return RunServeCommand(*a); }; });
}

}  // namespace huracan::cli
