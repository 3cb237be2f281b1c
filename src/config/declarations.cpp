#include "config/declarations.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "costs/cost_overrides.h"
#include "costs/cost_presets.h"
#include "registry/challenger_set.h"
#include "registry/promotion.h"
#include "training/scheduler.h"
#include "training/train_run.h"

namespace huracan::config {
namespace {

std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string EnvName(const std::string& key) {
  std::string out = "HURACAN_";
  for (char c : key) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A row of the table; the chained setters keep each declaration on a few lines.
struct D {
  KeyDecl d;
  D(std::string key, Type type, std::string help) {
    d.env = EnvName(key);
    d.key = std::move(key);
    d.type = type;
    d.help = std::move(help);
  }
  D& Default(std::string v) {
    d.default_value = std::move(v);
    return *this;
  }
  D& Unset(std::string means) {
    d.has_default = false;
    d.unset_means = std::move(means);
    return *this;
  }
  D& Range(std::optional<double> lo, std::optional<double> hi) {
    d.min = lo;
    d.max = hi;
    return *this;
  }
  D& Enum(std::vector<std::string> values) {
    d.allowed = std::move(values);
    return *this;
  }
  D& Env(std::string name) {
    d.env = std::move(name);
    return *this;
  }
  D& Flag(std::string name, std::vector<std::string> on) {
    d.flag = std::move(name);
    d.flag_on = std::move(on);
    return *this;
  }
  D& ReadBy(std::vector<std::string> commands) {
    d.read_by = std::move(commands);
    return *this;
  }
  D& Secret(std::string file_key) {
    d.secret = true;
    d.secret_file_key = std::move(file_key);
    d.has_default = false;
    d.unset_means = "none";
    return *this;
  }
  D& Planned(std::string reader) {
    d.planned = true;
    d.read_by = {std::move(reader)};
    return *this;
  }
};

std::vector<KeyDecl> Build() {
  const training::TrainOptions train;
  const training::CoinPipelineConfig pipe;
  const registry::PromotionRules rules;
  const std::vector<std::string> kTrain = {"train", "train-worker"};
  const std::vector<std::string> kEngineCommands = {"train", "train-worker", "backtest", "check lookahead",
                                                    "check warmup"};
  std::vector<D> rows;
  // data
  rows.push_back(D("data.dir", Type::kString, "Folder of candle files")
                     .Default(train.data_dir)
                     .Flag("--data-dir", {"train", "train-worker", "check out-of-time", "mechanic"})
                     .ReadBy({"train", "check out-of-time"}));
  rows.push_back(
      D("data.timeframe", Type::kString, "Bar timeframe of the candle files trained on (1m, 5m, 1h, 1d, ...)")
          .Default(pipe.timeframe)
          .ReadBy({"train"}));
  rows.push_back(D("data.reference_symbol", Type::kString, "Reference (BTC) coin for the cross-asset features")
                     .Unset("BTCUSDT-PERP if present, else BTCUSDT")
                     .ReadBy({"train"}));
  // archive
  rows.push_back(
      D("archive.url", Type::kString, "Archive: a folder path or s3://bucket/prefix (object store root)")
          .Default(train.archive)
          .Flag("--archive", {"train", "train-worker", "summary", "champion list", "champion show", "champion rollback",
                              "backtest", "bot", "live", "serve", "archive url", "mechanic"})
          .ReadBy(
              {"train", "summary", "champion", "archive url", "backtest --model champion", "bot", "live", "serve"}));
  for (const char* k : {"aws_access_key_id", "aws_secret_access_key"}) {
    std::string key = std::string("archive.") + k;
    std::string env = k == std::string("aws_access_key_id") ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY";
    rows.push_back(
        D(key, Type::kString,
          std::string("AWS ") + (env == "AWS_ACCESS_KEY_ID" ? "access key id" : "secret key") + " for an s3:// archive")
            .Env(env)
            .Secret(key + "_file")
            .Planned("s3:// archives"));
    rows.push_back(D(key + "_file", Type::kString, "File holding " + key).Unset("none").Planned("s3:// archives"));
  }
  // database
  rows.push_back(
      D("database.url", Type::kString, "Database: a SQLite path, sqlite:PATH or postgres://USER@HOST/DB (no password)")
          .Default("./huracan.db")
          .Env("DATABASE_URL")
          .Flag("--db", {"train", "train-worker", "db migrate", "db status", "champion rollback", "bot", "live",
                         "serve", "summary", "mechanic"})
          .ReadBy({"train", "db", "champion rollback", "bot", "live", "serve", "summary --rebuild", "mechanic"}));
  rows.push_back(D("database.password", Type::kString, "Password for a postgres:// database.url")
                     .Secret("database.password_file")
                     .ReadBy({"train", "db", "champion rollback", "summary --rebuild"}));
  rows.push_back(D("database.password_file", Type::kString, "File holding the database password")
                     .Unset("none")
                     .ReadBy({"train", "db", "champion rollback", "summary --rebuild"}));
  // costs
  rows.push_back(D("costs.preset", Type::kString,
                   "Base costs: default (each symbol's defaults), a shipped preset (huracan costs list) or a JSON file")
                     .Default(costs::kDefaultCostsPreset)
                     .Flag("--costs", {"train", "train-worker", "backtest", "check lookahead", "check warmup",
                                       "check out-of-time", "live", "mechanic"})
                     .ReadBy({"train", "backtest", "check", "live"}));
  for (const auto& f : costs::CostNumberFields()) {
    D row(std::string("costs.") + f.name, Type::kDouble, f.help);
    row.Unset("the preset's value for each symbol").ReadBy({"train", "backtest", "check"});
    if (std::isfinite(f.min)) row.Range(f.min, std::nullopt);
    rows.push_back(row);
  }
  rows.push_back(D(std::string("costs.") + costs::kMakerEntryField, Type::kBool,
                   "Enter with post-only limit orders at the signal close (maker fill rule); exits stay taker")
                     .Unset("the preset's value (false)")
                     .ReadBy({"train", "backtest", "check"}));
  rows.push_back(D(std::string("costs.") + costs::kMakerFillBarsField, Type::kInt,
                   "Maker fill rule: a maker entry not filled within this many bars is cancelled")
                     .Unset("the preset's value (3)")
                     .Range(costs::kMinMakerFillBars, std::nullopt)
                     .ReadBy({"train", "backtest", "check"}));
  // promotion
  rows.push_back(
      D("promotion.rules_file", Type::kString, "JSON file of promotion rules (instead of the inline promotion keys)")
          .Unset("the inline keys below")
          .Flag("--promotion-rules", {"train", "train-worker", "mechanic"})
          .ReadBy({"train"}));
  rows.push_back(D("promotion.min_trades", Type::kInt, "A challenger needs at least this many OOS trades")
                     .Default(std::to_string(rules.min_trades))
                     .Range(0, std::nullopt)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.min_days", Type::kDouble, "A challenger needs at least this many OOS days")
                     .Default(Num(rules.min_days))
                     .Range(0, std::nullopt)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.min_psr", Type::kDouble, "Minimum probabilistic Sharpe ratio")
                     .Default(Num(rules.min_psr))
                     .Range(0, 1)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.min_dsr", Type::kDouble, "Minimum deflated Sharpe ratio (0 = rule off)")
                     .Default(Num(rules.min_dsr))
                     .Range(0, 1)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.max_drawdown", Type::kDouble, "Maximum drawdown, a fraction of equity (must be > 0)")
                     .Default(Num(rules.max_drawdown))
                     .Range(0, 1)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.sharpe_margin", Type::kDouble, "Net Sharpe a challenger must add to the champion's")
                     .Default(Num(rules.sharpe_margin))
                     .Range(0, std::nullopt)
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.min_first_net_sharpe", Type::kDouble, "A coin's first model needs net Sharpe above this")
                     .Default(Num(rules.min_first_net_sharpe))
                     .ReadBy({"train"}));
  rows.push_back(D("promotion.live_min_trades", Type::kInt,
                   "Live evidence: a challenger needs this many shadow trades beside the champion (0 = live gates off)")
                     .Default(std::to_string(rules.live_min_trades))
                     .Range(0, std::nullopt)
                     .ReadBy({"train", "live"}));
  rows.push_back(D("promotion.live_net_bps_band", Type::kDouble,
                   "Live evidence: the 95% lower bound of (challenger - champion) shadow net bps per trade must be "
                   ">= -band")
                     .Default(Num(rules.live_net_bps_band))
                     .Range(0, std::nullopt)
                     .ReadBy({"train", "live"}));
  // training
  rows.push_back(D("training.symbols", Type::kString, "all | topN (most liquid N) | A,B")
                     .Default(train.symbols)
                     .Flag("--symbols", {"train"})
                     .ReadBy({"train"}));
  rows.push_back(D("training.history_days", Type::kInt, "Days of recent history used per coin (0 = 36)")
                     .Default(std::to_string(pipe.history_days))
                     .Range(0, 3650)
                     .Flag("--history-days", kTrain)
                     .ReadBy({"train"}));
  rows.push_back(D("training.mode", Type::kEnum, "How symbols are scheduled over worker processes")
                     .Default(training::SchedulerModeName(train.mode))
                     .Enum({"sequential", "parallel", "hybrid"})
                     .Flag("--mode", {"train"})
                     .ReadBy({"train"}));
  rows.push_back(
      D("training.max_concurrent", Type::kInt, "Worker processes at once in parallel/hybrid mode (0 = cores)")
          .Default(std::to_string(train.max_concurrent))
          .Range(0, 1024)
          .Flag("--max-concurrent", {"train"})
          .ReadBy({"train"}));
  rows.push_back(
      D("training.timeout_minutes", Type::kDouble, "Per-symbol time limit; a stuck worker is killed (0 = none)")
          .Default(Num(train.timeout_minutes))
          .Range(0, 10080)
          .Flag("--timeout-minutes", {"train"})
          .ReadBy({"train"}));
  rows.push_back(D("training.retries", Type::kInt, "Extra attempts for a failed or timed-out symbol")
                     .Default(std::to_string(train.retries))
                     .Range(0, 100)
                     .Flag("--retries", {"train"})
                     .ReadBy({"train"}));
  rows.push_back(D("training.threads", Type::kInt, "Threads per worker (0 = cores / concurrent workers)")
                     .Default(std::to_string(train.threads))
                     .Range(0, 1024)
                     .Flag("--threads", kTrain)
                     .ReadBy({"train"}));
  rows.push_back(D("training.claim_lease_seconds", Type::kDouble,
                   "Lease of a symbol's claim in the run ledger; a dead worker's claim is taken over after it")
                     .Default(Num(train.claim_lease_seconds))
                     .Range(0.1, 86400)
                     .Flag("--claim-lease-seconds", {"train"})
                     .ReadBy({"train"}));
  rows.push_back(D("training.claim_heartbeat_seconds", Type::kDouble,
                   "How often a run renews its claims' leases (0 = a quarter of the lease)")
                     .Default(Num(train.claim_heartbeat_seconds))
                     .Range(0, 86400)
                     .Flag("--claim-heartbeat-seconds", {"train"})
                     .ReadBy({"train"}));
  rows.push_back(D("training.shard_steal", Type::kBool,
                   "With --shard: after its own symbols, a task trains other shards' symbols it can claim in the "
                   "run ledger (work stealing; --no-steal turns it off)")
                     .Default(train.shard_steal ? "true" : "false")
                     .ReadBy({"train"}));
  // mechanic (docs/MECHANIC.md)
  rows.push_back(D("mechanic.cooloff", Type::kString, "A champion flips at most once per this span (30m, 6h, 1d)")
                     .Default("6h")
                     .ReadBy({"mechanic"}));
  rows.push_back(
      D("mechanic.flap_window", Type::kString, "Champion changes A -> B -> A within this span stop promotions")
          .Default("24h")
          .ReadBy({"mechanic"}));
  rows.push_back(
      D("mechanic.max_challengers", Type::kInt, "Challengers kept per symbol (champion/SYMBOL/challengers.json)")
          .Default(std::to_string(registry::kDefaultMaxChallengersPerSymbol))
          .Range(1, 100)
          .ReadBy({"mechanic"}));
  rows.push_back(
      D("mechanic.extra_trees", Type::kInt, "Warm start: trees added to each XGBoost booster per fine-tune (0 = off)")
          .Default("10")
          .Range(0, 1000)
          .ReadBy({"mechanic"}));
  // engines, features
  rows.push_back(D("engines.run", Type::kList, "Engines that run: all, or a list of engine ids (huracan engines list)")
                     .Default("all")
                     .Flag("--engines", kEngineCommands)
                     .ReadBy({"train", "backtest", "check"}));
  rows.push_back(
      D("features.recipe", Type::kString, "Feature recipe: a built-in name (default, talib-reference) or a file")
          .Default(pipe.recipe)
          .Flag("--recipe", {"features"})
          .ReadBy({"features", "train", "backtest", "check", "live"}));
  // live, telegram, http: read by commands of a later release.
  rows.push_back(D("live.mode", Type::kEnum, "paper: simulated fills; shadow: decisions only")
                     .Default("paper")
                     .Enum({"paper", "shadow"})
                     .Planned("live"));
  rows.push_back(D("live.symbols", Type::kList, "Coins traded live (empty: every coin with a champion)")
                     .Default("")
                     .Planned("live"));
  rows.push_back(D("live.state_dir", Type::kString, "Folder of the live state (positions, cursors)")
                     .Default("./state")
                     .Planned("live"));
  rows.push_back(D("live.feed", Type::kEnum, "Bar source: replay (candle files) or binance (websocket)")
                     .Default("replay")
                     .Enum({"replay", "binance"})
                     .Planned("live"));
  rows.push_back(D("live.ws_url", Type::kString, "Websocket URL of the binance feed")
                     .Default("wss://stream.binance.com:9443/ws")
                     .Planned("live"));
  rows.push_back(D("live.rest_url", Type::kString, "REST URL of the binance feed (backfill)")
                     .Default("https://api.binance.com")
                     .Planned("live"));
  rows.push_back(D("live.max_challengers", Type::kInt, "Challengers shadow-traded beside each champion, at most")
                     .Default(std::to_string(registry::kDefaultMaxChallengersPerSymbol))
                     .Range(0, 16)
                     .ReadBy({"live"}));
  rows.push_back(D("live.ca_file", Type::kString,
                   "Extra CA file (PEM) trusted for the binance feed's wss:// and https:// besides the system store")
                     .Unset("system store only")
                     .Planned("live"));
  rows.push_back(D("live.poll_seconds", Type::kDouble,
                   "An s3:// archive's champion pointers, symbols selector and pause flag are read at most this "
                   "often (seconds of wall time; 0: every bar)")
                     .Default("30")
                     .Range(0, std::nullopt)
                     .ReadBy({"live"}));
  const std::vector<std::string> kBot = {"bot", "live"};
  const std::vector<std::string> kBotAndPush = {"bot", "live", "train"};
  rows.push_back(D("telegram.api_base", Type::kString, "Telegram Bot API base URL (tests point it at a local fake)")
                     .Default("https://api.telegram.org")
                     .Env("TELEGRAM_API_BASE")
                     .ReadBy(kBotAndPush));
  rows.push_back(D("telegram.chat_ids", Type::kList, "Chat ids (integers) allowed to command the bot")
                     .Default("")
                     .Env("TELEGRAM_CHAT_ID")
                     .ReadBy(kBotAndPush));
  rows.push_back(D("telegram.token", Type::kString, "Telegram bot token")
                     .Env("TELEGRAM_TOKEN")
                     .Secret("telegram.token_file")
                     .ReadBy(kBotAndPush));
  rows.push_back(
      D("telegram.token_file", Type::kString, "File holding the Telegram bot token").Unset("none").ReadBy(kBotAndPush));
  rows.push_back(
      D("telegram.stale_command_seconds", Type::kInt, "Commands older than this are refused with a reply and audited")
          .Default("300")
          .Range(1, 86400)
          .ReadBy(kBot));
  rows.push_back(D("telegram.poll_timeout_seconds", Type::kInt, "getUpdates long-poll wait (0 = short polling)")
                     .Default("30")
                     .Range(0, 50)
                     .ReadBy(kBot));
  rows.push_back(D("telegram.alert_queue", Type::kInt,
                   "Alerts kept per chat while Telegram is unreachable (retried until delivered); when full, the "
                   "oldest are dropped and counted in one line sent first")
                     .Default("500")
                     .Range(1, 100000)
                     .ReadBy({"live"}));
  rows.push_back(D("http.bind", Type::kString, "Address the HTTP API listens on")
                     .Default("127.0.0.1")
                     .Flag("--bind", {"serve"})
                     .ReadBy({"serve", "live"}));
  rows.push_back(D("http.port", Type::kInt, "Port of the HTTP API (huracan serve --port overrides it)")
                     .Default("8080")
                     .Range(1, 65535)
                     .ReadBy({"serve"}));
  rows.push_back(D("http.token", Type::kString, "Bearer token of the HTTP API")
                     .Secret("http.token_file")
                     .ReadBy({"serve", "live"}));
  rows.push_back(
      D("http.token_file", Type::kString, "File holding the HTTP API token").Unset("none").ReadBy({"serve", "live"}));

  std::vector<KeyDecl> out;
  for (auto& r : rows) out.push_back(std::move(r.d));
  return out;
}

}  // namespace

const std::vector<KeyDecl>& Declarations() {
  static const std::vector<KeyDecl> table = Build();
  return table;
}

const KeyDecl* FindDecl(std::string_view key) {
  for (const auto& d : Declarations())
    if (d.key == key) return &d;
  return nullptr;
}

std::vector<std::string> Sections() {
  std::vector<std::string> out;
  for (const auto& d : Declarations())
    if (std::find(out.begin(), out.end(), d.section()) == out.end()) out.push_back(d.section());
  return out;
}

std::string TypeName(const KeyDecl& d) {
  switch (d.type) {
    case Type::kString: return "string";
    case Type::kInt: return "int";
    case Type::kDouble: return "double";
    case Type::kBool: return "bool";
    case Type::kList: return "list";
    case Type::kEnum: {
      std::string out = "enum: ";
      for (size_t i = 0; i < d.allowed.size(); ++i) out += (i ? " | " : "") + d.allowed[i];
      return out;
    }
  }
  return "?";
}

std::string DefaultText(const KeyDecl& d) {
  if (!d.has_default) return "(unset: " + d.unset_means + ")";
  if (d.type == Type::kList && d.default_value.empty()) return "[]";
  return d.default_value;
}

}  // namespace huracan::config
