// The Binance kline feed (docs/LIVE.md, "Bar sources"): BinanceSource streams closed 1m klines
// of spot and USD-M futures symbols over websockets (`<pair>@kline_1m`, combined streams, one
// connection per market kind) and fills every gap from the REST klines endpoint before the next
// bar is delivered. FetchKlines / FetchHistory are the REST side alone, for backfills and warm-up.
// wss:// and https:// are verified against the system CA store plus an optional extra CA file
// (`ca_file` below, or the environment variable HURACAN_LIVE_CA_FILE); verification is never off.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "data/bar_series.h"
#include "live/bar_source.h"
#include "live/binance_kline.h"
#include "live/status.h"

namespace huracan::live {

// The environment variable naming an extra CA file (PEM) trusted for wss:// and https://, in
// addition to the system store, when no `ca_file` is given.
inline constexpr const char* kCaFileEnv = "HURACAN_LIVE_CA_FILE";

// Klines of `pair` (Binance's name, "BTCUSDT") with open time in [start_ms, end_ms], from the REST
// klines URL `rest_url` (BinanceEndpoints::rest_url), paged by 1000 rows, in time order, without
// repeats. Unavailable for a failed request or a non-200 answer (with the status and the start of
// the body); InvalidArgument for an answer that does not parse; FailedPrecondition for an https://
// server whose certificate does not verify (the message names the URL). `ca_file`: an extra CA
// file (PEM) trusted besides the system store; empty: $HURACAN_LIVE_CA_FILE, if set.
Result<std::vector<Bar>> FetchKlines(const std::string& rest_url, const std::string& pair, int64_t start_ms,
                                     int64_t end_ms, const std::string& ca_file = "");

// The 1m bars of our `symbol` ("SOLUSDT", "BTC-USDT-PERP", ...) with open time in [start_ms,
// end_ms), as a BarSeries (symbol in the id form, timeframe "1m"): the runner's warm-up history.
// `rest_url_override` as for BinanceEndpointsFor (empty: Binance's own endpoints).
// `ca_file` as for FetchKlines.
Result<data::BarSeries> FetchHistory(const std::string& symbol, int64_t start_ms, int64_t end_ms,
                                     const std::string& rest_url_override = "", const std::string& ca_file = "");

struct BinanceOptions {
  std::string ws_url;    // --ws-url: base override (ws:// or wss://host:port); empty = Binance
  std::string rest_url;  // --rest-url: base override (http:// or https://host:port); empty = Binance
  // An extra CA file (PEM) trusted for wss:// and https:// besides the system store (OpenSSL's
  // default paths: /etc/ssl/certs on Debian); empty: $HURACAN_LIVE_CA_FILE, if set.
  std::string ca_file;
  // The first bar wanted per symbol: bars from here to the first streamed one come from REST.
  // nullopt: a symbol starts at its first closed kline.
  std::optional<int64_t> from_ms;
  // Bars with open time >= until_ms end a symbol; Next() returns nullopt once every symbol has
  // reached it (gaps before it still backfilled). nullopt: the feed never ends.
  std::optional<int64_t> until_ms;
  // No message (klines, updates, anything) on a connection for this long on the clock: it is
  // taken as dead (stale-feed watchdog) and reconnected.
  int64_t stale_after_ms = 30'000;
  // Cross-symbol alignment: a bar time waits this long on the clock for the other symbols.
  int64_t grace_ms = 2'000;
  // Reconnect backoff on the clock: base * 2^(attempt-1), capped at max, plus a jitter of up to
  // a quarter of it. The first retry after a drop waits `backoff_base_ms` (+ jitter).
  int64_t backoff_base_ms = 500;
  int64_t backoff_max_ms = 30'000;
  // Consecutive failed connection attempts before Next() fails with Unavailable; 0 = never.
  int max_connect_failures = 0;
  // A connection is closed and reopened after this long (Binance drops it at 24 h).
  int64_t max_connection_ms = 23 * 3'600'000LL + 30 * 60'000LL;
  // One wait for socket events, in real time; on a clock that does not run by itself
  // (SimulatedClock) an idle wait also moves the clock by this much, so deadlines come due.
  int64_t poll_ms = 50;
  // REST attempts per backfill before Next() fails (Unavailable; calling Next() again retries).
  int rest_attempts = 3;
  uint64_t jitter_seed = 0;  // 0: random
};

class BinanceSource final : public BarSource {
 public:
  // `symbols` in our form (data::ParseMarket: "BTCUSDT-PERP", "SOL-USDT", ...), spot and futures
  // mixed as needed; events carry the id form ("BTCUSDT-PERP"). InvalidArgument for a symbol that
  // is not a market, a repeat, a URL that is not ws:// or wss://, or a CA file that does not load.
  // A wss:// server whose certificate does not verify (chain or host name) fails Next() with
  // FailedPrecondition naming the host; it is not retried.
  static Result<std::unique_ptr<BinanceSource>> Create(const std::vector<std::string>& symbols,
                                                       const BinanceOptions& options, const Clock& clock);
  ~BinanceSource() override;

  // The next closed bar, waiting for the stream (reconnecting as needed). Bars of one symbol come
  // in time order without gaps or repeats; across symbols a bar time is released when every
  // symbol has a bar at or after it, or `grace_ms` after its first bar arrived; ties go by the
  // order of `symbols`. A bar that arrives after its time was released comes next (its symbol's
  // order is kept; it is late across symbols).
  Result<std::optional<BarEvent>> Next() override;

  // Counters and connection state (kind "binance").
  FeedStatus status() const;
  std::optional<FeedStatus> feed_status() const override { return status(); }

 private:
  struct Impl;
  explicit BinanceSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace huracan::live
