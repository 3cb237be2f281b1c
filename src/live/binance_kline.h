// Binance klines as text (docs/LIVE.md, "Bar sources"): pure parsers of the websocket kline
// message and of the REST klines rows, and the one mapping between our symbols and Binance's. No
// I/O: each parser is a function of a string, and bad input is an error naming what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"

namespace huracan::live {

// Binance's side of a market: the pair name and whether it trades on USD-M futures.
struct BinanceMarket {
  std::string pair;            // "SOLUSDT", "BTCUSDT"
  bool futures = false;        // USD-M perpetual futures (our "-PERP"), else spot
  std::string stream() const;  // "solusdt@kline_1m"
};

// Ours -> Binance's: "SOL-USDT" / "SOLUSDT" -> {SOLUSDT, spot}; "BTC-USDT-PERP" / "BTCUSDT-PERP"
// -> {BTCUSDT, futures}. InvalidArgument when `symbol` is not a market (data::ParseMarket).
Result<BinanceMarket> ToBinanceMarket(std::string_view symbol);
// Binance's -> ours (the id form of data::Market, as BarEvent and BarSeries carry it):
// {BTCUSDT, futures} -> "BTCUSDT-PERP", {SOLUSDT, spot} -> "SOLUSDT".
std::string FromBinanceMarket(const BinanceMarket& market);

// The endpoints of one market kind.
struct BinanceEndpoints {
  std::string ws_url;    // stream base: the source connects to ws_url + "?streams=a@kline_1m/b@kline_1m"
  std::string rest_url;  // klines URL: rest_url + "?symbol=..&interval=1m&startTime=..&endTime=..&limit=1000"
};
// Binance's own endpoints, or, with overrides (`--ws-url`, `--rest-url`: a base such as
// "ws://127.0.0.1:PORT" / "http://127.0.0.1:PORT"), the same paths on that base:
//   spot:    wss://stream.binance.com:9443/stream,  https://api.binance.com/api/v3/klines
//   futures: wss://fstream.binance.com/stream,      https://fapi.binance.com/fapi/v1/klines
//   override: <ws-url>/stream (spot), <ws-url>/fstream (futures); <rest-url>/api/v3/klines (spot),
//   <rest-url>/fapi/v1/klines (futures).
BinanceEndpoints BinanceEndpointsFor(bool futures, std::string_view ws_url_override = {},
                                     std::string_view rest_url_override = {});

// One kline of the stream.
struct Kline {
  std::string pair;      // "k.s": Binance's pair, e.g. "BTCUSDT"
  std::string interval;  // "k.i", e.g. "1m"
  int64_t close_ms = 0;  // "k.T"
  bool closed = false;   // "k.x": only a closed kline is a bar
  Bar bar;               // ts_ms = "k.t" (open time); o, h, l, c, v from their strings
};

// A websocket message: a kline event ({"e":"kline",...,"k":{...}}), bare or in the combined-stream
// wrapper ({"stream":"..","data":{...}}). nullopt for well-formed JSON of another kind (a
// subscription answer, another event type); an error naming the fault for anything malformed
// (not JSON, a missing or mistyped field, a price that is not a number).
Result<std::optional<Kline>> ParseKlineMessage(std::string_view text);

// A REST klines answer: an array of rows [openTime, "open", "high", "low", "close", "volume",
// closeTime, ...]; the bars in the order given. An error names the row and the field at fault.
Result<std::vector<Bar>> ParseRestKlines(std::string_view text);

}  // namespace huracan::live
