#include "live/binance_kline.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "data/catalog.h"

namespace huracan::live {
namespace {

using nlohmann::json;

// A price or volume: Binance sends decimal strings; a JSON number is taken too.
Result<double> Decimal(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(std::string("missing \"") + key + "\"");
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) return InvalidArgument(std::string("\"") + key + "\" is not a string");
  const std::string& s = it->get_ref<const std::string&>();
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    return InvalidArgument(std::string("\"") + key + "\" is not a number: \"" + s + "\"");
  }
  return v;
}

Result<double> DecimalAt(const json& row, size_t i, const char* name) {
  json wrapper = json::object();
  wrapper[name] = row[i];
  return Decimal(wrapper, name);
}

Result<int64_t> Integer(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(std::string("missing \"") + key + "\"");
  if (!it->is_number_integer()) return InvalidArgument(std::string("\"") + key + "\" is not an integer");
  return it->get<int64_t>();
}

Result<std::string> String(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(std::string("missing \"") + key + "\"");
  if (!it->is_string()) return InvalidArgument(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

Result<Kline> ParseKlineObject(const json& k) {
  if (!k.is_object()) return InvalidArgument("\"k\" is not an object");
  Kline out;
  HURACAN_ASSIGN_OR_RETURN(out.pair, String(k, "s"));
  HURACAN_ASSIGN_OR_RETURN(out.interval, String(k, "i"));
  HURACAN_ASSIGN_OR_RETURN(out.bar.ts_ms, Integer(k, "t"));
  HURACAN_ASSIGN_OR_RETURN(out.close_ms, Integer(k, "T"));
  auto x = k.find("x");
  if (x == k.end()) return InvalidArgument("missing \"x\"");
  if (!x->is_boolean()) return InvalidArgument("\"x\" is not a boolean");
  out.closed = x->get<bool>();
  HURACAN_ASSIGN_OR_RETURN(out.bar.open, Decimal(k, "o"));
  HURACAN_ASSIGN_OR_RETURN(out.bar.high, Decimal(k, "h"));
  HURACAN_ASSIGN_OR_RETURN(out.bar.low, Decimal(k, "l"));
  HURACAN_ASSIGN_OR_RETURN(out.bar.close, Decimal(k, "c"));
  HURACAN_ASSIGN_OR_RETURN(out.bar.volume, Decimal(k, "v"));
  return out;
}

}  // namespace

std::string BinanceMarket::stream() const { return Lower(pair) + "@kline_1m"; }

Result<BinanceMarket> ToBinanceMarket(std::string_view symbol) {
  auto m = data::ParseMarket(symbol);
  if (!m) return InvalidArgument("not a market symbol: \"" + std::string(symbol) + "\"");
  return BinanceMarket{m->base + m->quote, m->perp};
}

std::string FromBinanceMarket(const BinanceMarket& market) { return market.pair + (market.futures ? "-PERP" : ""); }

BinanceEndpoints BinanceEndpointsFor(bool futures, std::string_view ws_url_override,
                                     std::string_view rest_url_override) {
  BinanceEndpoints e;
  if (ws_url_override.empty()) {
    e.ws_url = futures ? "wss://fstream.binance.com/stream" : "wss://stream.binance.com:9443/stream";
  } else {
    e.ws_url = std::string(ws_url_override) + (futures ? "/fstream" : "/stream");
  }
  std::string_view path = futures ? "/fapi/v1/klines" : "/api/v3/klines";
  std::string rest_base = rest_url_override.empty() ? (futures ? "https://fapi.binance.com" : "https://api.binance.com")
                                                    : std::string(rest_url_override);
  e.rest_url = rest_base + std::string(path);
  return e;
}

Result<std::optional<Kline>> ParseKlineMessage(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("kline message: not JSON");
  if (!doc.is_object()) return InvalidArgument("kline message: not a JSON object");
  const json* event = &doc;
  if (auto data = doc.find("data"); data != doc.end() && doc.contains("stream")) {
    if (!data->is_object()) return InvalidArgument("kline message: \"data\" is not an object");
    event = &*data;
  }
  auto e = event->find("e");
  if (e == event->end()) return std::optional<Kline>();  // a subscription answer or the like
  if (!e->is_string()) return InvalidArgument("kline message: \"e\" is not a string");
  if (e->get_ref<const std::string&>() != "kline") return std::optional<Kline>();
  auto k = event->find("k");
  if (k == event->end()) return InvalidArgument("kline message: missing \"k\"");
  HURACAN_ASSIGN_OR_RETURN_CTX(Kline kline, ParseKlineObject(*k), "kline message");
  return std::optional<Kline>(std::move(kline));
}

Result<std::vector<Bar>> ParseRestKlines(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("klines answer: not JSON");
  if (!doc.is_array()) return InvalidArgument("klines answer: not a JSON array");
  std::vector<Bar> bars;
  bars.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& row = doc[i];
    std::string where = "klines answer: row " + std::to_string(i);
    if (!row.is_array() || row.size() < 6) return InvalidArgument(where + ": not an array of at least 6 items");
    if (!row[0].is_number_integer()) return InvalidArgument(where + ": open time is not an integer");
    Bar b;
    b.ts_ms = row[0].get<int64_t>();
    HURACAN_ASSIGN_OR_RETURN_CTX(b.open, DecimalAt(row, 1, "open"), where);
    HURACAN_ASSIGN_OR_RETURN_CTX(b.high, DecimalAt(row, 2, "high"), where);
    HURACAN_ASSIGN_OR_RETURN_CTX(b.low, DecimalAt(row, 3, "low"), where);
    HURACAN_ASSIGN_OR_RETURN_CTX(b.close, DecimalAt(row, 4, "close"), where);
    HURACAN_ASSIGN_OR_RETURN_CTX(b.volume, DecimalAt(row, 5, "volume"), where);
    bars.push_back(b);
  }
  return bars;
}

}  // namespace huracan::live
