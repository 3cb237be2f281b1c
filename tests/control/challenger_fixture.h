// The champion against a challenger, for the three places that show it (the status page,
// /champions on Telegram, the daily summary): an archive with SOLUSDT's champion pointer and a
// challenger set of one, and a migrated SQLite database with both sides' closed shadow trades
// over the same period. The challenger makes 10 bps per trade (4 trades), the champion 3 (4
// trades); with the live gates at 10 trades and a 5 bps band, the challenger needs 6 more trades
// and the band condition holds (the difference's 95 % lower bound is 5.21 bps).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "live/trade_log.h"
#include "registry/promotion.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::control {

struct ChallengerFixture {
  static constexpr char kSymbol[] = "SOLUSDT";
  static constexpr char kChampion[] = "SOLUSDT@20251108T020000Z";
  static constexpr char kChallenger[] = "SOLUSDT@20251108T030000Z";
  static constexpr int64_t kFirstExitMs = 1762574400000;  // 2025-11-08T04:00:00Z
  std::string archive = testing::MakeTempDir("challenger_archive");
  std::unique_ptr<storage::Database> db;
  registry::PromotionRules gates;

  ChallengerFixture() {
    gates.live_min_trades = 10;
    gates.live_net_bps_band = 5;
    auto store = storage::OpenObjectStore(archive);
    EXPECT_TRUE(store.ok());
    const nlohmann::json pointer = {{"symbol", kSymbol},
                                    {"model_id", kChampion},
                                    {"path", "models/SOLUSDT/20251108T020000Z/"},
                                    {"sha256", "ab"},
                                    {"promoted_at", "2025-11-08T02:00:00.000Z"},
                                    {"reason", "test"}};
    const nlohmann::json set = {{"symbol", kSymbol},
                                {"challengers",
                                 {{{"model_id", kChallenger},
                                   {"path", "challengers/SOLUSDT/20251108T030000Z/"},
                                   {"sha256", "cd"},
                                   {"parent_id", kChampion},
                                   {"source", "mechanic"},
                                   {"added_at", "2025-11-08T03:00:00.000Z"}}}}};
    EXPECT_TRUE((*store)->Put("champion/SOLUSDT/latest.json", pointer.dump()).ok());
    EXPECT_TRUE((*store)->Put("champion/SOLUSDT/challengers.json", set.dump()).ok());
    auto opened = storage::OpenDatabase(testing::MakeTempDir("challenger_db") + "/h.db");
    EXPECT_TRUE(opened.ok());
    db = std::move(*opened);
    EXPECT_TRUE(storage::Migrate(*db).ok());
    std::vector<live::TradeRecord> trades;
    auto add = [&](const std::string& model, bool challenger, const std::vector<double>& bps) {
      for (size_t i = 0; i < bps.size(); ++i) {
        live::TradeRecord r;
        const int64_t exit = kFirstExitMs + static_cast<int64_t>(i) * 1800000;
        r.trade_id = live::TradeId(kSymbol, exit - 600000, model);
        r.time_ms = exit;
        r.symbol = kSymbol;
        r.side = "long";
        r.size = 1000;
        r.entry = r.exit = 1;
        r.net_pnl = bps[i] * 1000 / 1e4;
        r.model_id = model;
        r.challenger = challenger;
        trades.push_back(r);
      }
    };
    add(kChallenger, true, {10, 12, 8, 10});
    add(kChampion, false, {2, 4, 3, 3});
    auto n = live::InsertTrades(*db, live::TradeBook::kShadow, trades);
    EXPECT_TRUE(n.ok() && *n == 8);
  }
};

}  // namespace huracan::control
