#include "control/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fs.h"
#include "core/strings.h"
#include "core/time_units.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "live/symbols_selector.h"
#include "live/trade_log.h"
#include "registry/archive.h"
#include "registry/challenger_set.h"
#include "registry/champion.h"
#include "registry/promotion.h"
#include "storage/object_store.h"
#include "training/summary.h"

namespace huracan::control {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

Result<std::unique_ptr<storage::ObjectStore>> OpenArchive(const ControlContext& ctx) {
  return storage::OpenObjectStore(ctx.archive_dir);
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void Remove(std::vector<std::string>& v, const std::string& x) { v.erase(std::remove(v.begin(), v.end(), x), v.end()); }

// The current selector, or an empty one when there is none yet.
Result<live::SymbolSelector> CurrentSelector(const ControlContext& ctx) {
  const std::string path = SelectorPath(ctx.archive_dir);
  if (!std::filesystem::exists(path)) return live::SymbolSelector{};
  return live::ReadSymbolSelector(path);
}

Result<SelectorResult> WriteSelector(const ControlContext& ctx, live::SymbolSelector sel, SelectorResult r) {
  sel.updated_at_ms = ctx.now_ms;
  sel.source = ctx.source.empty() ? r.action : ctx.source + " /" + r.action;
  HURACAN_RETURN_IF_ERROR_CTX(live::WriteSymbolSelector(SelectorPath(ctx.archive_dir), sel), "symbols selector");
  r.symbols = sel.symbols;
  r.allow = sel.allow;
  r.block = sel.block;
  r.written = true;
  return r;
}

// Normalises each name to a market id and checks it has a champion. Unknown names go to `unknown`.
Result<std::vector<std::string>> KnownSymbols(const ControlContext& ctx, const std::vector<std::string>& names,
                                              std::vector<std::string>* unknown) {
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(ctx));
  registry::Archive archive(*store);
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> champions, archive.ListChampionSymbols());
  std::vector<std::string> out;
  for (const std::string& name : names) {
    auto market = data::ParseMarket(name);
    if (!market || !Contains(champions, market->id())) {
      unknown->push_back(name);
      continue;
    }
    if (!Contains(out, market->id())) out.push_back(market->id());
  }
  return out;
}

std::string List(const std::vector<std::string>& v) { return v.empty() ? "(none)" : Join(v, ", "); }

Result<int> PositiveInt(const std::string& text, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 1 || v > max)
    return InvalidArgument("'" + text + "' is not a whole number from 1 to " + std::to_string(max));
  return v;
}

}  // namespace

std::string SelectorPath(const std::string& archive_dir) { return archive_dir + "/symbols_selector.json"; }
std::string PausedFlagPath(const std::string& archive_dir) { return archive_dir + "/control/paused.json"; }

namespace {

// The live gates: the running process's (its status), else the context's (the settings).
registry::PromotionRules LiveGates(const ControlContext& ctx) {
  registry::PromotionRules rules = ctx.live_gates;
  if (ctx.board)
    if (auto st = ctx.board->Latest()) {
      rules.live_min_trades = st->promotion_live_min_trades;
      rules.live_net_bps_band = st->promotion_live_net_bps_band;
    }
  return rules;
}

// The symbol's challengers with their live evidence (an unreadable set: one row with its problem).
std::vector<ChallengerRow> Challengers(const ControlContext& ctx, const storage::ObjectStore& store,
                                       const std::string& symbol) {
  std::vector<ChallengerRow> out;
  auto set = registry::ReadChallengerSet(store, symbol);
  if (!set.ok()) {
    ChallengerRow& row = out.emplace_back();
    row.model_id = "?";
    row.problem = set.error().message;
    return out;
  }
  if (!*set) return out;
  const registry::PromotionRules rules = LiveGates(ctx);
  for (const registry::ChallengerEntry& e : (*set)->challengers) {
    ChallengerRow row;
    row.model_id = e.model_id;
    row.source = e.source;
    row.added_at = e.added_at;
    registry::LiveEvidence evidence;
    if (!ctx.db) {
      row.problem = "no database";
    } else if (auto ev = registry::ReadLiveEvidence(*ctx.db, symbol, e.model_id, 0); !ev.ok()) {
      row.problem = ev.error().message;
    } else {
      evidence = std::move(*ev);
    }
    row.live = registry::DecideLiveEvidence(evidence, rules);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
Result<ChampionsResult> Champions(const ControlContext& ctx) {
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(ctx));
  registry::Archive archive(*store);
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> symbols, archive.ListChampionSymbols());
  ChampionsResult out;
  for (const std::string& sym : symbols) {
    ChampionRow row;
    row.symbol = sym;
    auto pointer = registry::ReadChampionPointer(*store, sym);
    if (!pointer.ok() || !pointer->has_value()) {
      row.problem = pointer.ok() ? "pointer missing" : pointer.error().message;
      out.rows.push_back(std::move(row));
      continue;
    }
    const registry::ChampionEntry& cur = (*pointer)->current;
    row.model_id = cur.model_id;
    row.promoted_at = cur.promoted_at;
    if (auto at = data::ParseIsoUtc(cur.promoted_at))
      row.age_days = static_cast<double>(ctx.now_ms - *at) / static_cast<double>(kMsPerDay);
    const std::string key = cur.path + registry::kMetricsFile;
    auto text = store->Get(key);
    if (!text.ok()) {
      row.problem = text.error().message;
    } else {
      nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      auto oos = j.is_object() && j.contains("oos")
                     ? registry::ModelMetricsSummary::FromJson(j["oos"], key)
                     : Result<registry::ModelMetricsSummary>(DataLoss(key + ": no \"oos\" metrics"));
      if (!oos.ok()) {
        row.problem = oos.error().message;
      } else {
        row.has_metrics = true;
        row.net_edge_bps = oos->net_bps;
        row.net_sharpe = oos->net_sharpe;
        row.hit_rate = oos->hit_rate;
        row.trades = oos->trades;
      }
    }
    row.challengers = Challengers(ctx, *store, sym);
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::string RenderChampions(const ChampionsResult& r) {
  if (r.rows.empty()) return "No champions in the archive yet.";
  std::string out = "Champions (" + std::to_string(r.rows.size()) + "), OOS figures net of costs:";
  for (const auto& c : r.rows) {
    out += "\n" + c.symbol + ": ";
    if (c.model_id.empty()) {
      out += "unreadable (" + c.problem + ")";
      continue;
    }
    out += c.model_id + ", age " + Fixed(c.age_days, 1) + " d";
    if (c.has_metrics)
      out += ", net edge " + Fixed(c.net_edge_bps, 2) + " bps/trade, Sharpe " + Fixed(c.net_sharpe, 2) + ", hit " +
             Fixed(100.0 * c.hit_rate, 1) + "%, " + std::to_string(c.trades) + " trades";
    else
      out += ", no metrics (" + c.problem + ")";
    for (const ChallengerRow& ch : c.challengers) {
      out += "\n  challenger " + ch.model_id + " (" + ch.source + "): ";
      if (!ch.problem.empty()) {
        out += "no live evidence (" + ch.problem + ")";
        continue;
      }
      out += std::to_string(ch.live.challenger_trades) + " shadow trades, " + Fixed(ch.live.challenger_net_bps, 2) +
             " bps/trade vs champion " + Fixed(ch.live.champion_net_bps, 2) + " (" +
             std::to_string(ch.live.champion_trades) + " trades); " + registry::LiveEvidenceDistance(ch.live);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<SelectorResult> Trade(const ControlContext& ctx, int n) {
  if (n < 1) return InvalidArgument("/trade N: N must be at least 1");
  HURACAN_ASSIGN_OR_RETURN(ChampionsResult champions, Champions(ctx));
  std::vector<const ChampionRow*> ranked;
  for (const auto& c : champions.rows)
    if (c.has_metrics && std::isfinite(c.net_edge_bps)) ranked.push_back(&c);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ChampionRow* a, const ChampionRow* b) { return a->net_edge_bps > b->net_edge_bps; });
  HURACAN_ASSIGN_OR_RETURN(live::SymbolSelector sel, CurrentSelector(ctx));
  SelectorResult r;
  r.action = "trade " + std::to_string(n);
  sel.symbols.clear();
  for (const ChampionRow* c : ranked) {
    if (static_cast<int>(r.ranked.size()) >= n) break;
    r.ranked.push_back(c->symbol);
    if (!Contains(sel.block, c->symbol)) sel.symbols.push_back(c->symbol);
  }
  for (const std::string& s : sel.allow)
    if (!Contains(sel.symbols, s) && !Contains(sel.block, s)) sel.symbols.push_back(s);
  return WriteSelector(ctx, std::move(sel), std::move(r));
}

namespace {

// /allow and /block: validates the names, then edits the current selector's lists.
Result<SelectorResult> EditLists(const ControlContext& ctx, const std::string& verb,
                                 const std::vector<std::string>& symbols,
                                 const std::function<void(live::SymbolSelector&, const std::string&)>& edit) {
  if (symbols.empty()) return InvalidArgument("/" + verb + " SYM...: name at least one symbol");
  SelectorResult r;
  r.action = verb + " " + Join(symbols, " ");
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, KnownSymbols(ctx, symbols, &r.unknown));
  if (!r.unknown.empty()) return r;
  HURACAN_ASSIGN_OR_RETURN(live::SymbolSelector sel, CurrentSelector(ctx));
  for (const std::string& s : ids) edit(sel, s);
  return WriteSelector(ctx, std::move(sel), std::move(r));
}

}  // namespace

Result<SelectorResult> Allow(const ControlContext& ctx, const std::vector<std::string>& symbols) {
  return EditLists(ctx, "allow", symbols, [](live::SymbolSelector& sel, const std::string& s) {
    Remove(sel.block, s);
    if (!Contains(sel.allow, s)) sel.allow.push_back(s);
    if (!Contains(sel.symbols, s)) sel.symbols.push_back(s);
  });
}

Result<SelectorResult> Block(const ControlContext& ctx, const std::vector<std::string>& symbols) {
  return EditLists(ctx, "block", symbols, [](live::SymbolSelector& sel, const std::string& s) {
    Remove(sel.allow, s);
    Remove(sel.symbols, s);
    if (!Contains(sel.block, s)) sel.block.push_back(s);
  });
}

std::string RenderSelector(const SelectorResult& r) {
  if (!r.unknown.empty())
    return "Unknown symbol(s), nothing changed: " + Join(r.unknown, ", ") +
           ". Only symbols with a champion can be traded; /champions lists them.";
  std::string out;
  if (r.action.rfind("trade", 0) == 0) out += "Top by champion net edge: " + List(r.ranked) + "\n";
  out += "Selector written. Trading " + std::to_string(r.symbols.size()) + ": " + List(r.symbols) +
         "\nallow: " + List(r.allow) + "\nblock: " + List(r.block) + "\nThe live runner picks it up at its next bar.";
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<PauseResult> SetPaused(const ControlContext& ctx, bool paused) {
  const std::string path = PausedFlagPath(ctx.archive_dir);
  PauseResult r;
  r.paused = paused;
  const bool was = std::filesystem::exists(path);
  r.changed = was != paused;
  if (!r.changed) return r;
  if (paused) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) return Unavailable(path + ": cannot create its folder: " + ec.message());
    nlohmann::ordered_json j = {
        {"version", 1}, {"paused", true}, {"since", data::FormatIsoUtc(ctx.now_ms)}, {"by", ctx.source}};
    HURACAN_RETURN_IF_ERROR_CTX(WriteFileAtomic(path, j.dump(2) + "\n"), "pause flag");
  } else {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) return Unavailable(path + ": cannot remove: " + ec.message());
  }
  return r;
}

std::string RenderPause(const PauseResult& r) {
  if (r.paused)
    return std::string(r.changed ? "Paused" : "Already paused") +
           ": no new entries; open positions still exit. /resume to trade again.";
  return std::string(r.changed ? "Resumed" : "Not paused") + ": new entries allowed.";
}

// ---------------------------------------------------------------------------------------------
Result<StatusResult> StatusOf(const ControlContext& ctx) {
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(ctx));
  registry::Archive archive(*store);
  StatusResult r;
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> champions, archive.ListChampionSymbols());
  r.champions = static_cast<int>(champions.size());
  const std::string sel_path = SelectorPath(ctx.archive_dir);
  if (std::filesystem::exists(sel_path)) {
    auto sel = live::ReadSymbolSelector(sel_path);
    if (sel.ok()) {
      r.has_selector = true;
      r.traded = sel->symbols;
    } else {
      r.problem = sel.error().message;
    }
  }
  const std::string flag = PausedFlagPath(ctx.archive_dir);
  if (std::filesystem::exists(flag)) {
    r.paused = true;
    auto text = ReadFile(flag);
    if (text.ok()) {
      nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
      if (j.is_object() && j.contains("since") && j["since"].is_string()) r.paused_since = j["since"];
    }
  }
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> keys, store->List("summaries/daily/"));
  for (const std::string& k : keys) {
    const std::string name = k.substr(k.rfind('/') + 1);
    if (name.size() == 15 && name.substr(10) == ".json")
      r.last_summary_date = std::max(r.last_summary_date, name.substr(0, 10));
  }
  if (ctx.board != nullptr) {
    r.live_attached = true;
    r.live = ctx.board->Latest();
  }
  return r;
}

namespace {

std::string RenderLiveStatus(const live::LiveStatus& s) {
  std::string out = "Live runner (as of " + data::FormatIsoUtc(s.as_of_ms) + "):";
  out += "\nmode: " + s.mode + (s.paused ? " (entries PAUSED)" : "");
  out += "\nsymbols traded: " + std::to_string(s.traded.size()) + (s.traded.empty() ? "" : ": " + List(s.traded));
  std::vector<std::string> positions, degraded;
  for (const auto& [sym, ss] : s.symbols) {
    if (ss.has_position)
      positions.push_back(fmt::format("{} {} {:.2f} @ {:.6g} (unrealised {:+.2f})", sym, ss.position.side,
                                      ss.position.size, ss.position.entry, ss.position.unrealised_pnl));
    if (!ss.degraded.empty()) degraded.push_back(sym + " (" + ss.degraded + ")");
  }
  out += "\nopen positions: " + (positions.empty() ? std::string("none") : std::to_string(positions.size()));
  for (const std::string& p : positions) out += "\n  " + p;
  out += fmt::format("\ntoday's PnL: {:+.2f} (realised, {} trades this run)", s.pnl_today, s.trades);
  if (s.mode == "paper") out += fmt::format("\nNAV: {:.2f}", s.nav);
  out += "\nfeed: " + s.feed.kind + ", " + (s.fresh() ? "fresh" : "STALE") +
         (s.feed.connected ? "" : ", disconnected") +
         (s.feed.last_bar_ms > 0 ? ", last bar " + data::FormatIsoUtc(s.feed.last_bar_ms) : "") +
         fmt::format(", lag {:.1f} s, {} reconnects", s.feed.lag_seconds, s.feed.reconnects);
  out += "\ndegraded: " + (degraded.empty() ? std::string("none") : List(degraded));
  return out;
}

}  // namespace

std::string RenderStatus(const StatusResult& r) {
  std::string out = "Status (from the archive):\nchampions: " + std::to_string(r.champions);
  out += "\nselector: " + (r.has_selector ? std::to_string(r.traded.size()) + " symbols: " + List(r.traded)
                                          : std::string("none (the runner trades its configured symbols)"));
  if (!r.problem.empty()) out += "\nselector problem: " + r.problem;
  out += std::string("\nentries: ") +
         (r.paused ? "PAUSED" + (r.paused_since.empty() ? "" : " since " + r.paused_since) : "allowed");
  out += "\nlast daily summary: " + (r.last_summary_date.empty() ? std::string("none") : r.last_summary_date);
  if (r.live) return RenderLiveStatus(*r.live) + "\n\n" + out;
  if (r.live_attached) return "Live runner: no bar processed yet.\n\n" + out;
  out += "\nPositions, today's PnL and feed health come from the live runner's status, not wired to the bot yet.";
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<SummaryResult> Summary(const ControlContext& ctx, const std::optional<std::string>& date) {
  HURACAN_ASSIGN_OR_RETURN(auto store, OpenArchive(ctx));
  SummaryResult r;
  if (date) {
    HURACAN_ASSIGN_OR_RETURN(r.date, training::NormaliseDate(*date));
    HURACAN_ASSIGN_OR_RETURN(bool exists, store->Exists(registry::DailySummaryKey(r.date)));
    if (!exists) return NotFound("no daily summary for " + r.date);
  } else {
    ControlContext c = ctx;
    HURACAN_ASSIGN_OR_RETURN(StatusResult st, StatusOf(c));
    if (st.last_summary_date.empty()) return r;
    r.date = st.last_summary_date;
  }
  HURACAN_ASSIGN_OR_RETURN(training::DailySummary s, training::ReadDailySummary(*store, r.date));
  r.text = training::FormatSummaryText(s);
  return r;
}

std::string RenderSummary(const SummaryResult& r) {
  if (r.date.empty()) return "No daily summary in the archive yet.";
  return r.text;
}

// ---------------------------------------------------------------------------------------------
Result<TradesResult> Trades(const ControlContext& ctx, int n) {
  if (ctx.db == nullptr) return FailedPrecondition("no database");
  HURACAN_ASSIGN_OR_RETURN(std::vector<live::TradeRecord> all, live::ReadTrades(*ctx.db, live::TradeBook::kLive));
  TradesResult r;
  r.total = static_cast<int64_t>(all.size());
  const size_t from = all.size() > static_cast<size_t>(n) ? all.size() - static_cast<size_t>(n) : 0;
  for (size_t i = from; i < all.size(); ++i)
    r.rows.push_back({data::FormatIsoUtc(all[i].time_ms), all[i].symbol, all[i].side, all[i].net_pnl});
  return r;
}

std::string RenderTrades(const TradesResult& r) {
  if (r.rows.empty()) return "No closed live trades in the database yet.";
  std::string out = "Last " + std::to_string(r.rows.size()) + " of " + std::to_string(r.total) + " closed trades:";
  for (const auto& t : r.rows) out += "\n" + t.time + " " + t.symbol + " " + t.side + " net " + Fixed(t.net_pnl, 2);
  return out;
}

Result<EquityResult> Equity(const ControlContext& ctx, int days) {
  if (ctx.db == nullptr) return FailedPrecondition("no database");
  HURACAN_ASSIGN_OR_RETURN(
      storage::SqlRows rows,
      ctx.db->Query("SELECT date, nav, max_dd FROM daily_equity ORDER BY date DESC LIMIT ?", {int64_t{days}}));
  EquityResult r;
  for (const auto& row : rows.rows)
    r.days.push_back({row.Text(0).value_or(""), row.OptDouble(1).value_or(NAN), row.OptDouble(2).value_or(NAN)});
  std::reverse(r.days.begin(), r.days.end());
  return r;
}

std::string RenderProfit(const EquityResult& r) {
  if (r.days.empty()) return "No daily equity in the database yet.";
  const auto& a = r.days.front();
  const auto& b = r.days.back();
  double worst = 0.0;
  for (const auto& d : r.days) worst = std::max(worst, d.max_dd);
  return "Equity " + a.date + " .. " + b.date + ": NAV " + Fixed(a.nav, 2) + " -> " + Fixed(b.nav, 2) + " (" +
         Fixed(a.nav != 0.0 ? 100.0 * (b.nav / a.nav - 1.0) : NAN, 2) + "%), worst drawdown " +
         Fixed(100.0 * worst, 2) + "%";
}

std::string RenderDaily(const EquityResult& r) {
  if (r.days.empty()) return "No daily equity in the database yet.";
  std::string out = "Daily equity:";
  for (const auto& d : r.days)
    out += "\n" + d.date + " NAV " + Fixed(d.nav, 2) + ", max drawdown " + Fixed(100.0 * d.max_dd, 2) + "%";
  return out;
}

// ---------------------------------------------------------------------------------------------
HealthResult Health(const ControlContext& ctx) {
  HealthResult r;
  auto store = OpenArchive(ctx);
  if (store.ok()) {
    auto keys = (*store)->List("champion/");
    r.archive_ok = keys.ok();
    if (!keys.ok()) r.archive_problem = keys.error().message;
  } else {
    r.archive_problem = store.error().message;
  }
  if (ctx.db == nullptr) {
    r.db_problem = "no database";
  } else {
    r.db_describe = ctx.db->Describe();
    auto q = ctx.db->Query("SELECT 1");
    r.db_ok = q.ok();
    if (!q.ok()) r.db_problem = q.error().message;
  }
  return r;
}

std::string RenderHealth(const HealthResult& r) {
  return "Bot: up\narchive: " + (r.archive_ok ? std::string("ok") : "FAILING: " + r.archive_problem) +
         "\ndatabase: " + (r.db_ok ? "ok (" + r.db_describe + ")" : "FAILING: " + r.db_problem);
}

std::string RenderHelp() {
  return "Commands:\n"
         "/trade N - trade the top N symbols by champion net edge (minus /block, plus /allow)\n"
         "/allow SYM... - always trade these symbols\n"
         "/block SYM... - never trade these symbols\n"
         "/status - champions, selector, pause flag, last daily run\n"
         "/champions - per symbol: champion, age, OOS net edge\n"
         "/summary [YYYY-MM-DD] - the daily summary (default: the latest)\n"
         "/trades [N] - the last N closed live trades (default 10)\n"
         "/profit [days] - NAV change over the last days (default 7)\n"
         "/daily [days] - daily NAV and drawdown (default 7)\n"
         "/pause - no new entries (open positions still exit)\n"
         "/resume - allow new entries again\n"
         "/health - archive and database reachability\n"
         "/help - this list";
}

// ---------------------------------------------------------------------------------------------
std::optional<ParsedCommand> ParseCommand(const std::string& text) {
  const std::string t = Trim(text);
  if (t.empty() || t[0] != '/') return std::nullopt;
  ParsedCommand cmd;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    size_t j = i;
    while (j < t.size() && !std::isspace(static_cast<unsigned char>(t[j]))) ++j;
    if (j > i) {
      if (cmd.name.empty() && i == 0) {
        cmd.name = Lower(t.substr(1, j - 1));
        if (auto at = cmd.name.find('@'); at != std::string::npos) cmd.name.resize(at);  // "/trade@my_bot"
      } else {
        cmd.args.push_back(t.substr(i, j - i));
      }
    }
    i = j;
  }
  return cmd;
}

namespace {

CommandOutcome Ok(std::string reply) { return {std::move(reply), "ok"}; }
CommandOutcome BadArgs(const std::string& why, const std::string& usage) {
  return {"Bad arguments: " + why + ".\nUsage: " + usage, "bad arguments: " + why};
}
CommandOutcome Failed(const Error& e) { return {"Failed: " + e.message, "error: " + e.message}; }

template <typename T, typename Render>
CommandOutcome Done(const Result<T>& r, Render render) {
  if (!r.ok()) return Failed(r.error());
  return Ok(render(*r));
}

// An optional count argument: absent = `def`.
Result<int> CountArg(const ParsedCommand& cmd, int def, int max) {
  if (cmd.args.empty()) return def;
  if (cmd.args.size() > 1) return InvalidArgument("expected at most one number");
  return PositiveInt(cmd.args[0], max);
}

CommandOutcome Run(const ControlContext& ctx, const ParsedCommand& cmd) {
  const std::string& c = cmd.name;
  if (c == "help" || c == "start") return Ok(RenderHelp());
  if (c == "health") return Ok(RenderHealth(Health(ctx)));
  if (c == "status") return Done(StatusOf(ctx), RenderStatus);
  if (c == "champions") return Done(Champions(ctx), RenderChampions);
  if (c == "summary") {
    if (cmd.args.size() > 1) return BadArgs("expected at most one date", "/summary [YYYY-MM-DD]");
    std::optional<std::string> date;
    if (!cmd.args.empty()) {
      auto d = training::NormaliseDate(cmd.args[0]);
      if (!d.ok()) return BadArgs(d.error().message, "/summary [YYYY-MM-DD]");
      date = *d;
    }
    return Done(Summary(ctx, date), RenderSummary);
  }
  if (c == "trade") {
    if (cmd.args.size() != 1) return BadArgs("expected one number", "/trade N (e.g. /trade 5)");
    auto n = PositiveInt(cmd.args[0], 1000);
    if (!n.ok()) return BadArgs(n.error().message, "/trade N (e.g. /trade 5)");
    return Done(Trade(ctx, *n), RenderSelector);
  }
  if (c == "allow" || c == "block") {
    const std::string usage = "/" + c + " SYM... (e.g. /" + c + " BTCUSDT-PERP SOLUSDT)";
    if (cmd.args.empty()) return BadArgs("name at least one symbol", usage);
    auto r = c == "allow" ? Allow(ctx, cmd.args) : Block(ctx, cmd.args);
    if (r.ok() && !r->unknown.empty()) return {RenderSelector(*r), "refused: unknown symbol " + Join(r->unknown, ",")};
    return Done(r, RenderSelector);
  }
  if (c == "pause" || c == "resume") {
    if (!cmd.args.empty()) return BadArgs("takes no arguments", "/" + c);
    return Done(SetPaused(ctx, c == "pause"), RenderPause);
  }
  if (c == "trades") {
    auto n = CountArg(cmd, 10, 1000);
    if (!n.ok()) return BadArgs(n.error().message, "/trades [N]");
    return Done(Trades(ctx, *n), RenderTrades);
  }
  if (c == "profit" || c == "daily") {
    auto n = CountArg(cmd, 7, 3660);
    if (!n.ok()) return BadArgs(n.error().message, "/" + c + " [days]");
    return Done(Equity(ctx, *n), c == "profit" ? RenderProfit : RenderDaily);
  }
  return {"Unknown command /" + c + ". /help lists the commands.", "unknown command"};
}

}  // namespace

CommandOutcome Execute(const ControlContext& ctx, const ParsedCommand& cmd) {
  try {
    return Run(ctx, cmd);
  } catch (const std::exception& e) {
    return {"Failed: internal error", std::string("error: internal: ") + e.what()};
  }
}

}  // namespace huracan::control
