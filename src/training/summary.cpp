#include "training/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engines/calibration.h"
#include "registry/archive.h"

namespace huracan::training {

std::string SymbolSummary::champion_action() const {
  if (status != LedgerStatus::kDone || !has_outcome) return "unknown";
  if (outcome.promoted) return "changed";
  return outcome.champion_after.empty() ? "none" : "kept";
}

int DailySummary::count(LedgerStatus s) const {
  int n = 0;
  for (const auto& x : symbols) n += x.status == s ? 1 : 0;
  return n;
}
int DailySummary::promoted() const {
  int n = 0;
  for (const auto& x : symbols) n += x.champion_action() == "changed" ? 1 : 0;
  return n;
}
int DailySummary::retries() const {
  int n = 0;
  for (const auto& x : symbols) n += x.retries;
  return n;
}

namespace {

double TotalNetBps(const CoinOutcome& o) { return o.oos.net_bps * static_cast<double>(o.oos.trades); }

// Done symbols with an outcome, best total net edge first (ties by symbol).
std::vector<const SymbolSummary*> RankContributors(const DailySummary& s) {
  std::vector<const SymbolSummary*> out;
  for (const auto& x : s.symbols)
    if (x.has_outcome && x.outcome.oos.trades > 0 && std::isfinite(TotalNetBps(x.outcome))) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(), [](const SymbolSummary* a, const SymbolSummary* b) {
    return TotalNetBps(a->outcome) > TotalNetBps(b->outcome);
  });
  return out;
}

}  // namespace

nlohmann::json DailySummary::ToJson() const {
  nlohmann::json syms = nlohmann::json::array();
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& x : symbols) {
    nlohmann::json j = {{"symbol", x.symbol},
                        {"status", LedgerStatusName(x.status)},
                        {"attempts", x.attempts},
                        {"retries", x.retries},
                        {"error", x.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(x.error)},
                        {"champion", x.champion_action()}};
    if (x.has_outcome) {
      const CoinOutcome& o = x.outcome;
      j["model_id"] = o.model_id;
      j["champion_before"] = o.champion_before;
      j["champion_after"] = o.champion_after;
      j["why"] = o.reason;
      j["failed_rules"] = o.failed_rules;
      j["warnings"] = o.warnings;
      j["hit_rate"] = o.oos.hit_rate;
      j["net_edge_bps"] = o.oos.net_bps;
      j["trades"] = o.oos.trades;
      j["outcome"] = o.ToJson();
    }
    syms.push_back(j);
    if (x.status == LedgerStatus::kFailed || x.status == LedgerStatus::kTimeout)
      failures.push_back(
          {{"symbol", x.symbol}, {"status", LedgerStatusName(x.status)}, {"attempts", x.attempts}, {"error", x.error}});
  }
  nlohmann::json top = nlohmann::json::array();
  for (const SymbolSummary* x : RankContributors(*this)) {
    if (top.size() == 10) break;
    top.push_back({{"symbol", x->symbol},
                   {"net_edge_bps", x->outcome.oos.net_bps},
                   {"trades", x->outcome.oos.trades},
                   {"total_net_bps", TotalNetBps(x->outcome)}});
  }
  int64_t trades = 0;
  for (const auto& x : symbols)
    if (x.has_outcome) trades += x.outcome.oos.trades;
  return {{"date", date},
          {"run_id", run_id},
          {"generated_at", generated_at},
          {"totals",
           {{"symbols", symbols.size()},
            {"done", count(LedgerStatus::kDone)},
            {"failed", count(LedgerStatus::kFailed)},
            {"timeout", count(LedgerStatus::kTimeout)},
            {"unfinished", count(LedgerStatus::kPending) + count(LedgerStatus::kRunning)},
            {"champions_changed", promoted()},
            {"retries", retries()},
            {"trades", trades}}},
          {"top_contributors", top},
          {"symbols", syms},
          {"failures", failures}};
}

Result<DailySummary> DailySummary::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return DataLoss(source + ": not a JSON object");
  DailySummary s;
  try {
    s.date = j.value("date", "");
    s.run_id = j.value("run_id", "");
    s.generated_at = j.value("generated_at", "");
    for (const auto& x : j.at("symbols")) {
      SymbolSummary y;
      y.symbol = x.value("symbol", "");
      auto st = ParseLedgerStatus(x.value("status", ""));
      if (!st) return DataLoss(source + ": symbol " + y.symbol + ": unknown status");
      y.status = *st;
      y.attempts = x.value("attempts", 0);
      y.retries = x.value("retries", 0);
      if (x.contains("error") && x["error"].is_string()) y.error = x["error"].get<std::string>();
      if (x.contains("outcome")) {
        HURACAN_ASSIGN_OR_RETURN(y.outcome, CoinOutcome::FromJson(x["outcome"], source + ": " + y.symbol));
        y.has_outcome = true;
      }
      s.symbols.push_back(std::move(y));
    }
  } catch (const std::exception& e) {
    return DataLoss(source + ": " + e.what());
  }
  return s;
}

std::string RunDate(const std::string& run_id, int64_t now_ms) {
  auto d = NormaliseDate(run_id);
  if (d.ok()) return *d;
  return registry::FormatDate(now_ms);
}

Result<std::string> NormaliseDate(const std::string& text) {
  std::string digits;
  if (text.size() == 8)
    digits = text;
  else if (text.size() == 10 && text[4] == '-' && text[7] == '-')
    digits = text.substr(0, 4) + text.substr(5, 2) + text.substr(8, 2);
  bool ok =
      digits.size() == 8 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (ok) {
    auto ts = registry::ParseArchiveTimestamp(digits + "T000000Z");
    ok = ts.ok();
  }
  if (!ok) return InvalidArgument("date '" + text + "': expected YYYY-MM-DD or YYYYMMDD");
  return digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
}

Result<DailySummary> BuildDailySummary(storage::Database& db, const std::string& run_id, const std::string& date,
                                       int64_t now_ms) {
  DailySummary s;
  s.date = date;
  s.run_id = run_id;
  s.generated_at = storage::SqlTimestamp(now_ms);
  HURACAN_ASSIGN_OR_RETURN(
      storage::SqlRows ledger,
      db.Query("SELECT symbol, status, attempts, error FROM run_ledger WHERE run_id = ? ORDER BY symbol", {run_id}));
  // The run's models: params holds the outcome, with "run_id":"<id>" (compact JSON, sorted keys).
  HURACAN_ASSIGN_OR_RETURN(
      storage::SqlRows models,
      db.Query("SELECT model_id, symbol, params FROM models WHERE params LIKE ?", {"%\"run_id\":\"" + run_id + "\"%"}));
  std::map<std::string, CoinOutcome> outcomes;
  for (const auto& r : models.rows) {
    auto text = r.Text(2);
    if (!text) continue;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || j.value("run_id", "") != run_id) continue;
    auto o = CoinOutcome::FromJson(j, "models.params of " + r.Text(0).value_or("?"));
    if (!o.ok()) continue;
    outcomes[o->symbol] = *o;
  }
  for (const auto& r : ledger.rows) {
    SymbolSummary x;
    HURACAN_ASSIGN_OR_RETURN(x.symbol, r.String(0));
    HURACAN_ASSIGN_OR_RETURN(std::string status, r.String(1));
    auto st = ParseLedgerStatus(status);
    if (!st) return DataLoss("run_ledger: " + x.symbol + ": unknown status '" + status + "'");
    x.status = *st;
    x.attempts = static_cast<int>(r.OptInt(2).value_or(0));
    x.retries = std::max(0, x.attempts - 1);
    x.error = r.Text(3).value_or("");
    auto it = outcomes.find(x.symbol);
    if (it != outcomes.end() && x.status == LedgerStatus::kDone) {
      x.outcome = it->second;
      x.has_outcome = true;
    }
    s.symbols.push_back(std::move(x));
  }
  return s;
}

Status WriteDailySummary(storage::ObjectStore& store, const DailySummary& summary) {
  return store.Put(registry::DailySummaryKey(summary.date), summary.ToJson().dump(2) + "\n");
}

Result<DailySummary> ReadDailySummary(const storage::ObjectStore& store, const std::string& date) {
  HURACAN_ASSIGN_OR_RETURN(std::string d, NormaliseDate(date));
  const std::string key = registry::DailySummaryKey(d);
  auto bytes = store.Get(key);
  if (!bytes.ok()) {
    if (bytes.error().code == ErrorCode::kNotFound)
      return NotFound("no daily summary for " + d + " (" + store.Describe() + "/" + key +
                      "): run `huracan train` first");
    return bytes.error();
  }
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded()) return DataLoss(key + ": not valid JSON");
  return DailySummary::FromJson(j, key);
}

namespace {

std::string Pct(double v) { return std::isfinite(v) ? fmt::format("{:.1f}%", 100 * v) : "n/a"; }
std::string Bps(double v) { return std::isfinite(v) ? fmt::format("{:+.2f} bps", v) : "n/a"; }

// What it would take: the engine side closest to being switched on in the latest OOS window, its
// edge against its cost (+ floor) there, and the per-side fee at which that edge would clear it.
std::string ClosestEngineLine(const nlohmann::json& c) {
  if (!c.is_object() || !c.contains("engine")) return "closest engine: none produced a signal";
  auto num = [&](const char* key) {
    return c.contains(key) && c[key].is_number() ? c[key].get<double>() : std::nan("");
  };
  const int64_t n = c.value("signals", int64_t{0});
  const double be = num("break_even_fee_bps");
  std::string fee;
  if (std::isfinite(be))
    fee = fmt::format("break-even fee {:.2f} bps/side", be);
  else if (n < engines::kMinTrades)
    fee = fmt::format("too few signals (< {}) for a break-even fee", engines::kMinTrades);
  else
    fee = "no fee >= 0 would clear it";
  return fmt::format(
      "closest engine (latest OOS window): {} {}, {} signals, edge {:.2f} bps vs cost + floor {:.2f} bps, {}",
      c.value("engine", ""), c.value("side", ""), n, num("shrunk_edge_bps"), num("round_trip_cost_bps"), fee);
}

}  // namespace

std::string FormatSummaryText(const DailySummary& s) {
  std::string t;
  int changed = 0, kept = 0, none = 0;
  for (const auto& x : s.symbols) {
    std::string a = x.champion_action();
    changed += a == "changed";
    kept += a == "kept";
    none += a == "none";
  }
  t += fmt::format("Huracan daily training summary {} (run {})\n", s.date, s.run_id);
  t += fmt::format("{} symbols: {} done, {} failed, {} timed out", s.symbols.size(), s.count(LedgerStatus::kDone),
                   s.count(LedgerStatus::kFailed), s.count(LedgerStatus::kTimeout));
  int unfinished = s.count(LedgerStatus::kPending) + s.count(LedgerStatus::kRunning);
  if (unfinished) t += fmt::format(", {} unfinished", unfinished);
  t += fmt::format("; retries {}\n", s.retries());
  t += fmt::format("Champions: {} changed, {} kept, {} coins without a champion\n", changed, kept, none);

  auto top = RankContributors(s);
  if (!top.empty()) {
    t += "\nTop contributors (OOS net edge x trades):\n";
    for (size_t i = 0; i < top.size() && i < 5; ++i) {
      const CoinOutcome& o = top[i]->outcome;
      t += fmt::format("  {}. {}  {} x {} trades = {:+.0f} bps\n", i + 1, top[i]->symbol, Bps(o.oos.net_bps),
                       o.oos.trades, TotalNetBps(o));
    }
  }

  t += "\nPer symbol:\n";
  for (const auto& x : s.symbols) {
    if (!x.has_outcome) continue;
    const CoinOutcome& o = x.outcome;
    std::string a = x.champion_action();
    std::string head;
    if (a == "changed")
      head = "champion CHANGED: " + (o.champion_before.empty() ? std::string("(none)") : o.champion_before) + " -> " +
             o.champion_after;
    else if (a == "kept")
      head = "champion KEPT: " + o.champion_after;
    else
      head = "no champion (not traded)";
    t += fmt::format("- {}: {}{}\n", x.symbol, head, x.retries ? fmt::format(" [after {} retries]", x.retries) : "");
    t += "    why: " + o.reason + "\n";
    t +=
        fmt::format("    OOS {}: {} trades, hit rate {}, net edge {}/trade, net Sharpe {:.2f}, PSR {:.2f}, max DD {}\n",
                    o.oos.window, o.oos.trades, Pct(o.oos.hit_rate), Bps(o.oos.net_bps), o.oos.net_sharpe, o.oos.psr,
                    Pct(o.oos.max_drawdown));
    std::string engines;
    int shown = 0;
    for (const auto& c : o.contributors) {
      if (c.trades <= 0 || shown == 3) continue;
      engines += fmt::format("{}{} (w {:.2f}, {}, {} trades)", shown ? "; " : "", c.engine, c.weight, Bps(c.net_bps),
                             c.trades);
      ++shown;
    }
    t += "    top engines: " + (engines.empty() ? std::string("none traded out of sample") : engines) + "\n";
    if (o.oos.trades == 0 && !o.rejections.empty()) {
      // Why nothing traded: the reasons behind the OOS bars that did not trade, largest first.
      std::vector<std::pair<int64_t, std::string>> why;
      int64_t total = 0;
      for (const auto& [reason, bars] : o.rejections) {
        why.emplace_back(bars, reason);
        total += bars;
      }
      std::sort(why.begin(), why.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::string parts;
      for (const auto& [bars, reason] : why)
        parts += fmt::format("{}{} {:.0f}%", parts.empty() ? "" : ", ", reason,
                             total > 0 ? 100.0 * static_cast<double>(bars) / static_cast<double>(total) : 0.0);
      t += "    no OOS trade; bars by reason: " + parts + "\n";
    }
    if (o.oos.trades == 0) t += "    " + ClosestEngineLine(o.closest_engine) + "\n";
    for (const auto& c : o.challengers) {
      // The champion against each challenger, live: shadow trades and net bps since its first one.
      const nlohmann::json& v = c.value("live", nlohmann::json::object());
      t += fmt::format("    challenger {} ({}): {} shadow trades, {}/trade vs champion {} ({} trades); {}\n",
                       c.value("model_id", ""), c.value("source", ""), v.value("challenger_trades", int64_t{0}),
                       Bps(v.value("challenger_net_bps", 0.0)), Bps(v.value("champion_net_bps", 0.0)),
                       v.value("champion_trades", int64_t{0}), c.value("distance", ""));
    }
    for (const auto& w : o.warnings) t += "    warning: " + w + "\n";
  }

  bool any_fail = false;
  for (const auto& x : s.symbols) {
    if (x.status == LedgerStatus::kDone) continue;
    if (!any_fail) t += "\nFailures:\n";
    any_fail = true;
    t += fmt::format("- {}: {} after {} attempt{}{}\n", x.symbol, LedgerStatusName(x.status), x.attempts,
                     x.attempts == 1 ? "" : "s", x.error.empty() ? "" : ": " + x.error);
  }
  if (!any_fail) t += "\nFailures: none\n";
  return t;
}

}  // namespace huracan::training
