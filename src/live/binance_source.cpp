#include "live/binance_source.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>

#include "core/strings.h"
#include "core/time_units.h"

namespace huracan::live {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using boost::system::error_code;
using PlainWs = websocket::stream<tcp::socket>;
using TlsWs = websocket::stream<ssl::stream<tcp::socket>>;

constexpr int64_t kBarMs = kMsPerMinute;
constexpr int64_t kRestPage = 1000;

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// The extra CA file: `option`, else $HURACAN_LIVE_CA_FILE, else none.
std::string ExtraCaFile(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv(kCaFileEnv);
  return env ? env : "";
}

std::string TrustedCas(const std::string& ca_file) {
  return "the system CA store" + (ca_file.empty() ? std::string() : " and " + ca_file);
}

// host[:port] of scheme://host[:port]/...
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find_first_of("/?", start) - start);
}

CURLcode AddCaFile(CURL*, void* ssl_ctx, void* file) {
  return SSL_CTX_load_verify_locations(static_cast<SSL_CTX*>(ssl_ctx), static_cast<const char*>(file), nullptr) == 1
             ? CURLE_OK
             : CURLE_SSL_CACERT_BADFILE;
}

Result<std::string> HttpGet(const std::string& url, const std::string& ca_option) {
  static const bool init = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!init) return Internal("curl_global_init failed");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Internal("curl_easy_init failed");
  std::string body;
  char err[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 15000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  const std::string ca_file = ExtraCaFile(ca_option);
  if (!ca_file.empty()) {  // added to the store libcurl loads from the system paths
    curl_easy_setopt(curl.get(), CURLOPT_SSL_CTX_FUNCTION, &AddCaFile);
    curl_easy_setopt(curl.get(), CURLOPT_SSL_CTX_DATA, const_cast<char*>(ca_file.c_str()));
  }
  if (CURLcode rc = curl_easy_perform(curl.get()); rc != CURLE_OK) {
    std::string why = err[0] ? err : curl_easy_strerror(rc);
    if (rc == CURLE_PEER_FAILED_VERIFICATION) {
      return FailedPrecondition("GET " + url + ": TLS certificate of " + HostOf(url) + " not verified against " +
                                TrustedCas(ca_file) + ": " + why);
    }
    if (rc == CURLE_SSL_CACERT_BADFILE) return InvalidArgument("GET " + url + ": CA file " + ca_file + ": " + why);
    return Unavailable("GET " + url + ": " + why);
  }
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return Unavailable("GET " + url + ": HTTP " + std::to_string(code) + ": " + body.substr(0, 200));
  return body;
}

// ws[s]://host[:port]/target
struct WsUrl {
  bool tls = false;
  std::string host, port, target;
};
Result<WsUrl> ParseWsUrl(const std::string& url) {
  WsUrl out;
  out.tls = url.rfind("wss://", 0) == 0;
  if (!out.tls && url.rfind("ws://", 0) != 0) return InvalidArgument("websocket URL " + url + ": not ws:// or wss://");
  std::string rest = url.substr(out.tls ? 6 : 5);
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  out.host = hostport.substr(0, colon);
  out.port = colon == std::string::npos ? (out.tls ? "443" : "80") : hostport.substr(colon + 1);
  if (out.host.empty() || out.port.empty()) return InvalidArgument("websocket URL " + url + ": no host or port");
  return out;
}

}  // namespace

Result<std::vector<Bar>> FetchKlines(const std::string& rest_url, const std::string& pair, int64_t start_ms,
                                     int64_t end_ms, const std::string& ca_file) {
  std::vector<Bar> out;
  int64_t from = start_ms;
  while (from <= end_ms) {
    std::string url = rest_url + "?symbol=" + pair + "&interval=1m&startTime=" + std::to_string(from) +
                      "&endTime=" + std::to_string(end_ms) + "&limit=" + std::to_string(kRestPage);
    HURACAN_ASSIGN_OR_RETURN(std::string body, HttpGet(url, ca_file));
    HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<Bar> page, ParseRestKlines(body), "GET " + url);
    int64_t last = from - 1;
    for (const Bar& b : page) {
      if (b.ts_ms < from || b.ts_ms > end_ms || (!out.empty() && b.ts_ms <= out.back().ts_ms)) continue;
      out.push_back(b);
      last = b.ts_ms;
    }
    if (static_cast<int64_t>(page.size()) < kRestPage || last < from) break;
    from = last + 1;
  }
  return out;
}

Result<data::BarSeries> FetchHistory(const std::string& symbol, int64_t start_ms, int64_t end_ms,
                                     const std::string& rest_url_override, const std::string& ca_file) {
  HURACAN_ASSIGN_OR_RETURN(BinanceMarket market, ToBinanceMarket(symbol));
  BinanceEndpoints ep = BinanceEndpointsFor(market.futures, {}, rest_url_override);
  HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<Bar> bars,
                               FetchKlines(ep.rest_url, market.pair, start_ms, end_ms - 1, ca_file), symbol);
  data::BarSeries series;
  series.symbol = FromBinanceMarket(market);
  series.timeframe = "1m";
  for (const Bar& b : bars) series.push_back(b);
  return series;
}

struct BinanceSource::Impl {
  struct Symbol {
    std::string id;
    BinanceMarket market;
    size_t conn = 0;
    bool has_last = false;
    int64_t last_ms = 0;  // open time of the last bar accepted into `queue`
    bool done = false;    // reached until_ms
    std::deque<Bar> queue;
  };
  struct Connection {
    bool futures = false;
    BinanceEndpoints endpoints;
    std::string url;              // with the streams
    std::unique_ptr<PlainWs> ws;  // ws://
    std::unique_ptr<TlsWs> wss;   // wss://
    boost::beast::flat_buffer buffer;
    bool open = false, reading = false, read_done = false, ever_connected = false;
    error_code read_ec;
    int failures = 0;
    int64_t retry_at_ms = 0;  // monotonic

    bool active() const { return ws || wss; }
    template <class F>
    void Visit(F&& f) {
      if (ws) f(*ws);
      if (wss) f(*wss);
    }
    // A hard close of the TCP socket: pending operations end with an error.
    void CloseSocket() {
      error_code ignored;
      Visit([&](auto& s) { boost::beast::get_lowest_layer(s).close(ignored); });
    }
  };

  BinanceOptions options;
  const Clock& clock;
  std::vector<Symbol> symbols;
  std::vector<Connection> conns;
  std::map<std::pair<bool, std::string>, size_t> by_pair;  // (futures, pair) -> symbol index
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};  // the system store plus `ca_file`; peers verified
  std::string ca_file;                         // resolved (option or environment)
  TimerQueue timers;                           // "stale/<conn>", "rotate/<conn>" on clock.NowMs()
  std::mt19937_64 rng;
  FeedStatus feed;
  bool released_any = false;
  int64_t released_ms = 0;  // the latest bar time released
  bool waiting = false;     // a bar time is waiting for the other symbols
  int64_t waiting_ms = 0, waiting_since = 0;

  Impl(const BinanceOptions& o, const Clock& c)
      : options(o), clock(c), rng(o.jitter_seed ? o.jitter_seed : std::random_device{}()) {
    feed.kind = "binance";
    feed.connected = false;
  }

  ~Impl() {
    for (auto& c : conns) Close(c);
  }

  static std::string Name(const char* what, size_t i) { return std::string(what) + "/" + std::to_string(i); }

  // Runs the io_context until `done` or the real-time deadline; false on the deadline.
  bool RunUntil(const bool& done, std::chrono::steady_clock::time_point deadline) {
    while (!done) {
      if (ioc.stopped()) ioc.restart();
      if (ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) break;
    }
    return done;
  }

  void Close(Connection& c) {
    if (c.active()) {
      c.CloseSocket();  // a hard close: a stalled peer cannot hold us in a close handshake
      if (c.reading && !c.read_done) RunUntil(c.read_done, std::chrono::steady_clock::now() + std::chrono::seconds(5));
      c.ws.reset();
      c.wss.reset();
    }
    c.open = c.reading = c.read_done = false;
    c.buffer.consume(c.buffer.size());
    size_t i = static_cast<size_t>(&c - conns.data());
    timers.Cancel(Name("stale", i));
    timers.Cancel(Name("rotate", i));
    feed.connected = false;
  }

  int64_t Backoff(int attempt) {
    int64_t d = options.backoff_base_ms;
    for (int i = 1; i < attempt && d < options.backoff_max_ms; ++i) d *= 2;
    d = std::min(d, options.backoff_max_ms);
    return d + static_cast<int64_t>(rng() % static_cast<uint64_t>(d / 4 + 1));
  }

  // Waits for an operation started on c's socket until `deadline` (real time); on the deadline
  // the socket is closed, so the operation ends with an error.
  Status Await(Connection& c, const bool& done, const error_code& ec, std::chrono::steady_clock::time_point deadline,
               const char* what) {
    if (!RunUntil(done, deadline)) {
      c.CloseSocket();
      RunUntil(done, std::chrono::steady_clock::now() + std::chrono::seconds(5));
      return Unavailable(std::string(what) + " " + c.url + ": timed out");
    }
    if (ec) return Unavailable(std::string(what) + " " + c.url + ": " + ec.message());
    return Status::Ok();
  }

  // The TLS handshake on c.wss: SNI set (for a host name), the chain verified against `tls`'s
  // store and the certificate matched to the host (name or IP address) by OpenSSL.
  Status TlsHandshake(Connection& c, const WsUrl& url, std::chrono::steady_clock::time_point deadline) {
    ssl::stream<tcp::socket>& tls_stream = c.wss->next_layer();
    SSL* handle = tls_stream.native_handle();
    error_code ec;
    const bool is_ip = (net::ip::make_address(url.host, ec), !ec);
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url.host.c_str());
    } else {
      SSL_set_tlsext_host_name(handle, url.host.c_str());
      SSL_set1_host(handle, url.host.c_str());
    }
    bool done = false;
    tls_stream.async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    Status st = Await(c, done, ec, deadline, "TLS handshake");
    if (long v = SSL_get_verify_result(handle); !st.ok() && v != X509_V_OK) {
      return FailedPrecondition("TLS handshake " + c.url + ": certificate of " + url.host + ":" + url.port +
                                " not verified against " + TrustedCas(ca_file) + ": " +
                                X509_verify_cert_error_string(v));
    }
    return st;
  }

  Status Connect(Connection& c, size_t i) {
    HURACAN_ASSIGN_OR_RETURN(WsUrl url, ParseWsUrl(c.url));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    tcp::resolver resolver(ioc);
    error_code ec;
    auto results = resolver.resolve(url.host, url.port, ec);
    if (ec) return Unavailable("resolve " + url.host + ": " + ec.message());
    if (url.tls) {
      c.wss = std::make_unique<TlsWs>(ioc, tls);
    } else {
      c.ws = std::make_unique<PlainWs>(ioc);
    }
    bool done = false;
    auto on_done = [&](const error_code& e) {
      ec = e;
      done = true;
    };
    c.Visit([&](auto& s) {
      net::async_connect(boost::beast::get_lowest_layer(s), results,
                         [&](const error_code& e, const tcp::endpoint&) { on_done(e); });
    });
    HURACAN_RETURN_IF_ERROR(Await(c, done, ec, deadline, "connect"));
    if (url.tls) HURACAN_RETURN_IF_ERROR(TlsHandshake(c, url, deadline));
    done = false;
    c.Visit([&](auto& s) { s.async_handshake(url.host + ":" + url.port, url.target, on_done); });
    HURACAN_RETURN_IF_ERROR(Await(c, done, ec, deadline, "handshake"));
    c.open = true;
    if (c.ever_connected) ++feed.reconnects;
    c.ever_connected = true;
    c.failures = 0;
    int64_t now = clock.NowMs();
    timers.Schedule(Name("stale", i), now + options.stale_after_ms);
    timers.Schedule(Name("rotate", i), now + options.max_connection_ms);
    feed.connected = std::all_of(conns.begin(), conns.end(), [](const Connection& x) { return x.open; });
    spdlog::info("binance feed: connected to {}", c.url);
    return Status::Ok();
  }

  void Drop(Connection& c, const std::string& why, int64_t retry_after_ms) {
    spdlog::warn("binance feed: {}: {}; reconnecting", c.url, why);
    Close(c);
    c.retry_at_ms = clock.MonotonicMs() + retry_after_ms;
  }

  // Backfills [first_ms, last_ms] of `s` from REST into its queue.
  Status Backfill(Symbol& s, int64_t first_ms, int64_t last_ms) {
    const std::string& rest = conns[s.conn].endpoints.rest_url;
    Result<std::vector<Bar>> bars = Unavailable("no attempt");
    for (int attempt = 1; attempt <= std::max(1, options.rest_attempts); ++attempt) {
      bars = FetchKlines(rest, s.market.pair, first_ms, last_ms, ca_file);
      if (bars.ok() || !bars.error().retryable()) break;
      if (attempt < options.rest_attempts) clock.SleepMs(Backoff(attempt));
    }
    if (!bars.ok()) return WithContext(bars.error(), s.id + ": backfill");
    for (const Bar& b : *bars) {
      if (s.has_last && b.ts_ms <= s.last_ms) continue;
      s.queue.push_back(b);
      s.has_last = true;
      s.last_ms = b.ts_ms;
    }
    ++feed.gaps_backfilled;
    return Status::Ok();
  }

  Status OnKline(const Kline& k, bool futures) {
    if (!k.closed || k.interval != "1m") return Status::Ok();
    auto it = by_pair.find({futures, k.pair});
    if (it == by_pair.end()) return Status::Ok();  // not subscribed
    Symbol& s = symbols[it->second];
    if (s.done) return Status::Ok();
    const int64_t ts = k.bar.ts_ms;
    if (!s.has_last && options.from_ms && ts < *options.from_ms) return Status::Ok();  // before the start
    if (s.has_last && ts == s.last_ms) {
      ++feed.duplicates;
      return Status::Ok();
    }
    if (s.has_last && ts < s.last_ms) {
      ++feed.out_of_order;
      spdlog::warn("binance feed: {}: kline at {} after {}: refused (out of order)", s.id, ts, s.last_ms);
      return Status::Ok();
    }
    const bool ends = options.until_ms && ts >= *options.until_ms;
    const int64_t expected = s.has_last ? s.last_ms + kBarMs : options.from_ms.value_or(ts);
    const int64_t gap_end = (ends ? *options.until_ms : ts) - kBarMs;
    if (expected <= gap_end) HURACAN_RETURN_IF_ERROR(Backfill(s, expected, gap_end));
    if (ends) {
      s.done = true;
      return Status::Ok();
    }
    s.queue.push_back(k.bar);
    s.has_last = true;
    s.last_ms = ts;
    feed.last_bar_ms = std::max(feed.last_bar_ms, ts);
    return Status::Ok();
  }

  Status OnMessage(Connection& c, size_t i, const std::string& text) {
    int64_t now = clock.NowMs();
    timers.Schedule(Name("stale", i), now + options.stale_after_ms);
    auto parsed = ParseKlineMessage(text);
    if (!parsed.ok()) {
      ++feed.bad_messages;
      spdlog::warn("binance feed: {}: {}", c.url, parsed.error().message);
      return Status::Ok();
    }
    if (!*parsed) return Status::Ok();
    feed.last_event_ms = now;
    return OnKline(**parsed, c.futures);
  }

  // The next releasable bar, if any (see BinanceSource::Next for the rule).
  std::optional<BarEvent> Release() {
    size_t best = symbols.size();
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (symbols[i].queue.empty()) continue;
      if (best == symbols.size() || symbols[i].queue.front().ts_ms < symbols[best].queue.front().ts_ms) best = i;
    }
    if (best == symbols.size()) return std::nullopt;
    const int64_t t = symbols[best].queue.front().ts_ms;
    if (!released_any || t > released_ms) {
      bool all =
          std::all_of(symbols.begin(), symbols.end(), [](const Symbol& s) { return s.done || !s.queue.empty(); });
      if (!all) {
        int64_t now = clock.MonotonicMs();
        if (!waiting || waiting_ms != t) {
          waiting = true;
          waiting_ms = t;
          waiting_since = now;
        }
        if (now - waiting_since < options.grace_ms) return std::nullopt;
      }
      waiting = false;
      released_any = true;
      released_ms = t;
    }
    Symbol& s = symbols[best];
    BarEvent ev{s.id, s.queue.front()};
    s.queue.pop_front();
    feed.lag_seconds = static_cast<double>(clock.NowMs() - (ev.bar.ts_ms + kBarMs)) / 1000.0;
    return ev;
  }

  bool AllDone() const {
    return std::all_of(symbols.begin(), symbols.end(), [](const Symbol& s) { return s.done && s.queue.empty(); });
  }

  // Connects what is down and due, handles the watchdogs, then waits one poll for messages.
  Status Pump() {
    for (size_t i = 0; i < conns.size(); ++i) {
      Connection& c = conns[i];
      if (c.open || clock.MonotonicMs() < c.retry_at_ms) continue;
      Status st = Connect(c, i);
      if (st.ok()) continue;
      if (!st.error().retryable()) return st;  // a bad URL, a certificate that does not verify
      Close(c);
      ++c.failures;
      spdlog::warn("binance feed: {}", st.error().message);
      if (options.max_connect_failures > 0 && c.failures >= options.max_connect_failures) {
        return Unavailable("binance feed: " + std::to_string(c.failures) +
                           " failed connection attempts: " + st.error().message);
      }
      c.retry_at_ms = clock.MonotonicMs() + Backoff(c.failures);
    }
    for (const auto& t : timers.PopDue(clock.NowMs())) {
      size_t i = std::stoul(t.name.substr(t.name.find('/') + 1));
      if (t.name.rfind("stale", 0) == 0) {
        Drop(conns[i], "no message for " + std::to_string(options.stale_after_ms) + " ms (stale feed)", Backoff(1));
      } else {
        Drop(conns[i], "connection older than " + std::to_string(options.max_connection_ms) + " ms", 0);
      }
    }
    bool any_open = false;
    for (auto& c : conns) {
      if (!c.open || c.reading) {
        any_open = any_open || c.open;
        continue;
      }
      any_open = true;
      c.reading = true;
      c.read_done = false;
      c.Visit([&c](auto& s) {
        s.async_read(c.buffer, [&c](const error_code& e, size_t) {
          c.read_ec = e;
          c.read_done = true;
        });
      });
    }
    if (!any_open) {
      int64_t next = INT64_MAX;
      for (const auto& c : conns) next = std::min(next, c.retry_at_ms);
      clock.SleepMs(std::min(next - clock.MonotonicMs(), options.stale_after_ms));
      return Status::Ok();
    }
    bool any_done = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.poll_ms);
    while (!any_done) {
      if (ioc.stopped()) ioc.restart();
      if (ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) break;
      any_done = std::any_of(conns.begin(), conns.end(), [](const Connection& c) { return c.reading && c.read_done; });
    }
    if (!any_done && !clock.realtime()) clock.SleepMs(options.poll_ms);
    for (size_t i = 0; i < conns.size(); ++i) {
      Connection& c = conns[i];
      if (!c.reading || !c.read_done) continue;
      c.reading = false;
      if (c.read_ec) {
        Drop(c, c.read_ec.message(), Backoff(1));
        continue;
      }
      std::string text = boost::beast::buffers_to_string(c.buffer.data());
      c.buffer.consume(c.buffer.size());
      HURACAN_RETURN_IF_ERROR(OnMessage(c, i, text));
    }
    return Status::Ok();
  }
};

BinanceSource::BinanceSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BinanceSource::~BinanceSource() = default;

Result<std::unique_ptr<BinanceSource>> BinanceSource::Create(const std::vector<std::string>& symbols,
                                                             const BinanceOptions& options, const Clock& clock) {
  if (symbols.empty()) return InvalidArgument("binance feed: no symbols");
  auto impl = std::make_unique<Impl>(options, clock);
  impl->ca_file = ExtraCaFile(options.ca_file);
  error_code ec;
  impl->tls.set_verify_mode(ssl::verify_peer);
  impl->tls.set_default_verify_paths(ec);
  if (ec) return Internal("binance feed: the system CA store: " + ec.message());
  if (!impl->ca_file.empty() && (impl->tls.load_verify_file(impl->ca_file, ec), ec)) {
    return InvalidArgument("binance feed: CA file " + impl->ca_file + ": " + ec.message());
  }
  std::map<bool, std::vector<std::string>> streams;
  for (const std::string& sym : symbols) {
    HURACAN_ASSIGN_OR_RETURN_CTX(BinanceMarket m, ToBinanceMarket(sym), "binance feed");
    if (impl->by_pair.count({m.futures, m.pair})) return InvalidArgument("binance feed: symbol repeated: " + sym);
    impl->by_pair[{m.futures, m.pair}] = impl->symbols.size();
    streams[m.futures].push_back(m.stream());
    Impl::Symbol s;
    s.id = FromBinanceMarket(m);
    s.market = m;
    impl->symbols.push_back(std::move(s));
  }
  for (const auto& [futures, names] : streams) {
    Impl::Connection c;
    c.futures = futures;
    c.endpoints = BinanceEndpointsFor(futures, options.ws_url, options.rest_url);
    c.url = c.endpoints.ws_url + "?streams=" + Join(names, "/");
    if (auto url = ParseWsUrl(c.url); !url.ok()) return WithContext(url.error(), "binance feed");
    impl->conns.push_back(std::move(c));
  }
  // `streams` is ordered spot (false) first: with both kinds, spot is connection 0.
  for (auto& s : impl->symbols) s.conn = impl->conns.size() == 2 && s.market.futures ? 1 : 0;
  return std::unique_ptr<BinanceSource>(new BinanceSource(std::move(impl)));
}

Result<std::optional<BarEvent>> BinanceSource::Next() {
  for (;;) {
    if (auto ev = impl_->Release()) return std::optional<BarEvent>(std::move(*ev));
    if (impl_->AllDone()) return std::optional<BarEvent>();
    HURACAN_RETURN_IF_ERROR(impl_->Pump());
  }
}

FeedStatus BinanceSource::status() const { return impl_->feed; }

}  // namespace huracan::live
