#include "live/symbols_selector.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace huracan::live {
namespace {

SymbolSelector Sample() {
  SymbolSelector s;
  s.updated_at_ms = 1'762'567'200'000;  // 2025-11-08T02:00:00Z
  s.source = "telegram /trade 2";
  s.symbols = {"BTCUSDT-PERP", "SOLUSDT"};
  s.allow = {"SOLUSDT"};
  s.block = {"DOGEUSDT"};
  return s;
}

TEST(SymbolSelector, WriteReadRoundTrip) {
  const std::string path = testing::MakeTempDir("selector") + "/symbols_selector.json";
  ASSERT_TRUE(WriteSymbolSelector(path, Sample()).ok());
  auto back = ReadSymbolSelector(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, Sample());
  EXPECT_NE(EncodeSymbolSelector(Sample()).find("\"updated_at\": \"2025-11-08T02:00:00Z\""), std::string::npos);
}

TEST(SymbolSelector, NormalisesSymbolsAndAllowsMissingOptionalLists) {
  auto s = ParseSymbolSelector(
      R"({"version":1,"updated_at":"2025-11-08T02:00Z","symbols":["btc-usdt-perp","ETHUSDT"]})", "sel.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->symbols, (std::vector<std::string>{"BTCUSDT-PERP", "ETHUSDT"}));
  EXPECT_TRUE(s->allow.empty());
  EXPECT_TRUE(s->source.empty());
}

TEST(SymbolSelector, RefusesBadFilesNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "not a JSON object"},
      {R"({"version":2,"updated_at":"2025-11-08","symbols":[]})", "version: expected 1"},
      {R"({"version":1,"updated_at":"2025-11-08"})", "symbols: missing"},
      {R"({"version":1,"updated_at":"later","symbols":[]})", "updated_at: expected"},
      {R"({"version":1,"updated_at":"2025-11-08","symbols":["NOTAMARKET"]})", "\"NOTAMARKET\" is not a market"},
      {R"({"version":1,"updated_at":"2025-11-08","symbols":["BTCUSDT","BTC-USDT"]})", "BTCUSDT appears twice"},
      {R"({"version":1,"updated_at":"2025-11-08","symbols":["BTCUSDT"],"block":["BTCUSDT"]})", "also in block"},
      {R"({"version":1,"updated_at":"2025-11-08","symbols":[],"top":5})", "unknown key 'top'"},
  };
  for (const auto& [text, why] : cases) {
    auto s = ParseSymbolSelector(text, "sel.json");
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.error().message.rfind("sel.json: ", 0), 0u) << s.error().message;
    EXPECT_NE(s.error().message.find(why), std::string::npos) << s.error().message;
  }
}

}  // namespace
}  // namespace huracan::live
