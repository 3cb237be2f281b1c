// The status page, /metrics, /healthz, the token-guarded actions and the HTML daily report: unit
// tests of the renderers, the server in-process (httplib client), the real `huracan serve` against
// an independent /metrics parser (tests/js/serve_e2e.mjs), and headless Chromium loading the page
// (with a synthetic live snapshot) and the report of a real daily run on the sample
// (tests/js/serve_browser.mjs; screenshots kept in build/artifacts/).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "control/challenger_fixture.h"
#include "control/html.h"
#include "control/http_server.h"
#include "control/report.h"
#include "control/status_page.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"
#include "support/test_support.h"
#include "training/summary.h"

namespace huracan::control {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::ShellQuote;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// A runner's snapshot: two traded symbols (one long, one flat and degraded), rejections, latency
// and a NAV curve.
std::shared_ptr<live::LiveStatus> Synthetic(int64_t now) {
  auto s = std::make_shared<live::LiveStatus>();
  s->mode = "paper";
  s->as_of_ms = now;
  s->started_ms = now - 6 * 3600 * 1000;
  s->traded = {"BTCUSDT-PERP", "SOLUSDT"};
  live::SymbolStatus& btc = s->symbols["BTCUSDT-PERP"];
  btc.model_id = "BTCUSDT-PERP@20251108T000000Z";
  btc.bars = 360;
  btc.decisions = 360;
  btc.trades = 4;
  btc.realised_pnl_today = 12.5;
  btc.realised_pnl_total = 20.25;
  btc.has_position = true;
  btc.position = {"long", now - 600000, 101234.5, 1000, 3.75};
  btc.rejections = {{"cooldown", 12}, {"no_signal", 300}};
  live::SymbolStatus& sol = s->symbols["SOLUSDT"];
  sol.model_id = "SOLUSDT@20251108T000000Z";
  sol.degraded = "daily loss stop";
  sol.bars = 360;
  sol.decisions = 350;
  sol.trades = 2;
  sol.realised_pnl_today = -7.5;
  sol.rejections = {{"no_signal", 340}, {"spread \"wide\"", 3}};
  s->feed.kind = "replay";
  s->feed.connected = true;
  s->feed.last_bar_ms = now - 60000;
  s->feed.last_event_ms = now - 1000;
  s->feed.reconnects = 2;
  s->feed.gaps_backfilled = 1;
  s->feed.lag_seconds = 1.5;
  s->bars_processed = 720;
  s->decisions = 710;
  s->trades = 6;
  s->pnl_today = 5.0;
  s->nav = 10005.0;
  for (double us : {8.0, 20.0, 40.0, 40.0, 90.0, 300.0, 700.0, 2000.0, 70000.0}) s->latency.Add(us);
  for (int i = 0; i < 48; ++i)
    s->equity_curve.push_back({now - (48 - i) * 450000, 10000.0 + 5.0 * std::sin(i / 6.0) + i * 0.1});
  s->swaps.push_back({now - 3600000, "SOLUSDT", "SOLUSDT@20251101T000000Z", "SOLUSDT@20251108T000000Z", "promoted"});
  return s;
}

TEST(Html, EscapesTextAndAttributes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(FormatNumber(NAN, 2), "-");
  EXPECT_EQ(FormatNumber(1.005, 1), "1.0");
}

TEST(Html, LineChartHasOnePathPerSeriesAndItsPoints) {
  LineSeries a{"a<b", {1, 2, 3}, {1, 4, 2}}, b{"b", {1, 2}, {0, NAN}}, empty{"none", {}, {}};
  std::string svg = SvgLineChart({a, b, empty}, ChartOptions{});
  EXPECT_EQ(Count(svg, "<path class=\"series\""), 2u);
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 4u);  // the NaN point is skipped
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_NE(SvgLineChart({empty}, ChartOptions{}).find("no data"), std::string::npos);
  // A long series is a path without point markers.
  LineSeries longer{"x", {}, {}};
  for (int i = 0; i < 500; ++i) {
    longer.x.push_back(i);
    longer.y.push_back(i % 7);
  }
  svg = SvgLineChart({longer}, ChartOptions{});
  EXPECT_EQ(Count(svg, "<path class=\"series\""), 1u);
  EXPECT_EQ(Count(svg, "<circle"), 0u);
  EXPECT_EQ(Count(svg, " L"), 499u);
}

TEST(Html, BarChartWaterfall) {
  std::string svg = SvgBarChart({{"gross", 100, false}, {"fees", -30, true}, {"net", 70, false}}, ChartOptions{});
  EXPECT_EQ(Count(svg, "<rect class=\"bar\""), 3u);
  EXPECT_NE(svg.find("#dc2626"), std::string::npos);  // the negative step
  EXPECT_NE(SvgBarChart({}, ChartOptions{}).find("no data"), std::string::npos);
  std::string page = HtmlPage("t<", "<p>x</p>");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<title>t&lt;</title>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

// Every sample's family has HELP and TYPE (the families of `# TYPE` lines, with the histogram's
// _bucket/_sum/_count), and the latency histogram is cumulative.
void CheckExposition(const std::string& text, std::map<std::string, std::string>* types) {
  std::set<std::string> help;
  std::istringstream in(text);
  std::string line;
  std::map<std::string, double> samples;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, std::regex("# HELP (\\S+) .+"))) {
      EXPECT_TRUE(help.insert(m[1]).second) << "second HELP " << m[1];
    } else if (std::regex_match(line, m, std::regex("# TYPE (\\S+) (counter|gauge|histogram)"))) {
      EXPECT_TRUE(help.count(m[1])) << "TYPE before HELP " << m[1];
      (*types)[m[1]] = m[2];
    } else {
      ASSERT_TRUE(std::regex_match(line, m, std::regex("([a-z_]+)(\\{.*\\})? (\\S+)"))) << line;
      std::string name = m[1];
      std::string fam = types->count(name) ? name : std::regex_replace(name, std::regex("_(bucket|sum|count)$"), "");
      ASSERT_TRUE(types->count(fam)) << "no TYPE for " << line;
      if (fam != name) {
        EXPECT_EQ((*types)[fam], "histogram") << line;
      }
      samples[name + m[2].str()] = std::stod(m[3]);
    }
  }
  for (const auto& [fam, type] : *types) EXPECT_TRUE(help.count(fam)) << fam;
  double prev = 0;
  for (const char* le : {"1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01",
                         "0.05", "+Inf"}) {
    std::string key = std::string("huracan_decision_latency_seconds_bucket{le=\"") + le + "\"}";
    ASSERT_TRUE(samples.count(key)) << key;
    EXPECT_GE(samples[key], prev) << key;
    prev = samples[key];
  }
  EXPECT_EQ(prev, samples["huracan_decision_latency_seconds_count"]);
}

TEST(Metrics, LiveSnapshotHasEveryFamilyWithHelpAndType) {
  StatusData d;
  d.now_ms = NowMs();
  d.live = Synthetic(d.now_ms);
  const std::string text = RenderMetrics(d);
  std::map<std::string, std::string> types;
  CheckExposition(text, &types);
  EXPECT_EQ(types["huracan_rejections_total"], "counter");
  EXPECT_EQ(types["huracan_decision_latency_seconds"], "histogram");
  EXPECT_EQ(types["huracan_position"], "gauge");
  EXPECT_NE(text.find("huracan_bars_processed_total 720\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_rejections_total{symbol=\"SOLUSDT\",reason=\"spread \\\"wide\\\"\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("huracan_position{symbol=\"BTCUSDT-PERP\"} 1000\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_position{symbol=\"SOLUSDT\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_decision_latency_seconds_bucket{le=\"5e-05\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_decision_latency_seconds_count 9\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_feed_fresh 1\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_symbol_degraded{symbol=\"SOLUSDT\"} 1\n"), std::string::npos);
}

TEST(Metrics, WithoutRunnerLiveFiguresAreZeroAndPerSymbolAbsent) {
  StatusData d;
  d.now_ms = NowMs();
  const std::string text = RenderMetrics(d);
  std::map<std::string, std::string> types;
  CheckExposition(text, &types);
  EXPECT_NE(text.find("huracan_live_attached 0\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_bars_processed_total 0\n"), std::string::npos);
  EXPECT_NE(text.find("huracan_feed_fresh 0\n"), std::string::npos);
  EXPECT_EQ(text.find("{symbol="), std::string::npos);
  EXPECT_EQ(types.count("huracan_position"), 1u);  // declared, no samples
}

TEST(StatusPage, RendersLiveSnapshotAndJson) {
  StatusData d;
  d.now_ms = NowMs();
  d.live = Synthetic(d.now_ms);
  d.equity.days = {{"2025-11-06", 10000, 0}, {"2025-11-07", 10020, 0.01}};
  const std::string html = RenderStatusPage(d);
  EXPECT_NE(html.find("BTCUSDT-PERP"), std::string::npos);
  EXPECT_NE(html.find("spread &quot;wide&quot;"), std::string::npos);
  EXPECT_EQ(Count(html, "<path class=\"series\""), 2u);  // daily NAV and live NAV
  EXPECT_GE(Count(html, "<rect class=\"bar\""), 12u);    // latency buckets + rejection reasons
  nlohmann::json j = StatusToJson(d);
  EXPECT_EQ(j["live"]["symbols"]["BTCUSDT-PERP"]["position"]["side"], "long");
  EXPECT_EQ(j["live"]["feed"]["fresh"], true);
  EXPECT_EQ(j["live"]["equity_curve"].size(), 48u);
  EXPECT_EQ(j["daily_equity"].size(), 2u);
  // A snapshot older than its stale limit is not fresh, whatever its feed said then.
  d.now_ms += d.live->stale_after_ms + 1;
  EXPECT_FALSE(d.feed_fresh());
}

TEST(Report, ChartsFromBundleMetricsAndSurvivesABrokenBundle) {
  const std::string dir = testing::MakeTempDir("report_archive");
  auto store = storage::OpenObjectStore(dir);
  ASSERT_TRUE(store.ok());
  nlohmann::json folds = nlohmann::json::array();
  for (int i = 0; i < 4; ++i)
    folds.push_back(
        {{"test", "2025-10-2" + std::to_string(i) + " 00:00:00/2025-10-2" + std::to_string(i + 1) + " 00:00:00"},
         {"combined", {{"net_bps", 10.0 * (i - 1)}}}});
  folds.push_back("not an object");
  nlohmann::json metrics = {
      {"folds", folds},
      {"combined", {{"gross_bps", 100}, {"fees_bps", 30}, {"spread_bps", 10}, {"slippage_bps", 5}, {"net_bps", 55}}}};
  ASSERT_TRUE((*store)->Put("challengers/AAA/t/metrics.json", metrics.dump()).ok());
  ASSERT_TRUE((*store)->Put("challengers/BBB/t/metrics.json", "{broken").ok());
  training::DailySummary s;
  s.date = "2025-11-08";
  s.run_id = "20251108";
  for (const char* sym : {"AAA", "BBB"}) {
    training::SymbolSummary c;
    c.symbol = sym;
    c.status = training::LedgerStatus::kDone;
    c.has_outcome = true;
    c.outcome.symbol = sym;
    c.outcome.challenger_path = std::string("challengers/") + sym + "/t/";
    c.outcome.closest_engine = {{"engine", "<eng>"}, {"side", "long"}, {"break_even_fee_bps", 2.5}};
    s.symbols.push_back(c);
  }
  const std::string html = RenderSummaryHtml(s, **store);
  EXPECT_EQ(Count(html, "<path class=\"series\""), 1u);
  EXPECT_EQ(Count(html, "<circle class=\"point\""), 5u);   // the start and four fold ends
  EXPECT_EQ(Count(html, "<rect class=\"bar\""), 5u + 2u);  // the waterfall, two break-even fees
  EXPECT_NE(html.find("challengers/BBB/t/metrics.json: not a JSON object"), std::string::npos);
  EXPECT_NE(html.find("&lt;eng&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<eng>"), std::string::npos);
}

struct Served {
  std::string archive = testing::MakeTempDir("serve_archive");
  live::StatusBoard board;
  std::unique_ptr<StatusServer> server;
  std::unique_ptr<httplib::Client> client;
  explicit Served(const std::string& token, bool attach = true) {
    ServeOptions o;
    o.port = 0;
    o.archive_dir = archive;
    o.token = token;
    o.board = attach ? &board : nullptr;
    server = std::make_unique<StatusServer>(o);
    Status st = server->Start();
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(5, 0);
  }
};

TEST(StatusServer, HealthzFollowsTheFeed) {
  Served s("");
  auto r = s.client->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);  // nothing published yet
  s.board.Publish(Synthetic(NowMs()));
  r = s.client->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto stale = Synthetic(NowMs());
  stale->feed.last_event_ms = stale->as_of_ms - stale->stale_after_ms - 1;
  s.board.Publish(stale);
  r = s.client->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "unavailable: feed stale\n");
  Served none("", false);
  r = none.client->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  r = none.client->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
}

TEST(StatusServer, ActionsNeedTheToken) {
  Served open("");
  auto r = open.client->Post("/api/pause", "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_FALSE(fs::exists(PausedFlagPath(open.archive)));

  const std::string token = "s3cret-token-value";
  Served guarded(token);
  r = guarded.client->Post("/api/pause", "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  httplib::Headers wrong = {{"Authorization", "Bearer " + token + "x"}};
  r = guarded.client->Post("/api/pause", wrong, "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_FALSE(fs::exists(PausedFlagPath(guarded.archive)));
  httplib::Headers right = {{"Authorization", "Bearer " + token}};
  r = guarded.client->Post("/api/pause", right, "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(fs::exists(PausedFlagPath(guarded.archive)));
  for (const char* path : {"/", "/api/status", "/metrics"}) {
    auto g = guarded.client->Get(path);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->body.find(token), std::string::npos) << path;
  }
  r = guarded.client->Post("/api/resume", right, "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(fs::exists(PausedFlagPath(guarded.archive)));
}

TEST(StatusServer, RealBinaryMetricsParsedByAnIndependentParser) {
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed: skipping";
  const std::string dir = testing::MakeTempDir("serve_e2e");
  auto r = RunCommand("node " + ShellQuote(testing::JsDir() + "/serve_e2e.mjs") + " " +
                      ShellQuote(testing::HuracanBinary()) + " " + ShellQuote(dir));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("serve_e2e: ok"), std::string::npos) << r.out << r.err;
}

// Headless Chromium loads the status page (synthetic live snapshot over the archive of a real
// daily run on the sample) and that run's HTML report.
TEST(StatusServer, BrowserLoadsStatusPageAndDailyReport) {
  if (!fs::is_directory(testing::JsDir() + "/node_modules/puppeteer-core"))
    GTEST_SKIP() << "puppeteer-core not installed (scripts/install-deps.sh): skipping";
  if (RunCommand("test -x /usr/bin/chromium").exit_code != 0) GTEST_SKIP() << "chromium not installed: skipping";
  const std::string dir = testing::MakeTempDir("serve_browser");
  const std::string archive = dir + "/archive", db = dir + "/h.db", rules = dir + "/rules.json";
  std::ofstream(rules) << R"({"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,)"
                       << R"("sharpe_margin":0.1,"min_first_net_sharpe":-1000000})";
  auto t = RunCommand(ShellQuote(testing::HuracanBinary()) + " train --data-dir " + ShellQuote(testing::SampleDir()) +
                      " --archive " + ShellQuote(archive) + " --db " + ShellQuote(db) +
                      " --run-id 20251108 --engines trend_ma,zscore_reversion --retries 0 --promotion-rules " +
                      ShellQuote(rules));
  ASSERT_EQ(t.exit_code, 0) << t.out << t.err;
  const std::string report = dir + "/report.html";
  auto h = RunCommand(ShellQuote(testing::HuracanBinary()) + " summary --date 2025-11-08 --format html --archive " +
                      ShellQuote(archive) + " > " + ShellQuote(report));
  ASSERT_EQ(h.exit_code, 0) << h.err;

  auto dbh = storage::OpenDatabase(db);
  ASSERT_TRUE(dbh.ok());
  ServeOptions o;
  o.port = 0;
  o.archive_dir = archive;
  o.db = dbh->get();
  live::StatusBoard board;
  board.Publish(Synthetic(NowMs()));
  o.board = &board;
  StatusServer server(o);
  ASSERT_TRUE(server.Start().ok());

  const char* env_out = std::getenv("HURACAN_ARTIFACTS_DIR");
  const std::string artifacts =
      env_out ? env_out : fs::path(testing::HuracanBinary()).parent_path().string() + "/artifacts";
  auto b = RunCommand("node " + ShellQuote(testing::JsDir() + "/serve_browser.mjs") + " " + ShellQuote(artifacts) +
                      " status=http://127.0.0.1:" + std::to_string(server.port()) + "/ report=file://" + report);
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  nlohmann::json j = nlohmann::json::parse(b.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << b.out;
  for (const char* page : {"status", "report"}) {
    const auto& p = j[page];
    SCOPED_TRACE(std::string(page) + ": " + p.dump());
    EXPECT_TRUE(p["errors"].empty());
    EXPECT_GE(p["colours"].get<int>(), 8);  // not blank
    EXPECT_GE(p["height"].get<int>(), 900);
    EXPECT_TRUE(fs::exists(p["screenshot"].get<std::string>()));
  }
  const auto& st = j["status"];
  EXPECT_EQ(st["status"], 200);
  EXPECT_GE(st["series"], 1);   // the live NAV (the daily NAV has no rows without a paper run)
  EXPECT_GE(st["points"], 48);  // the live NAV curve
  EXPECT_GE(st["bars"], 12);    // latency buckets and rejection reasons
  const auto& rp = j["report"];
  EXPECT_GE(rp["series"], 3);  // one OOS equity line per coin
  EXPECT_GE(rp["points"], 12);
  EXPECT_GE(rp["bars"], 15);  // five cost bars per coin
  server.Stop();
}

// The status page on the real server (no live runner: the live gates of the settings): the
// challengers table and /api/status's champions[].challengers, each challenger against the
// champion with its distance from promotion. The page is kept in build/artifacts/.
TEST(StatusServer, ChallengersAgainstTheChampionOnThePageAndInTheJson) {
  ChallengerFixture f;
  ServeOptions o;
  o.port = 0;
  o.archive_dir = f.archive;
  o.db = f.db.get();
  o.live_gates = f.gates;
  // GET `path` from a server with these options: the body of a 200 answer.
  auto get = [](const ServeOptions& opts, const std::string& path) {
    StatusServer server(opts);
    EXPECT_TRUE(server.Start().ok());
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(5, 0);
    auto r = client.Get(path);
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? r->body : std::string();
  };
  const std::string html = get(o, "/");
  const size_t table = html.find("<table id=\"challengers\">");
  ASSERT_NE(table, std::string::npos) << html;
  const std::string row = html.substr(table);
  for (const char* cell : {"<td>SOLUSDT@20251108T020000Z</td><td>SOLUSDT@20251108T030000Z</td><td>mechanic</td>",
                           "<td class=\"num\">4</td><td class=\"num\">10.00</td><td class=\"num\">4</td>"
                           "<td class=\"num\">3.00</td><td class=\"num\">5.21</td>",
                           "needs 6 more trades; the band holds (net bps lower bound 5.21)"})
    EXPECT_NE(row.find(cell), std::string::npos) << cell << "\n" << row;
  const auto j = nlohmann::json::parse(get(o, "/api/status"));
  ASSERT_EQ(j["champions"].size(), 1u);
  const auto& ch = j["champions"][0]["challengers"];
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0]["model_id"], ChallengerFixture::kChallenger);
  EXPECT_EQ(ch[0]["live"]["challenger_trades"], 4);
  EXPECT_DOUBLE_EQ(ch[0]["live"]["challenger_net_bps"].get<double>(), 10.0);
  EXPECT_EQ(ch[0]["live"]["champion_trades"], 4);
  EXPECT_DOUBLE_EQ(ch[0]["live"]["champion_net_bps"].get<double>(), 3.0);
  EXPECT_EQ(ch[0]["live"]["trades_needed"], 6);
  EXPECT_EQ(ch[0]["live"]["band_holds"], true);
  EXPECT_EQ(ch[0]["live"]["enabled"], true);
  EXPECT_EQ(ch[0]["distance"], "needs 6 more trades; the band holds (net bps lower bound 5.21)");

  // Inside `huracan live` the runner's gates (its status) apply, and its own this-run figures
  // are in live.symbols.SYM.challengers.
  live::StatusBoard board;
  auto snap = Synthetic(NowMs());
  snap->promotion_live_min_trades = 4;
  snap->promotion_live_net_bps_band = 5;
  live::ChallengerStatus cs;
  cs.model_id = ChallengerFixture::kChallenger;
  cs.since_ms = snap->as_of_ms - 3600000;
  cs.trades = 4;
  cs.net_bps = 10;
  cs.champion_trades = 4;
  cs.champion_net_bps = 3;
  cs.diff_lower_bps = 5.21;
  cs.gates_on = cs.evidence_ok = true;
  snap->symbols["SOLUSDT"].challengers = {cs};
  board.Publish(snap);
  ServeOptions lo = o;
  lo.board = &board;
  const std::string live_html = get(lo, "/");
  EXPECT_NE(live_html.find("live evidence enough for promotion"), std::string::npos);
  const auto lj = nlohmann::json::parse(get(lo, "/api/status"));
  EXPECT_EQ(lj["live"]["symbols"]["SOLUSDT"]["challengers"][0]["trades"], 4);
  EXPECT_EQ(lj["champions"][0]["challengers"][0]["distance"], "live evidence enough for promotion");
  const char* env_out = std::getenv("HURACAN_ARTIFACTS_DIR");
  const std::string artifacts =
      env_out ? env_out : fs::path(testing::HuracanBinary()).parent_path().string() + "/artifacts";
  fs::create_directories(artifacts);
  std::ofstream(artifacts + "/status_challengers.html") << live_html;
}

// The daily summary (HTML, JSON and text) shows each coin's challengers as the run left them
// (outcome.challengers): trades, net bps against the champion's, trades needed, the band.
TEST(Report, ChallengersAgainstTheChampionInTheDailySummary) {
  ChallengerFixture f;
  auto store = storage::OpenObjectStore(f.archive);
  ASSERT_TRUE(store.ok());
  auto ev = registry::ReadLiveEvidence(*f.db, ChallengerFixture::kSymbol, ChallengerFixture::kChallenger, 0);
  ASSERT_TRUE(ev.ok());
  const registry::LiveEvidenceVerdict v = registry::DecideLiveEvidence(*ev, f.gates);
  training::DailySummary s;
  s.date = "2025-11-08";
  s.run_id = "20251108";
  training::SymbolSummary c;
  c.symbol = ChallengerFixture::kSymbol;
  c.status = training::LedgerStatus::kDone;
  c.has_outcome = true;
  c.outcome.symbol = c.symbol;
  c.outcome.champion_before = c.outcome.champion_after = ChallengerFixture::kChampion;
  c.outcome.challengers.push_back({{"model_id", ChallengerFixture::kChallenger},
                                   {"source", "mechanic"},
                                   {"live", v.ToJson()},
                                   {"distance", registry::LiveEvidenceDistance(v)}});
  s.symbols.push_back(c);
  const std::string html = RenderSummaryHtml(s, **store);
  const size_t table = html.find("<table id=\"challengers\">");
  ASSERT_NE(table, std::string::npos) << html;
  EXPECT_NE(html.find("<td>SOLUSDT</td><td>SOLUSDT@20251108T020000Z</td><td>SOLUSDT@20251108T030000Z</td>"
                      "<td>mechanic</td><td class=\"num\">4</td><td class=\"num\">10.00</td><td class=\"num\">4</td>"
                      "<td class=\"num\">3.00</td><td class=\"num\">6</td><td>yes</td>"
                      "<td>needs 6 more trades; the band holds (net bps lower bound 5.21)</td>",
                      table),
            std::string::npos)
      << html.substr(table);
  const auto j = s.ToJson();
  const auto& ch = j["symbols"][0]["outcome"]["challengers"][0];
  EXPECT_EQ(ch["live"]["trades_needed"], 6);
  EXPECT_EQ(ch["live"]["band_holds"], true);
  EXPECT_EQ(ch["live"]["champion_trades"], 4);
  EXPECT_NE(training::FormatSummaryText(s).find("challenger SOLUSDT@20251108T030000Z (mechanic): 4 shadow trades"),
            std::string::npos);
  // A summary without challengers has no such table.
  s.symbols[0].outcome.challengers = nlohmann::json::array();
  EXPECT_EQ(RenderSummaryHtml(s, **store).find("id=\"challengers\""), std::string::npos);
}

}  // namespace
}  // namespace huracan::control
