// The Binance kline parsers, and BinanceSource against the fake feed in node
// (tests/js/fake_binance.mjs), one injected fault per test: the bars delivered must equal the
// candle file's bars exactly (no gap, no repeat, in order) and the counters count the fault.
// The TLS tests run the fake over wss:// and https:// with certificates made at test time by the
// openssl command line (a throwaway CA, nothing committed).
#include "live/binance_source.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>
#include <tuple>

#include "data/catalog.h"
#include "live/binance_kline.h"
#include "live/fake_binance.h"
#include "support/test_support.h"

namespace huracan::live {
namespace {

using testing::JsDir;
using testing::SampleDir;

// ---- parsers ----

constexpr const char* kKline =
    R"({"e":"kline","E":1760227260001,"s":"SOLUSDT","k":{"t":1760227200000,"T":1760227259999,"s":"SOLUSDT",)"
    R"("i":"1m","f":1,"L":2,"o":"177.58","c":"177.2","h":"177.73","l":"176.93","v":"4485.8064","n":3,"x":true,)"
    R"("q":"0","V":"0","Q":"0","B":"0"}})";

TEST(BinanceKline, ParsesAClosedKlineBareAndCombined) {
  for (std::string text :
       {std::string(kKline), R"({"stream":"solusdt@kline_1m","data":)" + std::string(kKline) + "}"}) {
    auto k = ParseKlineMessage(text);
    ASSERT_TRUE(k.ok()) << k.error().ToString();
    ASSERT_TRUE(k->has_value());
    const Kline& kl = **k;
    EXPECT_EQ(kl.pair, "SOLUSDT");
    EXPECT_EQ(kl.interval, "1m");
    EXPECT_TRUE(kl.closed);
    EXPECT_EQ(kl.bar.ts_ms, 1760227200000);
    EXPECT_EQ(kl.close_ms, 1760227259999);
    EXPECT_EQ(kl.bar.open, 177.58);
    EXPECT_EQ(kl.bar.high, 177.73);
    EXPECT_EQ(kl.bar.low, 176.93);
    EXPECT_EQ(kl.bar.close, 177.2);
    EXPECT_EQ(kl.bar.volume, 4485.8064);
  }
}

TEST(BinanceKline, OtherMessagesAreNotKlines) {
  for (const char* text :
       {R"({"result":null,"id":1})", R"({"e":"trade","s":"SOLUSDT"})", R"({"stream":"x","data":{"e":"aggTrade"}})"}) {
    auto k = ParseKlineMessage(text);
    ASSERT_TRUE(k.ok()) << text;
    EXPECT_FALSE(k->has_value()) << text;
  }
}

TEST(BinanceKline, BadInputIsAnErrorNamingTheFault) {
  std::string k(kKline);
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = k;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"e":"kline"})", "missing \"k\""},
      {replace(R"("o":"177.58")", R"("o":"17x")"), "\"o\" is not a number: \"17x\""},
      {replace(R"("o":"177.58")", R"("o":"")"), "\"o\" is not a number"},
      {replace(R"("o":"177.58")", R"("o":"nan")"), "\"o\" is not a number"},
      {replace(R"("h":"177.73",)", ""), "missing \"h\""},
      {replace(R"("x":true)", R"("x":"true")"), "\"x\" is not a boolean"},
      {replace(R"("t":1760227200000)", R"("t":"1760227200000")"), "\"t\" is not an integer"},
      {replace(R"("s":"SOLUSDT","k")", R"("s":"SOLUSDT","k":7,"z")"), "\"k\" is not an object"},
      {R"({"stream":"a","data":[]})", "\"data\" is not an object"},
      {"", "not JSON"},
  };
  for (const auto& [text, want] : cases) {
    auto r = ParseKlineMessage(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message << " / " << text;
  }
}

TEST(BinanceKline, RestRows) {
  auto bars = ParseRestKlines(
      R"([[1760227200000,"177.58","177.73","176.93","177.2","4485.8064",1760227259999,"0",100,"0","0","0"],)"
      R"([1760227260000,"177.2","177.32","176.98","177.23","2397.8078",1760227319999,"0",100,"0","0","0"]])");
  ASSERT_TRUE(bars.ok()) << bars.error().ToString();
  ASSERT_EQ(bars->size(), 2u);
  EXPECT_EQ((*bars)[1].ts_ms, 1760227260000);
  EXPECT_EQ((*bars)[1].close, 177.23);
  EXPECT_TRUE(ParseRestKlines("[]").ok());
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"{}", "not a JSON array"},
           {"[[1,\"2\"]]", "row 0: not an array of at least 6 items"},
           {R"([[1,"1","1","1","1","1"],["x","1","1","1","1","1"]])", "row 1: open time is not an integer"},
           {R"([[1,"1","1","1","abc","1"]])", "row 0: \"close\" is not a number"},
           {"[", "not JSON"}}) {
    auto r = ParseRestKlines(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  }
}

TEST(BinanceKline, SymbolsAndEndpoints) {
  auto spot = ToBinanceMarket("SOL-USDT");
  ASSERT_TRUE(spot.ok());
  EXPECT_EQ(spot->pair, "SOLUSDT");
  EXPECT_FALSE(spot->futures);
  EXPECT_EQ(spot->stream(), "solusdt@kline_1m");
  EXPECT_EQ(FromBinanceMarket(*spot), "SOLUSDT");
  auto perp = ToBinanceMarket("BTCUSDT-PERP");
  ASSERT_TRUE(perp.ok());
  EXPECT_EQ(perp->pair, "BTCUSDT");
  EXPECT_TRUE(perp->futures);
  EXPECT_EQ(FromBinanceMarket(*perp), "BTCUSDT-PERP");
  EXPECT_EQ(ToBinanceMarket("BTC-USDT-PERP")->pair, "BTCUSDT");
  EXPECT_FALSE(ToBinanceMarket("nonsense").ok());

  EXPECT_EQ(BinanceEndpointsFor(false).ws_url, "wss://stream.binance.com:9443/stream");
  EXPECT_EQ(BinanceEndpointsFor(false).rest_url, "https://api.binance.com/api/v3/klines");
  EXPECT_EQ(BinanceEndpointsFor(true).ws_url, "wss://fstream.binance.com/stream");
  EXPECT_EQ(BinanceEndpointsFor(true).rest_url, "https://fapi.binance.com/fapi/v1/klines");
  auto local = BinanceEndpointsFor(true, "ws://127.0.0.1:9", "http://127.0.0.1:9");
  EXPECT_EQ(local.ws_url, "ws://127.0.0.1:9/fstream");
  EXPECT_EQ(local.rest_url, "http://127.0.0.1:9/fapi/v1/klines");
}

TEST(BinanceSourceCreate, RefusesBadSymbolsUrlsAndCaFiles) {
  SimulatedClock clock(0);
  EXPECT_FALSE(BinanceSource::Create({}, {}, clock).ok());
  EXPECT_FALSE(BinanceSource::Create({"nonsense"}, {}, clock).ok());
  BinanceOptions local;
  local.ws_url = "ws://h:1";
  EXPECT_FALSE(BinanceSource::Create({"SOLUSDT", "SOL-USDT"}, local, clock).ok());
  // Binance's own endpoints are wss://: accepted (Create does not connect).
  EXPECT_TRUE(BinanceSource::Create({"SOLUSDT", "BTCUSDT-PERP"}, {}, clock).ok());
  BinanceOptions http;
  http.ws_url = "http://h:1";
  auto bad = BinanceSource::Create({"SOLUSDT"}, http, clock);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not ws:// or wss://"), std::string::npos) << bad.error().message;
  BinanceOptions no_ca;
  no_ca.ca_file = "/nonexistent/ca.pem";
  auto ca = BinanceSource::Create({"SOLUSDT"}, no_ca, clock);
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ca.error().message.find("CA file /nonexistent/ca.pem"), std::string::npos) << ca.error().message;
}

// ---- against the fake ----

constexpr int64_t kFrom = 1760227200000;  // 2025-10-12T00:00Z
constexpr int kBars = 120;
constexpr int64_t kMinute = 60'000;

// The fake on the span the tests replay.
class FakeBinance : public testing::FakeBinance {
 public:
  FakeBinance(const std::vector<std::string>& files, const std::string& scenario,
              const std::vector<std::string>& extra = {})
      : testing::FakeBinance(files, scenario, kFrom, kBars, extra) {}
};

std::string Sample(const std::string& stem) {
  auto files = testing::ListFiles(SampleDir(), ".parquet");
  for (const auto& f : files) {
    if (f.find("/" + stem + "_") != std::string::npos) return f;
  }
  return "";
}

// The file's bars with open time in [kFrom, kFrom + kBars min).
std::vector<Bar> Expected(const std::string& file) {
  auto series = data::LoadBars(file);
  EXPECT_TRUE(series.ok());
  std::vector<Bar> out;
  for (size_t i = 0; series.ok() && i < series->size(); ++i) {
    if (series->ts_ms[i] >= kFrom && series->ts_ms[i] < kFrom + kBars * kMinute) out.push_back(series->bar(i));
  }
  return out;
}

void ExpectSameBars(const std::vector<Bar>& got, const std::vector<Bar>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].ts_ms, want[i].ts_ms) << what << " bar " << i;
    EXPECT_EQ(got[i].open, want[i].open) << what << " bar " << i;
    EXPECT_EQ(got[i].high, want[i].high) << what << " bar " << i;
    EXPECT_EQ(got[i].low, want[i].low) << what << " bar " << i;
    EXPECT_EQ(got[i].close, want[i].close) << what << " bar " << i;
    EXPECT_EQ(got[i].volume, want[i].volume) << what << " bar " << i;
  }
}

// Runs the source to its end (until_ms) and returns the events.
std::vector<BarEvent> Drain(BinanceSource& src) {
  std::vector<BarEvent> out;
  for (;;) {
    auto ev = src.Next();
    EXPECT_TRUE(ev.ok()) << ev.error().ToString();
    if (!ev.ok() || !*ev) break;
    out.push_back(**ev);
  }
  return out;
}

// reconnects -1: at least 2; gaps -1: not checked.
struct Counts {
  int64_t reconnects = 0, gaps = 0, duplicates = 0, out_of_order = 0;
};

// One spot symbol (SOL-USDT) through `scenario`; checks the bars and the counters.
void RunScenario(const std::string& scenario, Counts want, const std::vector<std::string>& extra = {},
                 const std::function<void(BinanceOptions&)>& tweak = {}, const Clock* clock_in = nullptr) {
  const std::string file = Sample("SOL-USDT");
  ASSERT_FALSE(file.empty());
  const auto want_bars = Expected(file);
  ASSERT_EQ(want_bars.size(), static_cast<size_t>(kBars)) << "the sample span should have no gap";
  FakeBinance fake({file}, scenario, extra);
  ASSERT_GT(fake.port(), 0) << "fake did not start";
  BinanceOptions o = fake.Options();
  if (tweak) tweak(o);
  SimulatedClock sim(kFrom);
  const Clock& clock = clock_in ? *clock_in : sim;
  auto src = BinanceSource::Create({"SOL-USDT"}, o, clock);
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  auto events = Drain(**src);
  std::vector<Bar> got;
  for (const auto& e : events) {
    EXPECT_EQ(e.symbol, "SOLUSDT");
    got.push_back(e.bar);
  }
  ExpectSameBars(got, want_bars, scenario);
  FeedStatus st = (*src)->status();
  EXPECT_EQ(st.kind, "binance");
  EXPECT_EQ(st.duplicates, want.duplicates) << scenario;
  EXPECT_EQ(st.out_of_order, want.out_of_order) << scenario;
  if (want.reconnects >= 0) {
    EXPECT_EQ(st.reconnects, want.reconnects) << scenario;
  } else {
    EXPECT_GE(st.reconnects, 2) << scenario;
  }
  if (want.gaps >= 0) {
    EXPECT_EQ(st.gaps_backfilled, want.gaps) << scenario;
  }
  EXPECT_EQ(st.bad_messages, 0) << scenario;
  EXPECT_EQ(st.last_bar_ms, kFrom + (kBars - 1) * kMinute) << scenario;
}

#define REQUIRE_FAKE() HURACAN_REQUIRE_NODE()

TEST(BinanceSourceFake, Clean) {
  REQUIRE_FAKE();
  RunScenario("clean", {});
}

TEST(BinanceSourceFake, NotClosedUpdatesAreNotBars) {
  REQUIRE_FAKE();
  RunScenario("not_closed", {});
}

TEST(BinanceSourceFake, DuplicatesAreDropped) {
  REQUIRE_FAKE();
  RunScenario("duplicates", {.duplicates = 3});
}

TEST(BinanceSourceFake, OutOfOrderIsRefusedAndTheGapFilled) {
  REQUIRE_FAKE();
  RunScenario("out_of_order", {.gaps = 1, .out_of_order = 1});
}

TEST(BinanceSourceFake, AStreamGapIsBackfilledFromRest) {
  REQUIRE_FAKE();
  RunScenario("gap", {.gaps = 1});
}

TEST(BinanceSourceFake, ADisconnectIsReconnectedAndBackfilled) {
  REQUIRE_FAKE();
  RunScenario("disconnect", {.reconnects = 1, .gaps = 1});
}

TEST(BinanceSourceFake, AStalledServerIsDetectedAndReconnected) {
  REQUIRE_FAKE();
  RunScenario("stall", {.reconnects = 1, .gaps = 1});
}

TEST(BinanceSourceFake, ConnectionsAreRenewedBeforeTheirAgeLimit) {
  REQUIRE_FAKE();
  WallClock wall;
  // A connection may live 150 ms here (Binance: 24 h); the fake ticks every 5 ms.
  RunScenario(
      "clean", {.reconnects = -1, .gaps = -1}, {"--tick-ms", "5"}, [](BinanceOptions& o) { o.max_connection_ms = 150; },
      &wall);
}

TEST(BinanceSourceFake, PingsAreAnswered) {
  REQUIRE_FAKE();
  const std::string file = Sample("SOL-USDT");
  FakeBinance fake({file}, "clean", {"--ping-every", "10"});
  ASSERT_GT(fake.port(), 0);
  SimulatedClock clock(kFrom);
  auto src = BinanceSource::Create({"SOLUSDT"}, fake.Options(), clock);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(Drain(**src).size(), static_cast<size_t>(kBars));
  // Pings go out at ticks 0, 10, ..., 120; the pong of the last may still be in flight.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(fake.Count("\"ev\":\"pong\""), 12);
}

TEST(BinanceSourceFake, SpotAndFuturesSymbolsComeInTimeOrder) {
  REQUIRE_FAKE();
  // SOL's kline of each bar time comes 30 ms after the others from bar 90 on: the other symbols
  // wait for it (grace 2 s), so every bar time comes whole, in the order of the symbols given.
  const std::vector<std::string> stems = {"SOL-USDT", "DOGE-USDT", "BTC-USDT-PERP"};
  std::vector<std::string> files;
  for (const auto& s : stems) files.push_back(Sample(s));
  FakeBinance fake(files, "late", {"--clients", "2", "--at", "90"});
  ASSERT_GT(fake.port(), 0);
  SimulatedClock clock(kFrom);
  auto src = BinanceSource::Create(stems, fake.Options(), clock);
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  auto events = Drain(**src);
  const std::vector<std::string> ids = {"SOLUSDT", "DOGEUSDT", "BTCUSDT-PERP"};
  ASSERT_EQ(events.size(), 3u * kBars);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].symbol, ids[i % 3]) << i;
    EXPECT_EQ(events[i].bar.ts_ms, kFrom + static_cast<int64_t>(i / 3) * kMinute) << i;
  }
  for (size_t s = 0; s < 3; ++s) {
    std::vector<Bar> got;
    for (size_t i = s; i < events.size(); i += 3) got.push_back(events[i].bar);
    ExpectSameBars(got, Expected(files[s]), stems[s]);
  }
  FeedStatus st = (*src)->status();
  EXPECT_EQ(st.gaps_backfilled, 0);
  EXPECT_EQ(st.reconnects, 0);
  EXPECT_TRUE(st.connected);
}

TEST(BinanceSourceFake, WithoutGraceALateSymbolComesAfterTheOthers) {
  REQUIRE_FAKE();
  // grace 0: a bar time is released as soon as one symbol has it; SOL's late kline (bar 90 on)
  // then comes after the others of its minute, its own order kept.
  const std::vector<std::string> stems = {"SOL-USDT", "DOGE-USDT"};
  std::vector<std::string> files;
  for (const auto& s : stems) files.push_back(Sample(s));
  FakeBinance fake(files, "late", {"--at", "90"});
  ASSERT_GT(fake.port(), 0);
  SimulatedClock clock(kFrom);
  BinanceOptions o = fake.Options();
  o.grace_ms = 0;
  auto src = BinanceSource::Create(stems, o, clock);
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  auto events = Drain(**src);
  std::map<std::string, std::vector<Bar>> got;
  std::map<int64_t, std::vector<std::string>> order;  // bar time -> symbols in delivery order
  for (const auto& e : events) {
    got[e.symbol].push_back(e.bar);
    order[e.bar.ts_ms].push_back(e.symbol);
  }
  ExpectSameBars(got["SOLUSDT"], Expected(files[0]), "SOL");
  ExpectSameBars(got["DOGEUSDT"], Expected(files[1]), "DOGE");
  for (int i = 90; i < kBars; ++i) {
    EXPECT_EQ(order[kFrom + i * kMinute], (std::vector<std::string>{"DOGEUSDT", "SOLUSDT"})) << i;
  }
}

TEST(BinanceSourceFake, AFailedBackfillFailsNext) {
  REQUIRE_FAKE();
  const std::string file = Sample("SOL-USDT");
  FakeBinance fake({file}, "gap", {"--at", "10"});
  ASSERT_GT(fake.port(), 0);
  SimulatedClock clock(kFrom);
  BinanceOptions o = fake.Options();
  o.rest_url = "http://127.0.0.1:1";  // nothing listens there
  auto src = BinanceSource::Create({"SOL-USDT"}, o, clock);
  ASSERT_TRUE(src.ok());
  int bars = 0;
  Result<std::optional<BarEvent>> ev = std::optional<BarEvent>();
  while ((ev = (*src)->Next()).ok() && *ev) ++bars;
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(ev.error().message.find("SOLUSDT: backfill"), std::string::npos) << ev.error().message;
  EXPECT_EQ(bars, 10);  // the bars before the gap
  EXPECT_EQ((*src)->status().gaps_backfilled, 0);
}

TEST(BinanceSourceFake, RestPagesBy1000AndHistoryIsASeries) {
  REQUIRE_FAKE();
  const std::string file = Sample("BTC-USDT-PERP");
  FakeBinance fake({file}, "clean");
  ASSERT_GT(fake.port(), 0);
  const std::string rest = "http://127.0.0.1:" + std::to_string(fake.port());
  auto series = data::LoadBars(file);
  ASSERT_TRUE(series.ok());
  const int64_t end = kFrom + 2500 * kMinute;  // 2500 bars: 3 pages
  auto hist = FetchHistory("BTC-USDT-PERP", kFrom, end, rest);
  ASSERT_TRUE(hist.ok()) << hist.error().ToString();
  EXPECT_EQ(hist->symbol, "BTCUSDT-PERP");
  EXPECT_EQ(hist->timeframe, "1m");
  std::vector<Bar> want, got;
  for (size_t i = 0; i < series->size(); ++i) {
    if (series->ts_ms[i] >= kFrom && series->ts_ms[i] < end) want.push_back(series->bar(i));
  }
  for (size_t i = 0; i < hist->size(); ++i) got.push_back(hist->bar(i));
  ExpectSameBars(got, want, "history");
  EXPECT_EQ(fake.Count("\"ev\":\"rest\""), 3);
  auto bad = FetchKlines(rest + "/api/v3/klines", "NOPEUSDT", kFrom, end);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("HTTP 400"), std::string::npos) << bad.error().message;
}

// ---- TLS ----

// A throwaway PKI in a temp dir, made once per test run with the openssl command line: a test CA,
// a server certificate it signs for 127.0.0.1 and localhost, one it signs for example.com only,
// and a server certificate for 127.0.0.1 signed by another ("rogue") CA.
struct TestPki {
  bool ok = false;
  std::string dir;
  std::string Path(const std::string& name) const { return dir + "/" + name; }
  // --tls CERT KEY for the fake
  std::vector<std::string> Tls(const std::string& server) const {
    return {"--tls", Path(server + ".pem"), Path(server + ".key")};
  }
};

const TestPki& Pki() {
  static const TestPki pki = [] {
    TestPki p;
    p.dir = testing::MakeTempDir("binance-tls");
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string script = "set -e; cd '" + p.dir + "'\n";
    for (const char* ca : {"ca", "rogue-ca"}) {
      script += "openssl req -x509 " + key + " -keyout " + ca + ".key -out " + ca + ".pem -days 2 -subj '/CN=" + ca +
                "' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign\n";
    }
    for (const auto& [name, ca, san] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"server", "ca", "IP:127.0.0.1,DNS:localhost"},
             {"wronghost", "ca", "DNS:example.com"},
             {"rogue", "rogue-ca", "IP:127.0.0.1,DNS:localhost"}}) {
      script += "printf 'subjectAltName=" + san + "\\nbasicConstraints=CA:FALSE\\n' > " + name + ".ext\n";
      script += "openssl req " + key + " -keyout " + name + ".key -out " + name + ".csr -subj '/CN=" + name + "'\n";
      script += "openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
                ".key -CAcreateserial -days 2 -out " + name + ".pem -extfile " + name + ".ext\n";
    }
    std::ofstream(p.dir + "/make.sh") << script;
    p.ok = std::system(("sh '" + p.dir + "/make.sh' > '" + p.dir + "/make.log' 2>&1").c_str()) == 0;
    return p;
  }();
  static const struct RemoveAtExit {
    std::string dir;  // empty when making failed: kept, with make.log
    ~RemoveAtExit() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } remove{pki.ok ? pki.dir : ""};
  return pki;
}

#define REQUIRE_TLS_FAKE()                                                                    \
  REQUIRE_FAKE();                                                                             \
  if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI"; \
  ASSERT_TRUE(Pki().ok) << "making test certificates failed: see " << Pki().dir << "/make.log"

void TrustTestCa(BinanceOptions& o) { o.ca_file = Pki().Path("ca.pem"); }

TEST(BinanceSourceTls, CleanRunOverWssAndHttps) {
  REQUIRE_TLS_FAKE();
  RunScenario("clean", {}, Pki().Tls("server"), TrustTestCa);
}

TEST(BinanceSourceTls, ADisconnectIsReconnectedAndBackfilledOverHttps) {
  REQUIRE_TLS_FAKE();
  RunScenario("disconnect", {.reconnects = 1, .gaps = 1}, Pki().Tls("server"), TrustTestCa);
}

TEST(BinanceSourceTls, HostNamesGetSniAndRestTrustsTheEnvironmentCaFile) {
  REQUIRE_TLS_FAKE();
  const std::string file = Sample("SOL-USDT");
  FakeBinance fake({file}, "gap", Pki().Tls("server"));
  ASSERT_GT(fake.port(), 0);
  SimulatedClock clock(kFrom);
  BinanceOptions o = fake.Options();
  o.ws_url = "wss://localhost:" + std::to_string(fake.port());  // a host name: SNI and name check
  ASSERT_EQ(unsetenv(kCaFileEnv), 0);
  // Without the test CA, the system store alone does not trust the fake.
  auto untrusted = FetchKlines(o.rest_url + "/api/v3/klines", "SOLUSDT", kFrom, kFrom + 9 * kMinute);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code, ErrorCode::kFailedPrecondition) << untrusted.error().ToString();
  ASSERT_EQ(setenv(kCaFileEnv, Pki().Path("ca.pem").c_str(), 1), 0);
  auto rest = FetchKlines(o.rest_url + "/api/v3/klines", "SOLUSDT", kFrom, kFrom + 9 * kMinute);
  auto src = BinanceSource::Create({"SOL-USDT"}, o, clock);
  unsetenv(kCaFileEnv);
  ASSERT_TRUE(rest.ok()) << rest.error().ToString();
  std::vector<Bar> want = Expected(file);
  ExpectSameBars(*rest, std::vector<Bar>(want.begin(), want.begin() + 10), "https klines");
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  ExpectSameBars(
      [&] {
        std::vector<Bar> got;
        for (const auto& e : Drain(**src)) got.push_back(e.bar);
        return got;
      }(),
      want, "wss with a stream gap");
  EXPECT_EQ((*src)->status().gaps_backfilled, 1);
  EXPECT_EQ(fake.Count("\"servername\":\"localhost\""), 1);
}

TEST(BinanceSourceTls, TheCaFileIsAddedToTheSystemStoreNotInItsPlace) {
  REQUIRE_TLS_FAKE();
  // The "system store" is pointed (through OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR) at the other
  // CA: its server is still trusted with the test CA given as the extra file. REST is not used
  // (libcurl's store is its built-in path).
  ASSERT_EQ(setenv("SSL_CERT_FILE", Pki().Path("rogue-ca.pem").c_str(), 1), 0);
  ASSERT_EQ(setenv("SSL_CERT_DIR", Pki().dir.c_str(), 1), 0);
  RunScenario("clean", {}, Pki().Tls("rogue"), TrustTestCa);
  unsetenv("SSL_CERT_FILE");
  unsetenv("SSL_CERT_DIR");
}

// A fake with `server`'s certificate: the feed and REST refuse it, naming the host.
void ExpectRefused(const std::string& server, const std::string& why) {
  FakeBinance fake({Sample("SOL-USDT")}, "clean", Pki().Tls(server));
  ASSERT_GT(fake.port(), 0);
  const std::string host = "127.0.0.1:" + std::to_string(fake.port());
  SimulatedClock clock(kFrom);
  BinanceOptions o = fake.Options();
  TrustTestCa(o);
  auto src = BinanceSource::Create({"SOL-USDT"}, o, clock);
  ASSERT_TRUE(src.ok()) << src.error().ToString();
  auto ev = (*src)->Next();
  ASSERT_FALSE(ev.ok()) << server;
  EXPECT_EQ(ev.error().code, ErrorCode::kFailedPrecondition) << ev.error().ToString();
  const std::string& msg = ev.error().message;
  EXPECT_NE(msg.find("certificate of " + host + " not verified"), std::string::npos) << msg;
  EXPECT_NE(msg.find(why), std::string::npos) << msg;
  EXPECT_NE(msg.find(Pki().Path("ca.pem")), std::string::npos) << msg;
  EXPECT_EQ((*src)->status().reconnects, 0);
  EXPECT_FALSE((*src)->status().connected);
  auto rest = FetchKlines(o.rest_url + "/api/v3/klines", "SOLUSDT", kFrom, kFrom + kMinute, o.ca_file);
  ASSERT_FALSE(rest.ok());
  EXPECT_EQ(rest.error().code, ErrorCode::kFailedPrecondition) << rest.error().ToString();
  EXPECT_NE(rest.error().message.find("certificate of " + host + " not verified"), std::string::npos)
      << rest.error().message;
  EXPECT_EQ(fake.Count("\"ev\":\"connect\""), 0);
  EXPECT_EQ(fake.Count("\"ev\":\"rest\""), 0);
}

TEST(BinanceSourceTls, ACertificateFromAnotherCaIsRefused) {
  REQUIRE_TLS_FAKE();
  ExpectRefused("rogue", "unable to get local issuer certificate");
}

TEST(BinanceSourceTls, ACertificateForAnotherHostIsRefused) {
  REQUIRE_TLS_FAKE();
  ExpectRefused("wronghost", "IP address mismatch");
}

}  // namespace
}  // namespace huracan::live
