#include "live/trade_log.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/time_units.h"
#include "data/timestamps.h"
#include "registry/archive.h"

namespace huracan::live {
namespace {

const std::vector<std::string>& DayFileColumns() {
  static const std::vector<std::string> kColumns = {"trade_id", "time", "symbol",  "side",     "size", "entry",
                                                    "exit",     "fees", "net_pnl", "model_id", "book"};
  return kColumns;
}

Result<TradeBook> ParseBook(const std::string& name) {
  if (name == "live") return TradeBook::kLive;
  if (name == "shadow") return TradeBook::kShadow;
  return InvalidArgument("unknown trade book '" + name + "'");
}

bool ByTimeThenId(const DayFileTrade& a, const DayFileTrade& b) {
  return a.trade.time_ms != b.trade.time_ms ? a.trade.time_ms < b.trade.time_ms : a.trade.trade_id < b.trade.trade_id;
}

}  // namespace

const char* TradeBookName(TradeBook book) { return book == TradeBook::kLive ? "live" : "shadow"; }
const char* TradeBookTable(TradeBook book) { return book == TradeBook::kLive ? "live_trades" : "shadow_trades"; }

std::string TradeId(const std::string& symbol, int64_t entry_ms, const std::string& model_id) {
  return symbol + "|" + storage::SqlTimestamp(entry_ms) + "|" + model_id;
}

Result<int64_t> InsertTrades(storage::Database& db, TradeBook book, const std::vector<TradeRecord>& trades) {
  const bool shadow = book == TradeBook::kShadow;
  const std::string sql = std::string("INSERT INTO ") + TradeBookTable(book) +
                          " (trade_id, time, symbol, side, size, entry, exit, fees, net_pnl, model_id" +
                          (shadow ? ", challenger" : "") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?" +
                          (shadow ? ", ?" : "") + ") ON CONFLICT (trade_id) DO NOTHING";
  int64_t inserted = 0;
  Status st = db.Transaction([&](storage::Database& tx) -> Status {
    inserted = 0;  // the body may be re-run
    for (const TradeRecord& t : trades) {
      if (t.challenger && !shadow) return InvalidArgument("challenger trade " + t.trade_id + " in live_trades");
      std::vector<storage::SqlValue> args = {
          t.trade_id, storage::SqlTimestamp(t.time_ms), t.symbol, t.side, t.size, t.entry, t.exit, t.fees, t.net_pnl,
          t.model_id};
      if (shadow) args.emplace_back(int64_t{t.challenger ? 1 : 0});
      HURACAN_ASSIGN_OR_RETURN_CTX(int64_t n, tx.Exec(sql, args),
                                   std::string(TradeBookTable(book)) + " trade " + t.trade_id);
      inserted += n;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return inserted;
}

Result<std::vector<TradeRecord>> ReadTrades(storage::Database& db, TradeBook book) {
  HURACAN_ASSIGN_OR_RETURN(storage::SqlRows rows,
                           db.Query(std::string("SELECT trade_id, time, symbol, side, size, entry, exit, fees, "
                                                "net_pnl, model_id") +
                                    (book == TradeBook::kShadow ? ", challenger" : "") + " FROM " +
                                    TradeBookTable(book) + " ORDER BY time, trade_id"));
  std::vector<TradeRecord> out;
  for (const storage::SqlRow& r : rows.rows) {
    TradeRecord t;
    HURACAN_ASSIGN_OR_RETURN(t.trade_id, r.String(0));
    HURACAN_ASSIGN_OR_RETURN(std::string time, r.String(1));
    auto ms = data::ParseIsoUtc(time);
    if (!ms) return DataLoss(std::string(TradeBookTable(book)) + " trade " + t.trade_id + ": bad time '" + time + "'");
    t.time_ms = *ms;
    HURACAN_ASSIGN_OR_RETURN(t.symbol, r.String(2));
    HURACAN_ASSIGN_OR_RETURN(t.side, r.String(3));
    t.size = r.OptDouble(4).value_or(0);
    t.entry = r.OptDouble(5).value_or(0);
    t.exit = r.OptDouble(6).value_or(0);
    t.fees = r.OptDouble(7).value_or(0);
    t.net_pnl = r.OptDouble(8).value_or(0);
    t.model_id = r.Text(9).value_or("");
    if (book == TradeBook::kShadow) t.challenger = r.OptInt(10).value_or(0) != 0;
    out.push_back(std::move(t));
  }
  return out;
}

Status UpsertDailyEquity(storage::Database& db, const DailyEquity& row) {
  HURACAN_RETURN_IF_ERROR_CTX(
      db.Exec("INSERT INTO daily_equity (date, nav, max_dd, turnover, fees_bps) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
              "(date) DO UPDATE SET nav = excluded.nav, max_dd = excluded.max_dd, turnover = excluded.turnover, "
              "fees_bps = excluded.fees_bps",
              {row.date, row.nav, row.max_dd, row.turnover, row.fees_bps}),
      "daily_equity " + row.date);
  return Status::Ok();
}

std::string TradeDayKey(int64_t time_ms) { return registry::LiveTradesKey(data::FormatYmd(time_ms)); }

data::ParquetTable TradesToParquet(const std::vector<TradeRecord>& trades, const std::vector<TradeBook>& books) {
  using Kind = data::ParquetColumn::Kind;
  data::ParquetTable table;
  table.num_rows = static_cast<int64_t>(trades.size());
  for (const std::string& name : DayFileColumns()) {
    data::ParquetColumn c;
    c.name = name;
    c.kind = name == "time" ? Kind::kInt64
             : (name == "size" || name == "entry" || name == "exit" || name == "fees" || name == "net_pnl")
                 ? Kind::kDouble
                 : Kind::kString;
    if (name == "time") c.time_unit = data::TimeUnit::kMillis;
    table.columns.push_back(std::move(c));
  }
  auto col = [&](size_t i) -> data::ParquetColumn& { return table.columns[i]; };
  for (size_t r = 0; r < trades.size(); ++r) {
    const TradeRecord& t = trades[r];
    col(0).str.push_back(t.trade_id);
    col(1).i64.push_back(t.time_ms);
    col(2).str.push_back(t.symbol);
    col(3).str.push_back(t.side);
    col(4).f64.push_back(t.size);
    col(5).f64.push_back(t.entry);
    col(6).f64.push_back(t.exit);
    col(7).f64.push_back(t.fees);
    col(8).f64.push_back(t.net_pnl);
    col(9).str.push_back(t.model_id);
    col(10).str.push_back(TradeBookName(books[r]));
  }
  return table;
}

Result<std::vector<DayFileTrade>> ReadTradeDayFile(const storage::ObjectStore& store, const std::string& key) {
  HURACAN_ASSIGN_OR_RETURN(std::string bytes, store.Get(key));
  const std::string name = store.Describe() + "/" + key;
  data::ParquetReadOptions opts;
  opts.columns = DayFileColumns();
  auto table = data::ReadParquetBuffer(bytes, name, opts);
  // Any unreadable day file is corrupt archive data, whatever the reader's code.
  if (!table.ok()) return WithContextUnlessNamed(DataLoss(table.error().message), name);
  const auto& c = table->columns;
  const data::ParquetTable want = TradesToParquet({}, {});
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i].kind != want.columns[i].kind || !c[i].valid.empty() || c[i].size() != static_cast<size_t>(table->num_rows))
      return DataLoss(name + ": column " + c[i].name + " is not a non-null column of the day file's type");
  }
  std::vector<DayFileTrade> out(static_cast<size_t>(table->num_rows));
  for (size_t r = 0; r < out.size(); ++r) {
    TradeRecord& t = out[r].trade;
    t.trade_id = c[0].str.at(r);
    t.time_ms = c[1].i64.at(r);
    t.symbol = c[2].str.at(r);
    t.side = c[3].str.at(r);
    t.size = c[4].f64.at(r);
    t.entry = c[5].f64.at(r);
    t.exit = c[6].f64.at(r);
    t.fees = c[7].f64.at(r);
    t.net_pnl = c[8].f64.at(r);
    t.model_id = c[9].str.at(r);
    auto book = ParseBook(c[10].str.at(r));
    if (!book.ok()) return DataLoss(name + ": row " + std::to_string(r) + ": " + book.error().message);
    out[r].book = *book;
  }
  return out;
}

Result<int64_t> AppendTradesToDayFiles(storage::ObjectStore& store, TradeBook book,
                                       const std::vector<TradeRecord>& trades) {
  std::map<std::string, std::vector<const TradeRecord*>> by_day;
  for (const TradeRecord& t : trades) by_day[TradeDayKey(t.time_ms)].push_back(&t);
  int64_t added = 0;
  for (const auto& [key, day_trades] : by_day) {
    std::vector<DayFileTrade> rows;
    HURACAN_ASSIGN_OR_RETURN(bool exists, store.Exists(key));
    if (exists) {
      HURACAN_ASSIGN_OR_RETURN(rows, ReadTradeDayFile(store, key));
    }
    std::set<std::string> ids;
    for (const DayFileTrade& r : rows) ids.insert(r.trade.trade_id);
    const size_t before = rows.size();
    for (const TradeRecord* t : day_trades)
      if (ids.insert(t->trade_id).second) rows.push_back({*t, book});
    if (rows.size() == before) continue;  // nothing new: leave the file alone
    std::sort(rows.begin(), rows.end(), ByTimeThenId);
    std::vector<TradeRecord> records;
    std::vector<TradeBook> books;
    for (const DayFileTrade& r : rows) {
      records.push_back(r.trade);
      books.push_back(r.book);
    }
    HURACAN_ASSIGN_OR_RETURN_CTX(std::string bytes, data::WriteParquetBuffer(TradesToParquet(records, books)), key);
    HURACAN_RETURN_IF_ERROR(store.Put(key, bytes));
    added += static_cast<int64_t>(rows.size() - before);
  }
  return added;
}

}  // namespace huracan::live
