// Trade logs of the live runner (docs/LIVE.md, "Trade logs"):
//   - the database tables live_trades / shadow_trades and daily_equity (storage/migrations.cpp);
//     inserts are idempotent: a trade's id is a function of (symbol, entry time, model id), and a
//     restart that logs the same trade again writes nothing (ON CONFLICT DO NOTHING);
//   - the archive's day file live_logs/trades/YYYYMMDD.parquet (the UTC day of the trade's
//     `time`), holding every trade of that day; adding trades rewrites the whole file with one
//     atomic ObjectStore::Put, so a reader sees the old file or the new one, never a torn one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/parquet.h"
#include "storage/database.h"
#include "storage/object_store.h"

namespace huracan::live {

// Which table a trade belongs to: real orders or shadow (paper) trading.
enum class TradeBook : uint8_t { kLive, kShadow };
const char* TradeBookName(TradeBook book);   // "live", "shadow"
const char* TradeBookTable(TradeBook book);  // "live_trades", "shadow_trades"

// One closed trade.
struct TradeRecord {
  std::string trade_id;  // TradeId(symbol, entry_ms, model_id)
  int64_t time_ms = 0;   // exit (close) time, epoch ms UTC: the `time` column
  std::string symbol;
  std::string side;  // "long" or "short"
  double size = 0;   // quote notional
  double entry = 0, exit = 0;
  double fees = 0;  // quote currency
  double net_pnl = 0;
  std::string model_id;
  bool challenger = false;  // a challenger's shadow trade (shadow_trades.challenger = 1)
  bool operator==(const TradeRecord&) const = default;
};

// "SYMBOL|ENTRY_ISO|MODEL_ID", e.g. "BTCUSDT-PERP|2025-10-11T00:01:00.000Z|m-20251108": one
// position per symbol and model at a time, so the entry time makes it unique.
std::string TradeId(const std::string& symbol, int64_t entry_ms, const std::string& model_id);

// Inserts the trades that are not there yet (by trade_id), in one transaction. Returns how many
// were new. Challenger trades go to the shadow book only (InvalidArgument in the live book).
Result<int64_t> InsertTrades(storage::Database& db, TradeBook book, const std::vector<TradeRecord>& trades);
// Every trade of the book, by (time, trade_id).
Result<std::vector<TradeRecord>> ReadTrades(storage::Database& db, TradeBook book);

struct DailyEquity {
  std::string date;  // "2025-10-11" (UTC)
  double nav = 0;
  double max_dd = 0;
  double turnover = 0;
  double fees_bps = 0;
};
// Writes the day's row, replacing an earlier one of the same date (the day is rewritten as it
// goes).
Status UpsertDailyEquity(storage::Database& db, const DailyEquity& row);

// "live_logs/trades/20251011.parquet" for any time on that UTC day (registry::LiveTradesKey).
std::string TradeDayKey(int64_t time_ms);
// The day file's table: trade_id, time (INT64 TIMESTAMP(ms, UTC)), symbol, side, size, entry, exit,
// fees, net_pnl, model_id, book ("live"/"shadow").
data::ParquetTable TradesToParquet(const std::vector<TradeRecord>& trades, const std::vector<TradeBook>& books);
// Adds `trades` of `book` to their day files in `store`: each touched day's file is read, the
// trades not in it yet (by trade_id) are added, and the whole day is written back at once, rows
// sorted by (time, trade_id). Returns how many were new. A day file that cannot be read is
// DataLoss naming its key and is left as it is.
Result<int64_t> AppendTradesToDayFiles(storage::ObjectStore& store, TradeBook book,
                                       const std::vector<TradeRecord>& trades);
// The trades in one day file, with each one's book.
struct DayFileTrade {
  TradeRecord trade;
  TradeBook book = TradeBook::kLive;
};
Result<std::vector<DayFileTrade>> ReadTradeDayFile(const storage::ObjectStore& store, const std::string& key);

}  // namespace huracan::live
