#include "control/status_page.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "control/html.h"
#include "core/json.h"
#include "core/strings.h"
#include "data/timestamps.h"

namespace huracan::control {
namespace {

using Json = nlohmann::json;

std::string Iso(int64_t ms) { return ms > 0 ? data::FormatIsoUtc(ms) : ""; }

// Signed quote notional of a symbol's open position: + long, - short, 0 flat.
double SignedPosition(const live::SymbolStatus& s) {
  if (!s.has_position) return 0.0;
  return s.position.side == "short" ? -s.position.size : s.position.size;
}

// The rejection counts summed over symbols, by reason.
std::map<std::string, int64_t> RejectionTotals(const live::LiveStatus& l) {
  std::map<std::string, int64_t> out;
  for (const auto& [sym, s] : l.symbols)
    for (const auto& [reason, n] : s.rejections) out[reason] += n;
  return out;
}

// daily_equity dates ("YYYY-MM-DD") as epoch ms; rows whose date does not parse are skipped.
LineSeries DailyNavSeries(const EquityResult& e) {
  LineSeries s{"daily NAV", {}, {}};
  for (const auto& d : e.days) {
    auto ms = data::ParseIsoUtc(d.date);
    if (!ms || !std::isfinite(d.nav)) continue;
    s.x.push_back(static_cast<double>(*ms));
    s.y.push_back(d.nav);
  }
  return s;
}

LineSeries LiveNavSeries(const live::LiveStatus* l) {
  LineSeries s{"live NAV", {}, {}};
  if (l == nullptr) return s;
  for (const auto& p : l->equity_curve) {
    s.x.push_back(static_cast<double>(p.at_ms));
    s.y.push_back(p.nav);
  }
  return s;
}

// --- Prometheus text exposition ---

std::string PromValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string PromLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

class Exposition {
 public:
  void Family(const std::string& name, const char* type, const std::string& help) {
    out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void Sample(const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels, double v) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i)
        out_ += (i ? "," : "") + labels[i].first + "=\"" + PromLabel(labels[i].second) + "\"";
      out_ += '}';
    }
    out_ += " " + PromValue(v) + "\n";
  }
  void One(const std::string& name, const char* type, const std::string& help, double v) {
    Family(name, type, help);
    Sample(name, {}, v);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// --- HTML pieces ---

std::string Td(const std::string& text, bool num = false) {
  return std::string(num ? "<td class=\"num\">" : "<td>") + HtmlEscape(text) + "</td>";
}

std::string Card(const std::string& label, const std::string& value, const std::string& cls = "") {
  return "<div class=\"card\"><div class=\"muted\">" + HtmlEscape(label) + "</div><div class=\"v " + cls + "\">" +
         HtmlEscape(value) + "</div></div>";
}

std::string Problem(const std::string& what, const std::string& problem) {
  return "<p class=\"bad\">" + HtmlEscape(what + ": " + problem) + "</p>";
}

std::string ChampionsTable(const StatusData& d) {
  if (!d.champions_problem.empty()) return Problem("champions", d.champions_problem);
  if (d.champions.rows.empty()) return "<p class=\"muted\">No champions in the archive.</p>";
  std::string s =
      "<table id=\"champions\"><tr><th>symbol</th><th>model</th><th>age (days)</th><th>net edge (bps/trade)</th>"
      "<th>net Sharpe</th><th>hit rate</th><th>trades</th></tr>";
  for (const auto& r : d.champions.rows) {
    s += "<tr>" + Td(r.symbol) + Td(r.model_id) + Td(FormatNumber(r.age_days, 1), true);
    if (r.has_metrics) {
      s += Td(FormatNumber(r.net_edge_bps, 2), true) + Td(FormatNumber(r.net_sharpe, 2), true) +
           Td(FormatNumber(r.hit_rate * 100, 1) + " %", true) + Td(std::to_string(r.trades), true);
    } else {
      s += "<td colspan=\"4\" class=\"bad\">" + HtmlEscape(r.problem) + "</td>";
    }
    s += "</tr>";
  }
  return s + "</table>";
}

// Each champion against its challengers, live (the database's shadow trades since each
// challenger's first), and how far each is from promotion. Empty when no coin has challengers.
std::string ChallengersTable(const StatusData& d) {
  std::string rows;
  for (const auto& r : d.champions.rows)
    for (const ChallengerRow& c : r.challengers) {
      rows += "<tr>" + Td(r.symbol) + Td(r.model_id) + Td(c.model_id) + Td(c.source);
      if (!c.problem.empty()) {
        rows += "<td colspan=\"6\" class=\"bad\">" + HtmlEscape(c.problem) + "</td></tr>";
        continue;
      }
      const registry::LiveEvidenceVerdict& v = c.live;
      rows += Td(std::to_string(v.challenger_trades), true) + Td(FormatNumber(v.challenger_net_bps, 2), true) +
              Td(std::to_string(v.champion_trades), true) + Td(FormatNumber(v.champion_net_bps, 2), true) +
              Td(FormatNumber(v.diff_lower_bps, 2), true) + "<td class=\"" + (v.enabled && v.pass ? "good" : "") +
              "\">" + HtmlEscape(registry::LiveEvidenceDistance(v)) + "</td></tr>";
    }
  if (rows.empty()) return "";
  return "<table id=\"challengers\"><tr><th>symbol</th><th>champion</th><th>challenger</th><th>source</th>"
         "<th>shadow trades</th><th>net bps/trade</th><th>champion trades</th><th>champion net bps/trade</th>"
         "<th>diff, 95% lower bound (bps)</th><th>distance from promotion</th></tr>" +
         rows + "</table>";
}

Json ChallengersJson(const std::vector<ChallengerRow>& rows) {
  Json out = Json::array();
  for (const ChallengerRow& c : rows)
    out.push_back({{"model_id", c.model_id},
                   {"source", c.source},
                   {"added_at", c.added_at},
                   {"live", c.live.ToJson()},
                   {"distance", registry::LiveEvidenceDistance(c.live)},
                   {"problem", c.problem}});
  return out;
}

std::string PositionsTable(const live::LiveStatus& l) {
  std::string rows;
  for (const auto& [sym, s] : l.symbols) {
    if (!s.has_position) continue;
    const auto& p = s.position;
    rows += "<tr>" + Td(sym) + Td(p.side) + Td(Iso(p.entry_ts_ms)) + Td(FormatNumber(p.entry, 4), true) +
            Td(FormatNumber(p.size, 2), true) + Td(FormatNumber(p.unrealised_pnl, 2), true) + "</tr>";
  }
  if (rows.empty()) return "<p class=\"muted\">No open positions.</p>";
  return "<table id=\"positions\"><tr><th>symbol</th><th>side</th><th>since</th><th>entry</th><th>size (quote)</th>"
         "<th>unrealised PnL</th></tr>" +
         rows + "</table>";
}

std::string SymbolsTable(const live::LiveStatus& l) {
  if (l.symbols.empty()) return "<p class=\"muted\">No symbols.</p>";
  std::set<std::string> reasons;
  for (const auto& [sym, s] : l.symbols)
    for (const auto& [r, n] : s.rejections) reasons.insert(r);
  std::string s =
      "<table id=\"symbols\"><tr><th>symbol</th><th>model</th><th>state</th><th>bars</th><th>decisions</th>"
      "<th>trades</th><th>PnL today</th><th>PnL run</th>";
  for (const auto& r : reasons) s += "<th>rejected: " + HtmlEscape(r) + "</th>";
  s += "</tr>";
  for (const auto& [sym, st] : l.symbols) {
    std::string state = !st.error.empty() ? "not traded: " + st.error : !st.degraded.empty() ? st.degraded : "ok";
    s += "<tr>" + Td(sym) + Td(st.model_id) + "<td class=\"" + (state == "ok" ? "good" : "bad") + "\">" +
         HtmlEscape(state) + "</td>" + Td(std::to_string(st.bars), true) + Td(std::to_string(st.decisions), true) +
         Td(std::to_string(st.trades), true) + Td(FormatNumber(st.realised_pnl_today, 2), true) +
         Td(FormatNumber(st.realised_pnl_total, 2), true);
    for (const auto& r : reasons) {
      auto it = st.rejections.find(r);
      s += Td(std::to_string(it == st.rejections.end() ? 0 : it->second), true);
    }
    s += "</tr>";
  }
  return s + "</table>";
}

std::string FeedTable(const StatusData& d) {
  const live::FeedStatus& f = d.live->feed;
  std::string s = "<table id=\"feed\">";
  auto row = [&](const std::string& k, const std::string& v, const std::string& cls = "") {
    s += "<tr><th>" + HtmlEscape(k) + "</th><td class=\"" + cls + "\">" + HtmlEscape(v) + "</td></tr>";
  };
  row("fresh", d.feed_fresh() ? "yes" : "no (stale)", d.feed_fresh() ? "good" : "bad");
  row("kind", f.kind);
  row("connected", f.connected ? "yes" : "no", f.connected ? "good" : "bad");
  row("last bar", Iso(f.last_bar_ms));
  row("last event", Iso(f.last_event_ms));
  row("lag (s)", FormatNumber(f.lag_seconds, 1));
  row("reconnects", std::to_string(f.reconnects));
  row("gaps backfilled", std::to_string(f.gaps_backfilled));
  row("duplicates", std::to_string(f.duplicates));
  row("out of order", std::to_string(f.out_of_order));
  return s + "</table>";
}

std::string LatencyChart(const live::LatencyHistogram& h) {
  std::vector<Bar> bars;
  for (size_t b = 0; b < live::kLatencyBuckets; ++b) {
    std::string label = "inf";
    if (b + 1 < live::kLatencyBuckets) {
      const double us = live::kLatencyBucketsUs[b];
      label = us >= 1000 ? PromValue(us / 1000) + "ms" : PromValue(us) + "us";
    }
    bars.push_back({label, static_cast<double>(h.counts[b]), false});
  }
  ChartOptions o;
  o.title = fmt::format("Decision latency (us), {} decisions, mean {} us", h.count,
                        FormatNumber(h.count ? h.sum_us / static_cast<double>(h.count) : NAN, 1));
  o.width = 720;
  return SvgBarChart(bars, o);
}

Json SymbolJson(const live::SymbolStatus& s) {
  Json j = {{"model_id", s.model_id},
            {"error", s.error},
            {"degraded", s.degraded},
            {"last_bar", Iso(s.last_bar_ms)},
            {"bars", s.bars},
            {"decisions", s.decisions},
            {"trades", s.trades},
            {"realised_pnl_today", JsonNumber(s.realised_pnl_today)},
            {"realised_pnl_total", JsonNumber(s.realised_pnl_total)},
            {"rejections", s.rejections},
            {"position", nullptr}};
  if (s.has_position)
    j["position"] = {{"side", s.position.side},
                     {"entry_time", Iso(s.position.entry_ts_ms)},
                     {"entry", JsonNumber(s.position.entry)},
                     {"size", JsonNumber(s.position.size)},
                     {"unrealised_pnl", JsonNumber(s.position.unrealised_pnl)}};
  if (!s.challengers.empty()) {
    // This run's shadow trades of each challenger against the champion's since it started.
    Json chs = Json::array();
    for (const live::ChallengerStatus& c : s.challengers)
      chs.push_back({{"model_id", c.model_id},
                     {"since", Iso(c.since_ms)},
                     {"error", c.error},
                     {"trades", c.trades},
                     {"net_bps", JsonNumber(c.net_bps)},
                     {"has_position", c.has_position},
                     {"champion_trades", c.champion_trades},
                     {"champion_net_bps", JsonNumber(c.champion_net_bps)},
                     {"diff_lower_bps", JsonNumber(c.diff_lower_bps)},
                     {"gates_on", c.gates_on},
                     {"evidence_ok", c.evidence_ok},
                     {"trades_needed", c.trades_needed},
                     {"bps_short", JsonNumber(c.bps_short)}});
    j["challengers"] = std::move(chs);
  }
  return j;
}

}  // namespace

bool StatusData::feed_fresh() const {
  return live != nullptr && live->fresh() && now_ms - live->as_of_ms <= live->stale_after_ms;
}

StatusData CollectStatus(const ControlContext& ctx, const live::StatusBoard* board) {
  StatusData d;
  d.now_ms = ctx.now_ms;
  if (board != nullptr) d.live = board->Latest();
  // The challengers' distance from promotion uses the live runner's gates when one is attached.
  ControlContext with_board = ctx;
  if (with_board.board == nullptr) with_board.board = board;
  if (auto r = Champions(with_board); r.ok())
    d.champions = std::move(*r);
  else
    d.champions_problem = r.error().message;
  if (auto r = StatusOf(ctx); r.ok())
    d.status = std::move(*r);
  else
    d.status_problem = r.error().message;
  if (auto r = Equity(ctx, kStatusEquityDays); r.ok())
    d.equity = std::move(*r);
  else
    d.equity_problem = r.error().message;
  if (auto r = Trades(ctx, kStatusRecentTrades); r.ok())
    d.trades = std::move(*r);
  else
    d.trades_problem = r.error().message;
  if (auto r = Summary(ctx, std::nullopt); r.ok())
    d.summary = std::move(*r);
  else
    d.summary_problem = r.error().message;
  return d;
}

Json StatusToJson(const StatusData& d) {
  Json j;
  j["as_of"] = Iso(d.now_ms);
  Json champions = Json::array();
  for (const auto& r : d.champions.rows)
    champions.push_back({{"symbol", r.symbol},
                         {"model_id", r.model_id},
                         {"promoted_at", r.promoted_at},
                         {"age_days", JsonNumber(r.age_days)},
                         {"net_edge_bps", r.has_metrics ? JsonNumber(r.net_edge_bps) : Json(nullptr)},
                         {"net_sharpe", r.has_metrics ? JsonNumber(r.net_sharpe) : Json(nullptr)},
                         {"hit_rate", r.has_metrics ? JsonNumber(r.hit_rate) : Json(nullptr)},
                         {"trades", r.trades},
                         {"problem", r.problem}});
  for (size_t i = 0; i < d.champions.rows.size(); ++i)
    if (!d.champions.rows[i].challengers.empty())
      champions[i]["challengers"] = ChallengersJson(d.champions.rows[i].challengers);
  j["champions"] = champions;
  j["selector"] = {{"present", d.status.has_selector}, {"symbols", d.status.traded}};
  j["paused"] = d.live ? d.live->paused : d.status.paused;
  Json equity = Json::array();
  for (const auto& day : d.equity.days)
    equity.push_back({{"date", day.date}, {"nav", JsonNumber(day.nav)}, {"max_dd", JsonNumber(day.max_dd)}});
  j["daily_equity"] = equity;
  Json trades = Json::array();
  for (const auto& t : d.trades.rows)
    trades.push_back({{"time", t.time}, {"symbol", t.symbol}, {"side", t.side}, {"net_pnl", JsonNumber(t.net_pnl)}});
  j["recent_trades"] = trades;
  j["trades_in_db"] = d.trades_problem.empty() ? Json(d.trades.total) : Json(nullptr);
  j["summary"] = {{"date", d.summary.date}, {"text", d.summary.text}};
  Json problems = Json::object();
  const std::pair<const char*, const std::string*> parts[] = {{"champions", &d.champions_problem},
                                                              {"status", &d.status_problem},
                                                              {"equity", &d.equity_problem},
                                                              {"trades", &d.trades_problem},
                                                              {"summary", &d.summary_problem}};
  for (const auto& [k, v] : parts)
    if (!v->empty()) problems[k] = *v;
  j["problems"] = problems;
  if (!d.live) {
    j["live"] = nullptr;
    return j;
  }
  const live::LiveStatus& l = *d.live;
  Json lj;
  lj["mode"] = l.mode;
  lj["as_of"] = Iso(l.as_of_ms);
  lj["started"] = Iso(l.started_ms);
  lj["traded"] = l.traded;
  lj["bars_processed"] = l.bars_processed;
  lj["decisions"] = l.decisions;
  lj["trades"] = l.trades;
  lj["pnl_today"] = JsonNumber(l.pnl_today);
  lj["nav"] = JsonNumber(l.nav);
  lj["feed"] = {{"fresh", d.feed_fresh()},
                {"kind", l.feed.kind},
                {"connected", l.feed.connected},
                {"last_bar", Iso(l.feed.last_bar_ms)},
                {"last_event", Iso(l.feed.last_event_ms)},
                {"lag_seconds", JsonNumber(l.feed.lag_seconds)},
                {"reconnects", l.feed.reconnects},
                {"gaps_backfilled", l.feed.gaps_backfilled},
                {"duplicates", l.feed.duplicates},
                {"out_of_order", l.feed.out_of_order}};
  Json buckets = Json::array();
  for (size_t b = 0; b < live::kLatencyBuckets; ++b)
    buckets.push_back({{"le_us", b + 1 < live::kLatencyBuckets ? Json(live::kLatencyBucketsUs[b]) : Json("+Inf")},
                       {"count", l.latency.counts[b]}});
  lj["latency"] = {{"buckets", buckets}, {"sum_us", JsonNumber(l.latency.sum_us)}, {"count", l.latency.count}};
  Json symbols = Json::object();
  for (const auto& [sym, s] : l.symbols) symbols[sym] = SymbolJson(s);
  lj["symbols"] = symbols;
  Json curve = Json::array();
  for (const auto& p : l.equity_curve) curve.push_back({{"at", Iso(p.at_ms)}, {"nav", JsonNumber(p.nav)}});
  lj["equity_curve"] = curve;
  Json swaps = Json::array();
  for (const auto& s : l.swaps)
    swaps.push_back({{"at", Iso(s.at_ms)},
                     {"symbol", s.symbol},
                     {"old_model_id", s.old_model_id},
                     {"new_model_id", s.new_model_id},
                     {"reason", s.reason}});
  lj["swaps"] = swaps;
  j["live"] = lj;
  return j;
}

std::string RenderStatusPage(const StatusData& d) {
  const live::LiveStatus* l = d.live.get();
  std::string b = "<h1>Huracan status</h1><p class=\"muted\">as of " + HtmlEscape(Iso(d.now_ms)) + " UTC &middot; ";
  b += l ? HtmlEscape("live runner: " + l->mode + ", started " + Iso(l->started_ms))
         : "no live runner attached: archive and database only";
  b += "</p>\n<div class=\"cards\">";
  const bool paused = l ? l->paused : d.status.paused;
  b += Card("champions", std::to_string(d.champions.rows.size()));
  b += Card("traded", l ? std::to_string(l->traded.size()) : std::to_string(d.status.traded.size()));
  b += Card("entries", paused ? "paused" : "on", paused ? "bad" : "good");
  if (l) {
    b += Card("PnL today", FormatNumber(l->pnl_today, 2), l->pnl_today < 0 ? "bad" : "good");
    b += Card("NAV", FormatNumber(l->nav, 2));
    b += Card("feed", d.feed_fresh() ? "fresh" : "stale", d.feed_fresh() ? "good" : "bad");
    b += Card("bars / decisions / trades", fmt::format("{} / {} / {}", l->bars_processed, l->decisions, l->trades));
  } else {
    b += Card("PnL today", "-");
    b += Card("feed", "no runner", "bad");
  }
  b += "</div>\n";

  b += "<h2>Equity</h2>";
  ChartOptions eo;
  eo.title = "NAV (quote)";
  eo.x_unit = "time";
  eo.width = 720;
  std::vector<LineSeries> eq = {DailyNavSeries(d.equity)};
  if (l) eq.push_back(LiveNavSeries(l));
  b += "<div id=\"equity\">" + SvgLineChart(eq, eo) + "</div>";
  if (!d.equity_problem.empty()) b += Problem("daily equity", d.equity_problem);

  b += "\n<h2>Champions</h2>" + ChampionsTable(d) + ChallengersTable(d);
  if (!d.status.traded.empty()) b += "<p class=\"muted\">Selector: " + HtmlEscape(Join(d.status.traded, ", ")) + "</p>";

  b += "\n<h2>Open positions</h2>";
  b += l ? PositionsTable(*l) : "<p class=\"muted\">No live runner attached.</p>";

  b += "\n<h2>Symbols and rejections</h2>";
  if (l) {
    b += SymbolsTable(*l);
    std::vector<Bar> rej;
    for (const auto& [reason, n] : RejectionTotals(*l)) rej.push_back({reason, static_cast<double>(n), false});
    ChartOptions ro;
    ro.title = "Rejections by reason (all symbols)";
    ro.width = 720;
    b += "<div id=\"rejections\">" + SvgBarChart(rej, ro) + "</div>";
  } else {
    b += "<p class=\"muted\">No live runner attached.</p>";
  }

  b += "\n<h2>Feed health</h2>";
  if (l) {
    b += FeedTable(d) + "<div id=\"latency\">" + LatencyChart(l->latency) + "</div>";
  } else {
    b += "<p class=\"bad\">No live runner attached: no feed.</p>";
  }

  b += "\n<h2>Recent closed trades</h2>";
  if (!d.trades_problem.empty()) {
    b += Problem("trades", d.trades_problem);
  } else if (d.trades.rows.empty()) {
    b += "<p class=\"muted\">No closed live trades.</p>";
  } else {
    b += "<table id=\"trades\"><tr><th>time</th><th>symbol</th><th>side</th><th>net PnL</th></tr>";
    for (const auto& t : d.trades.rows)
      b += "<tr>" + Td(t.time) + Td(t.symbol) + Td(t.side) + Td(FormatNumber(t.net_pnl, 2), true) + "</tr>";
    b += "</table><p class=\"muted\">" + std::to_string(d.trades.total) + " closed live trades in all.</p>";
  }

  if (l && !l->swaps.empty()) {
    b += "\n<h2>Champion swaps</h2><table id=\"swaps\"><tr><th>at</th><th>symbol</th><th>from</th><th>to</th>"
         "<th>reason</th></tr>";
    for (const auto& s : l->swaps)
      b += "<tr>" + Td(Iso(s.at_ms)) + Td(s.symbol) + Td(s.old_model_id) + Td(s.new_model_id) + Td(s.reason) + "</tr>";
    b += "</table>";
  }

  b += "\n<h2>Latest daily summary</h2>";
  if (!d.summary_problem.empty())
    b += Problem("summary", d.summary_problem);
  else if (d.summary.date.empty())
    b += "<p class=\"muted\">No daily summary in the archive.</p>";
  else
    b += "<pre id=\"summary\">" + HtmlEscape(d.summary.text) + "</pre>";
  return HtmlPage("Huracan status", b);
}

std::string RenderMetrics(const StatusData& d) {
  Exposition e;
  const live::LiveStatus* l = d.live.get();
  e.One("huracan_live_attached", "gauge", "1 when a live runner's status is attached to this server, else 0",
        l ? 1 : 0);
  e.One("huracan_champions", "gauge", "Symbols with a champion in the archive",
        static_cast<double>(d.champions.rows.size()));
  e.Family("huracan_champion_net_edge_bps", "gauge", "Champion OOS mean net bps per trade, by symbol");
  for (const auto& r : d.champions.rows)
    if (r.has_metrics) e.Sample("huracan_champion_net_edge_bps", {{"symbol", r.symbol}}, r.net_edge_bps);
  e.Family("huracan_champion_age_days", "gauge", "Days since the champion was promoted, by symbol");
  for (const auto& r : d.champions.rows) e.Sample("huracan_champion_age_days", {{"symbol", r.symbol}}, r.age_days);
  e.One("huracan_selector_symbols", "gauge", "Symbols in symbols_selector.json",
        static_cast<double>(d.status.traded.size()));
  e.One("huracan_paused", "gauge", "1 when new entries are paused", (l ? l->paused : d.status.paused) ? 1 : 0);
  if (d.trades_problem.empty())
    e.One("huracan_db_live_trades", "gauge", "Closed live trades (rows of live_trades) in the database",
          static_cast<double>(d.trades.total));

  // Live figures: 0 without a runner.
  e.One("huracan_bars_processed_total", "counter", "Bars stepped through the pipelines by the live runner",
        l ? static_cast<double>(l->bars_processed) : 0);
  e.One("huracan_decisions_total", "counter", "Decisions taken by the live runner",
        l ? static_cast<double>(l->decisions) : 0);
  e.One("huracan_trades_total", "counter", "Trades closed by the live runner", l ? static_cast<double>(l->trades) : 0);
  e.Family("huracan_rejections_total", "counter", "Bars on which an entry was rejected, by symbol and reason");
  if (l)
    for (const auto& [sym, s] : l->symbols)
      for (const auto& [reason, n] : s.rejections)
        e.Sample("huracan_rejections_total", {{"symbol", sym}, {"reason", reason}}, static_cast<double>(n));
  e.Family("huracan_decision_latency_seconds", "histogram", "Time from a bar's arrival to the decision");
  live::LatencyHistogram h;
  if (l) h = l->latency;
  uint64_t cum = 0;
  for (size_t b = 0; b < live::kLatencyBuckets; ++b) {
    cum += h.counts[b];
    std::string le = b + 1 < live::kLatencyBuckets ? PromValue(live::kLatencyBucketsUs[b] / 1e6) : "+Inf";
    e.Sample("huracan_decision_latency_seconds_bucket", {{"le", le}}, static_cast<double>(cum));
  }
  e.Sample("huracan_decision_latency_seconds_sum", {}, h.sum_us / 1e6);
  e.Sample("huracan_decision_latency_seconds_count", {}, static_cast<double>(h.count));
  e.One("huracan_feed_fresh", "gauge", "1 when the live feed delivered a bar recently (what /healthz checks)",
        d.feed_fresh() ? 1 : 0);
  e.One("huracan_feed_connected", "gauge", "1 when the live feed is connected", l && l->feed.connected ? 1 : 0);
  e.One("huracan_feed_lag_seconds", "gauge", "Clock time minus the close time of the newest bar",
        l ? l->feed.lag_seconds : 0);
  e.One("huracan_feed_reconnects_total", "counter", "Reconnections of the live feed",
        l ? static_cast<double>(l->feed.reconnects) : 0);
  e.One("huracan_feed_gaps_backfilled_total", "counter", "Feed gaps filled from the REST API",
        l ? static_cast<double>(l->feed.gaps_backfilled) : 0);
  e.One("huracan_pnl_today", "gauge", "Realised PnL since the UTC day start, quote", l ? l->pnl_today : 0);
  e.One("huracan_nav", "gauge", "Paper NAV, quote (0 in shadow mode or without a runner)", l ? l->nav : 0);
  struct PerSymbol {
    const char* name;
    const char* help;
    double (*get)(const live::SymbolStatus&);
  };
  const PerSymbol per_symbol[] = {
      {"huracan_position", "Open position, signed quote notional (+ long, - short, 0 flat), by symbol",
       &SignedPosition},
      {"huracan_unrealised_pnl", "Unrealised PnL of the open position at the last close, quote, by symbol",
       [](const live::SymbolStatus& s) { return s.has_position ? s.position.unrealised_pnl : 0.0; }},
      {"huracan_realised_pnl_today", "Realised PnL since the UTC day start, quote, by symbol",
       [](const live::SymbolStatus& s) { return s.realised_pnl_today; }},
      {"huracan_realised_pnl_run", "Realised PnL of this run, quote, by symbol",
       [](const live::SymbolStatus& s) { return s.realised_pnl_total; }},
      {"huracan_symbol_degraded", "1 when the symbol is degraded or not traded, by symbol",
       [](const live::SymbolStatus& s) { return s.degraded.empty() && s.error.empty() ? 0.0 : 1.0; }},
  };
  for (const auto& [name, help, get] : per_symbol) {
    e.Family(name, "gauge", help);
    if (l)
      for (const auto& [sym, s] : l->symbols) e.Sample(name, {{"symbol", sym}}, get(s));
  }
  return e.Take();
}

}  // namespace huracan::control
