// libFuzzer target for the exchange feed's message parsers (live/binance_kline.h): a websocket
// kline message and a REST klines answer. Any text gives an error, "not a kline", or bars whose
// prices are finite numbers; nothing throws.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "live/binance_kline.h"

namespace {
bool Finite(const huracan::Bar& b) {
  return std::isfinite(b.open) && std::isfinite(b.high) && std::isfinite(b.low) && std::isfinite(b.close) &&
         std::isfinite(b.volume);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto msg = live::ParseKlineMessage(text);
  if (msg.ok() && msg->has_value()) {
    const live::Kline& k = **msg;
    fuzz::Check(Finite(k.bar), "a kline with a price that is not a finite number");
    // The pair maps back to one of our symbols and forth again.
    (void)live::FromBinanceMarket(live::BinanceMarket{k.pair, false});
  }
  auto rows = live::ParseRestKlines(text);
  if (rows.ok())
    for (const Bar& b : *rows) fuzz::Check(Finite(b), "a REST row with a price that is not a finite number");
  (void)live::ToBinanceMarket(text.substr(0, 40));
  return 0;
}
