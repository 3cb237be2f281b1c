// The operator's commands (docs/CONTROL.md), each written once: a function that takes typed
// arguments and returns a result struct, and a renderer that turns the result into text. The
// Telegram bot (control/telegram_bot.h) parses a message, calls the function and sends the text;
// a CLI or HTTP front end can call the same functions and render them its own way.
//
// Files in the archive folder that the commands read or write:
//   symbols_selector.json       which symbols the live runner trades (live/symbols_selector.h)
//   control/paused.json         present = no new entries (docs/LIVE.md, "Pause flag")
//   champion/SYM/latest.json    champions (read only), models/.../metrics.json their OOS figures
//   summaries/daily/DATE.json   daily summaries (read only)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "live/status.h"
#include "registry/live_evidence.h"
#include "storage/database.h"

namespace huracan::control {

// What the commands work on. The archive must be a local folder (the selector and the pause flag
// are files). `db` may be null: commands that need it say so.
struct ControlContext {
  std::string archive_dir;
  storage::Database* db = nullptr;
  int64_t now_ms = 0;
  std::string source;                        // who is acting, for the selector's `source` and the pause flag's `by`
  const live::StatusBoard* board = nullptr;  // inside `huracan live`: the runner's status
  // The live promotion gates shown beside each challenger when no live runner's status is given
  // (the promotion.live_* settings); a runner's status carries its own.
  registry::PromotionRules live_gates = {};
};

std::string SelectorPath(const std::string& archive_dir);    // ARCHIVE/symbols_selector.json
std::string PausedFlagPath(const std::string& archive_dir);  // ARCHIVE/control/paused.json

// --- /champions ---
// A challenger of the champion (champion/SYMBOL/challengers.json), with its live evidence from the
// database: its shadow trades against the champion's over the same period (from its first shadow
// trade), and the distance from the live promotion gates.
struct ChallengerRow {
  std::string model_id;
  std::string source;  // "mechanic" | "daily"
  std::string added_at;
  // Trades and net bps of both sides; `enabled` when the live gates are on (known inside `huracan
  // live`: its status carries promotion.live_*; elsewhere off, without a distance).
  registry::LiveEvidenceVerdict live;
  std::string problem;  // the evidence could not be read
};
struct ChampionRow {
  std::string symbol;
  std::string model_id;
  std::string promoted_at;    // ISO-8601 UTC
  double age_days = 0.0;      // now - promoted_at
  bool has_metrics = false;   // false: metrics.json missing or unreadable (`problem` says why)
  double net_edge_bps = 0.0;  // OOS mean net bps per trade
  double net_sharpe = 0.0;    // OOS, annualised
  double hit_rate = 0.0;      // OOS, in [0, 1]
  int64_t trades = 0;         // OOS trades
  std::string problem;
  std::vector<ChallengerRow> challengers;  // the set's order (most recent first)
};
struct ChampionsResult {
  std::vector<ChampionRow> rows;  // by symbol
};
Result<ChampionsResult> Champions(const ControlContext& ctx);
std::string RenderChampions(const ChampionsResult& r);

// --- /trade N, /allow SYM..., /block SYM... ---
struct SelectorResult {
  std::vector<std::string> symbols;  // now traded, in priority order
  std::vector<std::string> allow;
  std::vector<std::string> block;
  std::vector<std::string> unknown;  // refused names (not a champion); nothing was written then
  std::vector<std::string> ranked;   // the top N by champion net edge that /trade picked
  std::string action;                // "trade 3", "allow", "block"
  bool written = false;
};
// Top `n` (>= 1) champions by OOS net edge (ties by symbol), minus the blocklist, plus the
// allowlist; keeps the current allow/block lists. Writes the selector atomically.
Result<SelectorResult> Trade(const ControlContext& ctx, int n);
// Adds to the allowlist (and removes from the blocklist); traded at once. Unknown symbols (no
// champion in the archive) are named and nothing is written.
Result<SelectorResult> Allow(const ControlContext& ctx, const std::vector<std::string>& symbols);
// Adds to the blocklist (and removes from the allowlist and the traded list).
Result<SelectorResult> Block(const ControlContext& ctx, const std::vector<std::string>& symbols);
std::string RenderSelector(const SelectorResult& r);

// --- /pause, /resume ---
struct PauseResult {
  bool paused = false;
  bool changed = false;  // false: it already was
};
Result<PauseResult> SetPaused(const ControlContext& ctx, bool paused);
std::string RenderPause(const PauseResult& r);

// --- /status ---
struct StatusResult {
  int champions = 0;
  bool has_selector = false;
  std::vector<std::string> traded;  // selector symbols
  bool paused = false;
  std::string paused_since;       // ISO, when paused
  std::string last_summary_date;  // empty: none
  std::string problem;            // e.g. an unreadable selector
  // Inside `huracan live`: the runner's latest snapshot (mode, symbols traded, positions, today's
  // PnL, feed health, degraded symbols); null without a live runner or before its first bar.
  std::shared_ptr<const live::LiveStatus> live;
  bool live_attached = false;  // a live runner is attached (its first snapshot may be pending)
};
Result<StatusResult> StatusOf(const ControlContext& ctx);
std::string RenderStatus(const StatusResult& r);

// --- /summary [DATE] ---
struct SummaryResult {
  std::string date;  // empty: no summary in the archive
  std::string text;  // training::FormatSummaryText
};
// The summary of `date` (YYYY-MM-DD or YYYYMMDD), else the latest one.
Result<SummaryResult> Summary(const ControlContext& ctx, const std::optional<std::string>& date);
std::string RenderSummary(const SummaryResult& r);

// --- /trades [N] ---
struct TradesResult {
  struct Row {
    std::string time, symbol, side;
    double net_pnl = 0.0;
  };
  std::vector<Row> rows;  // the last N closed live trades, oldest first
  int64_t total = 0;      // live_trades rows in the database
};
Result<TradesResult> Trades(const ControlContext& ctx, int n);
std::string RenderTrades(const TradesResult& r);

// --- /profit [days], /daily [days] ---
struct EquityResult {
  struct Day {
    std::string date;
    double nav = 0.0, max_dd = 0.0;
  };
  std::vector<Day> days;  // the last `days` daily_equity rows, oldest first
};
Result<EquityResult> Equity(const ControlContext& ctx, int days);
std::string RenderProfit(const EquityResult& r);
std::string RenderDaily(const EquityResult& r);

// --- /health ---
struct HealthResult {
  bool archive_ok = false;
  std::string archive_problem;
  bool db_ok = false;
  std::string db_problem;
  std::string db_describe;
};
HealthResult Health(const ControlContext& ctx);
std::string RenderHealth(const HealthResult& r);

// --- /help ---
std::string RenderHelp();

// --- parsing and dispatch ---
struct ParsedCommand {
  std::string name;               // "trade" (no slash, no @botname)
  std::vector<std::string> args;  // white-space separated
};
// nullopt when the text is not a command (does not start with '/').
std::optional<ParsedCommand> ParseCommand(const std::string& text);

struct CommandOutcome {
  std::string reply;   // the text to send back
  std::string result;  // for the audit row: "ok", "bad arguments: ...", "error: ...", "unknown command"
};
// Runs one command and renders its result. Never throws; bad commands and bad arguments give a
// helpful reply.
CommandOutcome Execute(const ControlContext& ctx, const ParsedCommand& cmd);

}  // namespace huracan::control
