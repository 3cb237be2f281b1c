#include "control/report.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "control/html.h"
#include "data/timestamps.h"

namespace huracan::control {
namespace {

using Json = nlohmann::json;

double Num(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return NAN;
  return j[key].get<double>();
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

// "start/end" -> end, as epoch ms (NaN when it does not parse).
double WindowEnd(const Json& fold, const char* key) {
  std::string w = Str(fold, key);
  auto slash = w.find('/');
  auto ms = data::ParseIsoUtc(slash == std::string::npos ? w : w.substr(slash + 1));
  return ms ? static_cast<double>(*ms) : NAN;
}

// Cumulative net bps over the test folds, starting at 0 at the first fold's start.
LineSeries FoldEquity(const std::string& symbol, const Json& metrics) {
  LineSeries s{symbol, {}, {}};
  if (!metrics.contains("folds") || !metrics["folds"].is_array()) return s;
  double level = 0;
  bool first = true;
  for (const auto& f : metrics["folds"]) {
    if (!f.is_object()) continue;
    if (first) {
      std::string w = Str(f, "test");
      auto ms = data::ParseIsoUtc(w.substr(0, w.find('/')));
      if (ms) {
        s.x.push_back(static_cast<double>(*ms));
        s.y.push_back(0);
      }
      first = false;
    }
    double net = Num(f.value("combined", Json::object()), "net_bps");
    double end = WindowEnd(f, "test");
    if (!std::isfinite(net) || !std::isfinite(end)) continue;
    level += net;
    s.x.push_back(end);
    s.y.push_back(level);
  }
  return s;
}

std::vector<Bar> CostBars(const Json& combined) {
  return {{"gross", Num(combined, "gross_bps"), false},
          {"fees", -Num(combined, "fees_bps"), true},
          {"spread", -Num(combined, "spread_bps"), true},
          {"slippage", -Num(combined, "slippage_bps"), true},
          {"net", Num(combined, "net_bps"), false}};
}

std::string Cell(const std::string& text, bool num = false) {
  return std::string(num ? "<td class=\"num\">" : "<td>") + HtmlEscape(text) + "</td>";
}

// The champion against its challengers (each coin's outcome "challengers", as the run left them):
// their shadow trades and the champion's over the same period, and the distance from promotion.
// Empty when no coin has a challenger.
std::string ChallengersTable(const training::DailySummary& s) {
  std::string rows;
  for (const auto& c : s.symbols) {
    if (!c.has_outcome) continue;
    for (const Json& ch : c.outcome.challengers) {
      const Json v = ch.value("live", Json::object());
      const bool on = v.value("enabled", false);
      rows += "<tr>" + Cell(c.symbol) + Cell(c.outcome.champion_after) + Cell(Str(ch, "model_id")) +
              Cell(Str(ch, "source")) + Cell(FormatNumber(Num(v, "challenger_trades"), 0), true) +
              Cell(FormatNumber(Num(v, "challenger_net_bps"), 2), true) +
              Cell(FormatNumber(Num(v, "champion_trades"), 0), true) +
              Cell(FormatNumber(Num(v, "champion_net_bps"), 2), true) +
              Cell(on ? FormatNumber(Num(v, "trades_needed"), 0) : "-", true) +
              Cell(on && v.contains("band_holds") ? (v.value("band_holds", false) ? "yes" : "no") : "-") +
              Cell(Str(ch, "distance")) + "</tr>";
    }
  }
  if (rows.empty()) return "";
  return "<h2>Champions against their challengers</h2>"
         "<p class=\"muted\">Shadow trades of each challenger beside the champion, and the champion's over the same "
         "period (net bps per trade); the distance from the live promotion gates "
         "(promotion.live_min_trades, promotion.live_net_bps_band).</p>"
         "<table id=\"challengers\"><tr><th>symbol</th><th>champion</th><th>challenger</th><th>source</th>"
         "<th>shadow trades</th><th>net bps/trade</th><th>champion trades</th><th>champion net bps/trade</th>"
         "<th>trades needed</th><th>band holds</th><th>distance from promotion</th></tr>" +
         rows + "</table>\n";
}

}  // namespace

std::string RenderSummaryHtml(const training::DailySummary& s, const storage::ObjectStore& store) {
  std::string b = "<h1>Huracan daily summary " + HtmlEscape(s.date) + "</h1>";
  b += "<p class=\"muted\">run " + HtmlEscape(s.run_id) + " &middot; generated " + HtmlEscape(s.generated_at) +
       " &middot; " + std::to_string(s.symbols.size()) + " symbols, " +
       std::to_string(s.count(training::LedgerStatus::kDone)) + " done, " +
       std::to_string(s.count(training::LedgerStatus::kFailed)) + " failed, " + std::to_string(s.promoted()) +
       " promoted</p>\n";

  // Overview table.
  b += "<h2>Coins</h2><table id=\"coins\"><tr><th>symbol</th><th>status</th><th>champion</th><th>OOS trades</th>"
       "<th>net Sharpe</th><th>net bps/trade</th><th>cost bps/trade</th><th>max DD</th><th>note</th></tr>";
  for (const auto& c : s.symbols) {
    b += "<tr>" + Cell(c.symbol) + Cell(std::string(training::LedgerStatusName(c.status))) + Cell(c.champion_action());
    if (c.has_outcome) {
      const auto& o = c.outcome.oos;
      b += Cell(std::to_string(o.trades), true) + Cell(FormatNumber(o.net_sharpe, 2), true) +
           Cell(FormatNumber(o.net_bps, 2), true) + Cell(FormatNumber(o.cost_bps, 2), true) +
           Cell(FormatNumber(o.max_drawdown * 100, 1) + " %", true) + Cell(c.outcome.reason);
    } else {
      b += "<td colspan=\"5\"></td>" + Cell(c.error);
    }
    b += "</tr>";
  }
  b += "</table>\n";
  b += ChallengersTable(s);

  // Per coin: OOS equity and cost attribution, from the bundle's metrics.json.
  b += "<h2>Per coin: OOS equity and cost attribution</h2>";
  b += "<p class=\"muted\">OOS equity: cumulative net bps of the walk-forward test folds (one point per fold). "
       "Costs: totals over the OOS trades, bps (fees include funding).</p>";
  for (const auto& c : s.symbols) {
    if (!c.has_outcome || c.outcome.challenger_path.empty()) continue;
    b += "<div class=\"coin\" id=\"coin-" + HtmlEscape(c.symbol) + "\"><h3>" + HtmlEscape(c.symbol) + "</h3>";
    auto bytes = store.Get(c.outcome.challenger_path + "metrics.json");
    Json m = bytes.ok() ? Json::parse(*bytes, nullptr, false) : Json();
    if (!bytes.ok() || m.is_discarded() || !m.is_object()) {
      b += "<p class=\"bad\">" +
           HtmlEscape(c.outcome.challenger_path +
                      "metrics.json: " + (bytes.ok() ? std::string("not a JSON object") : bytes.error().message)) +
           "</p></div>";
      continue;
    }
    ChartOptions eo;
    eo.title = "OOS equity, cumulative net bps";
    eo.x_unit = "time";
    eo.width = 420;
    eo.height = 200;
    b += SvgLineChart({FoldEquity(c.symbol, m)}, eo);
    ChartOptions co;
    co.title = "Cost attribution, bps";
    co.width = 420;
    co.height = 200;
    b += SvgBarChart(CostBars(m.value("combined", Json::object())), co);
    b += "</div>\n";
  }

  // Break-even fee per engine, where the summary names a closest engine side.
  std::string rows;
  std::vector<Bar> fee_bars;
  for (const auto& c : s.symbols) {
    if (!c.has_outcome || !c.outcome.closest_engine.is_object()) continue;
    const Json& e = c.outcome.closest_engine;
    double fee = Num(e, "break_even_fee_bps");
    std::string engine = Str(e, "engine");
    rows += "<tr>" + Cell(c.symbol) + Cell(engine) + Cell(Str(e, "side")) +
            Cell(FormatNumber(Num(e, "signals"), 0), true) + Cell(FormatNumber(Num(e, "shrunk_edge_bps"), 2), true) +
            Cell(FormatNumber(Num(e, "round_trip_cost_bps"), 2), true) +
            Cell(FormatNumber(Num(e, "gap_bps"), 2), true) + Cell(FormatNumber(fee, 2), true) + "</tr>";
    if (std::isfinite(fee)) fee_bars.push_back({c.symbol, fee, false});
  }
  b += "<h2>Break-even fee per engine</h2>";
  if (rows.empty()) {
    b += "<p class=\"muted\">No coin names an engine side closest to break-even.</p>";
  } else {
    b += "<p class=\"muted\">The engine side closest to being switched on, per coin: the per-side fee (bps) at "
         "which its shrunk edge would clear the cost bar; - when it has too few signals or never would.</p>";
    b += "<table id=\"break-even\"><tr><th>symbol</th><th>engine</th><th>side</th><th>signals</th>"
         "<th>shrunk edge bps</th><th>round-trip cost bps</th><th>gap bps</th><th>break-even fee bps</th></tr>" +
         rows + "</table>";
    if (!fee_bars.empty()) {
      ChartOptions fo;
      fo.title = "Break-even fee of the closest engine side, bps per side";
      fo.width = 720;
      b += "<div id=\"break-even-chart\">" + SvgBarChart(fee_bars, fo) + "</div>";
    }
  }

  b += "<h2>Summary text</h2><pre>" + HtmlEscape(training::FormatSummaryText(s)) + "</pre>";
  return HtmlPage("Huracan daily summary " + s.date, b);
}

}  // namespace huracan::control
