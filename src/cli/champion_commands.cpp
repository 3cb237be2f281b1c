// `huracan champion list|show|rollback`: the per-coin champion pointers in the archive.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/clock.h"
#include "registry/archive.h"
#include "registry/champion.h"
#include "registry/promotion.h"
#include "storage/database.h"
#include "storage/local_store.h"
#include "storage/migrations.h"

namespace huracan::cli {
namespace {

struct ChampionOptions {
  std::string archive = "./archive";
  std::string db;  // rollback only; empty = DATABASE_URL or ./huracan.db
  std::string symbol;
  bool json = false;
  bool no_db = false;
};

// archive.url and database.url after every override (docs/CONFIG.md); the flags are part of them.
ChampionOptions Resolved(ChampionOptions o) {
  o.archive = ActiveSettings().String("archive.url");
  o.db = ActiveSettings().DatabaseUrl();
  return o;
}

Result<std::unique_ptr<storage::ObjectStore>> OpenArchive(const std::string& dir) {
  return storage::OpenObjectStore(dir);
}

Result<int> RunList(const ChampionOptions& opt) {
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(opt.archive));
  registry::Archive archive(*store);
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> symbols, archive.ListChampionSymbols());
  if (symbols.empty()) {
    std::printf("no champions in %s\n", store->Describe().c_str());
    return kExitOk;
  }
  int bad = 0;
  std::printf("%-14s %-34s %-26s %s\n", "SYMBOL", "MODEL_ID", "PROMOTED_AT", "STATUS");
  for (const std::string& sym : symbols) {
    auto pointer = registry::ReadChampionPointer(*store, sym);
    if (!pointer.ok() || !pointer->has_value()) {
      ++bad;
      std::printf("%-14s %-34s %-26s %s\n", sym.c_str(), "?", "?",
                  pointer.ok() ? "missing" : ("UNREADABLE: " + pointer.error().message).c_str());
      continue;
    }
    const registry::ChampionEntry& cur = (*pointer)->current;
    Status ok = registry::VerifyChampionEntry(*store, cur);
    if (!ok.ok()) ++bad;
    std::printf("%-14s %-34s %-26s %s\n", sym.c_str(), cur.model_id.c_str(), cur.promoted_at.c_str(),
                ok.ok() ? "ok" : ("CORRUPT: " + ok.error().message).c_str());
  }
  return bad == 0 ? kExitOk : kExitPartial;
}

Result<int> RunShow(const ChampionOptions& opt) {
  HURACAN_RETURN_IF_ERROR(registry::ValidateSymbol(opt.symbol));
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(opt.archive));
  HURACAN_ASSIGN_OR_RETURN(auto pointer, registry::ReadChampionPointer(*store, opt.symbol));
  if (!pointer) return NotFound(opt.symbol + ": no champion in " + store->Describe() + " (coin is not traded)");
  Result<registry::LoadedChampion> loaded = registry::LoadChampion(*store, opt.symbol);
  if (opt.json) {
    nlohmann::json j = pointer->ToJson();
    j["loaded_model_id"] = loaded.ok() ? nlohmann::json(loaded->entry.model_id) : nlohmann::json(nullptr);
    j["warnings"] = nlohmann::json::array();
    if (loaded.ok()) {
      for (const auto& w : loaded->warnings) j["warnings"].push_back(w);
    } else {
      j["warnings"].push_back(loaded.error().message);
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    const auto& cur = pointer->current;
    std::printf(
        "symbol:       %s\nmodel_id:     %s\npath:         %s\nsha256:       %s\npromoted_at:  %s\nreason:       %s\n",
        pointer->symbol.c_str(), cur.model_id.c_str(), cur.path.c_str(), cur.sha256.c_str(), cur.promoted_at.c_str(),
        cur.reason.c_str());
    if (loaded.ok()) {
      const auto& cfg = loaded->bundle.config;
      std::printf("bundle:       %s (%zu sections; engines: %zu; feature hash %s)\n",
                  loaded->fell_back ? "current UNUSABLE" : "verified", loaded->bundle.model.sections().size(),
                  cfg.engines.size(), cfg.feature_hash.c_str());
    }
    std::printf("previous:     %zu\n", pointer->previous.size());
    for (const auto& e : pointer->previous)
      std::printf("  - %s  %s  %s\n", e.model_id.c_str(), e.promoted_at.c_str(), e.path.c_str());
    if (!pointer->rolled_back.empty()) {
      std::printf("rolled back:  %zu\n", pointer->rolled_back.size());
      for (const auto& e : pointer->rolled_back)
        std::printf("  - %s  (rolled back %s)\n", e.model_id.c_str(), e.rolled_back_at.c_str());
    }
    if (loaded.ok()) {
      for (const auto& w : loaded->warnings) std::printf("warning: %s\n", w.c_str());
    } else {
      std::printf("warning: %s\n", loaded.error().message.c_str());
    }
  }
  if (!loaded.ok()) return kExitPartial;
  return loaded->fell_back ? kExitPartial : kExitOk;
}

Result<int> RunRollback(const ChampionOptions& opt) {
  HURACAN_RETURN_IF_ERROR(registry::ValidateSymbol(opt.symbol));
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(opt.archive));
  WallClock clock;
  const int64_t now = clock.NowMs();
  HURACAN_ASSIGN_OR_RETURN(registry::RollbackResult r, registry::RollbackChampion(*store, opt.symbol, now));
  for (const auto& w : r.warnings) std::printf("warning: %s\n", w.c_str());
  std::printf("%s: champion rolled back from %s to %s\n", opt.symbol.c_str(), r.from.model_id.c_str(),
              r.to.model_id.c_str());
  if (opt.no_db) return kExitOk;
  // The pointer moved; recording it is best effort and reported.
  const std::string url = opt.db.empty() ? storage::DefaultDatabaseUrl() : opt.db;
  auto db = storage::OpenDatabase(url);
  Status recorded = db.ok() ? Status::Ok() : Status(db.error());
  if (recorded.ok()) {
    auto migrated = storage::Migrate(**db);
    if (!migrated.ok()) recorded = migrated.error();
  }
  if (recorded.ok()) {
    nlohmann::json snapshot = {{"from", r.from.ToJson()}, {"to", r.to.ToJson()}, {"warnings", r.warnings}};
    recorded = registry::RecordPromotion(**db, opt.symbol, "rollback", r.from.model_id, r.to.model_id,
                                         "manual rollback", snapshot, now);
  }
  if (!recorded.ok()) {
    std::fprintf(stderr, "huracan: rollback done but not recorded in the database: %s\n",
                 recorded.error().message.c_str());
    return kExitPartial;
  }
  std::printf("recorded in %s (promotions)\n", (*db)->Describe().c_str());
  return kExitOk;
}

}  // namespace

void RegisterChampionCommands(CLI::App& app, Action* out) {
  CLI::App* champ = app.add_subcommand("champion", "Per-coin champion pointers: list, show, rollback");
  champ->require_subcommand(1);
  auto opt = std::make_shared<ChampionOptions>();
  const char* archive_help = "Archive folder (default ./archive)";

  CLI::App* list = champ->add_subcommand("list", "List every coin's champion and whether its bundle verifies");
  list->add_option("--archive", opt->archive, archive_help);
  list->callback([out, opt] { *out = [opt] { return RunList(Resolved(*opt)); }; });

  CLI::App* show = champ->add_subcommand("show", "Show a coin's champion pointer, history and verification");
  show->add_option("symbol", opt->symbol, "Coin, e.g. BTCUSDT")->required();
  show->add_option("--archive", opt->archive, archive_help);
  show->add_flag("--json", opt->json, "Print the pointer as JSON");
  show->callback([out, opt] { *out = [opt] { return RunShow(Resolved(*opt)); }; });

  CLI::App* rollback =
      champ->add_subcommand("rollback", "Move a coin's champion pointer back to the previous valid champion");
  rollback->add_option("symbol", opt->symbol, "Coin, e.g. BTCUSDT")->required();
  rollback->add_option("--archive", opt->archive, archive_help);
  rollback->add_option("--db", opt->db, "Database to record the rollback in (default $DATABASE_URL or ./huracan.db)");
  rollback->add_flag("--no-db", opt->no_db, "Do not record the rollback in the database");
  rollback->callback([out, opt] { *out = [opt] { return RunRollback(Resolved(*opt)); }; });
}

}  // namespace huracan::cli
