// The command functions on a temp archive, and the bot loop with a scripted transport on a
// SimulatedClock (429 retry_after, 1 message/s per chat, redaction, offsets).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "control/alert_pusher.h"
#include "control/challenger_fixture.h"
#include "control/commands.h"
#include "control/scripted_transport.h"
#include "control/telegram_bot.h"
#include "core/fs.h"
#include "live/symbols_selector.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/test_support.h"

namespace huracan::control {
namespace {

void WriteJson(const std::string& path, const nlohmann::json& j) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  ASSERT_TRUE(WriteFileAtomic(path, j.dump()).ok());
}

// Champions with OOS net edges (bps/trade).
std::string MakeArchive(const std::vector<std::pair<std::string, double>>& champions) {
  const std::string dir = testing::MakeTempDir("control_archive");
  for (const auto& [sym, net] : champions) {
    const std::string prefix = "models/" + sym + "/20251108T020000Z/";
    WriteJson(dir + "/champion/" + sym + "/latest.json", {{"symbol", sym},
                                                          {"model_id", sym + "@20251108T020000Z"},
                                                          {"path", prefix},
                                                          {"sha256", "ab"},
                                                          {"promoted_at", "2025-11-08T02:00:00.000Z"},
                                                          {"reason", "test"}});
    WriteJson(dir + "/" + prefix + "metrics.json", {{"oos", {{"net_bps", net}, {"trades", 40}, {"hit_rate", 0.5}}}});
  }
  return dir;
}

ControlContext Ctx(const std::string& dir) { return ControlContext{dir, nullptr, 1762567200000, "test"}; }

TEST(ControlCommands, TradeRanksByNetEdgeMinusBlockPlusAllow) {
  const std::string dir = MakeArchive({{"BTCUSDT-PERP", 5}, {"SOLUSDT", 3}, {"ETHUSDT-PERP", 2}, {"DOGEUSDT", -1}});
  auto t = Trade(Ctx(dir), 2);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->symbols, (std::vector<std::string>{"BTCUSDT-PERP", "SOLUSDT"}));
  ASSERT_TRUE(Block(Ctx(dir), {"btc-usdt-perp"}).ok());
  ASSERT_TRUE(Allow(Ctx(dir), {"DOGEUSDT"}).ok());
  t = Trade(Ctx(dir), 2);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ranked, (std::vector<std::string>{"BTCUSDT-PERP", "SOLUSDT"}));
  EXPECT_EQ(t->symbols, (std::vector<std::string>{"SOLUSDT", "DOGEUSDT"}));
  auto sel = live::ReadSymbolSelector(SelectorPath(dir));
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->block, std::vector<std::string>{"BTCUSDT-PERP"});
  EXPECT_EQ(sel->allow, std::vector<std::string>{"DOGEUSDT"});
  EXPECT_EQ(sel->source, "test /trade 2");
  // An unknown symbol is named and nothing is written.
  auto a = Allow(Ctx(dir), {"SOLUSDT", "NOPE"});
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->written);
  EXPECT_EQ(a->unknown, std::vector<std::string>{"NOPE"});
  EXPECT_EQ(live::ReadSymbolSelector(SelectorPath(dir))->allow, std::vector<std::string>{"DOGEUSDT"});
}

TEST(ControlCommands, PauseResumeAndStatus) {
  const std::string dir = MakeArchive({{"SOLUSDT", 1}});
  auto p = SetPaused(Ctx(dir), true);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->changed);
  EXPECT_TRUE(std::filesystem::exists(PausedFlagPath(dir)));
  EXPECT_FALSE(SetPaused(Ctx(dir), true)->changed);
  auto st = StatusOf(Ctx(dir));
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->paused);
  EXPECT_EQ(st->champions, 1);
  EXPECT_TRUE(SetPaused(Ctx(dir), false)->changed);
  EXPECT_FALSE(std::filesystem::exists(PausedFlagPath(dir)));
}

TEST(ControlCommands, BadInputGetsAHelpfulReplyNeverAThrow) {
  const std::string dir = MakeArchive({{"SOLUSDT", 1}});
  for (const std::string text : {"/trade", "/trade 0", "/trade 99999999999999", "/trade -1", "/allow", "/summary x",
                                 "/trades many", "/pause now", "/nope", "/", "/TRADE@my_bot 1"}) {
    auto cmd = ParseCommand(text);
    ASSERT_TRUE(cmd.has_value()) << text;
    CommandOutcome out = Execute(Ctx(dir), *cmd);
    EXPECT_FALSE(out.reply.empty()) << text;
    if (text == "/TRADE@my_bot 1")
      EXPECT_EQ(out.result, "ok");
    else
      EXPECT_NE(out.result, "ok") << text;
  }
  EXPECT_FALSE(ParseCommand("hello").has_value());
  // No database: the commands that need one say so.
  EXPECT_EQ(Execute(Ctx(dir), *ParseCommand("/trades")).result, "error: no database");
}

TEST(TelegramBot, SplitMessageKeepsPartsUnderTheLimit) {
  EXPECT_EQ(SplitMessage("").size(), 1u);
  auto parts = SplitMessage(std::string(10000, 'a'));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].size(), 4096u);
  EXPECT_EQ(parts[2].size(), 10000u - 2 * 4096u);
  parts = SplitMessage("line one\nline two\nline three", 12);
  EXPECT_EQ(parts, (std::vector<std::string>{"line one", "line two", "line three"}));
  // Never inside a UTF-8 sequence ("é" is 2 bytes).
  std::string accents;
  for (int i = 0; i < 5000; ++i) accents += "\xc3\xa9";
  for (const auto& p : SplitMessage(accents)) {
    EXPECT_LE(p.size(), 4096u);
    EXPECT_EQ(p.size() % 2, 0u);
  }
}

// Numbers from a broken or hostile Bot API never overflow once turned into milliseconds (found by
// fuzz_telegram: a message date of 1.7e16 s): an out-of-range date is ignored, a retry_after is
// capped at a day.
TEST(TelegramBot, OutOfRangeDatesAndRetryAftersAreBounded) {
  auto u = ParseUpdate(nlohmann::json::parse(
      R"({"update_id":1,"message":{"chat":{"id":5},"date":17644608064460800,"text":"/status"}})"));
  EXPECT_TRUE(u.has_chat);
  EXPECT_EQ(u.sent_ms, 0);
  u = ParseUpdate(nlohmann::json::parse(R"({"update_id":1,"message":{"chat":{"id":5},"date":-5,"text":"/status"}})"));
  EXPECT_EQ(u.sent_ms, 0);
  u = ParseUpdate(
      nlohmann::json::parse(R"({"update_id":1,"message":{"chat":{"id":5},"date":1764460800,"text":"/status"}})"));
  EXPECT_EQ(u.sent_ms, 1764460800000);
  ApiReply a = ParseApiReply(429, R"({"ok":false,"parameters":{"retry_after":9223372036854775807}})");
  EXPECT_EQ(a.retry_after_s, 86400);
  a = ParseApiReply(429, R"({"ok":false,"parameters":{"retry_after":-3}})");
  EXPECT_EQ(a.retry_after_s, 0);
  a = ParseApiReply(429, R"({"ok":false,"parameters":{"retry_after":7}})");
  EXPECT_EQ(a.retry_after_s, 7);
}

TEST(TelegramBot, RedactsTheToken) {
  EXPECT_EQ(RedactToken("GET /bot12:ab/getUpdates and 12:ab", "12:ab"), "GET /bot<token>/getUpdates and <token>");
  EXPECT_EQ(RedactToken("x", ""), "x");
}

// Waits (wall time, at most 10 s) until `done` is true; false when it never was.
template <typename F>
bool WaitUntil(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Telegram as a switch: while `down` every request fails as unreachable; a chat in `refuse` gets a
// 400; the rest are answered ok and recorded per chat. Thread-safe.
class OutageTransport : public HttpTransport {
 public:
  Result<HttpResponse> PostJson(const std::string&, const std::string& body, int64_t) override {
    std::lock_guard<std::mutex> lock(mu);
    ++attempts;
    if (down) return Unavailable("Failed to connect to 127.0.0.1");
    const auto j = nlohmann::json::parse(body);
    const int64_t chat = j["chat_id"].get<int64_t>();
    if (refuse.count(chat) > 0) return HttpResponse{400, R"({"ok":false,"description":"Bad Request: chat not found"})"};
    delivered[chat].push_back(j["text"].get<std::string>());
    return HttpResponse{200, R"({"ok":true,"result":{}})"};
  }
  template <typename F>
  auto With(F f) {
    std::lock_guard<std::mutex> lock(mu);
    return f();
  }
  std::mutex mu;
  bool down = false;
  int attempts = 0;
  std::set<int64_t> refuse;
  std::map<int64_t, std::vector<std::string>> delivered;
};

TEST(TelegramBot, HonoursRetryAfterRateLimitsAndRedacts) {
  const std::string dir = MakeArchive({{"SOLUSDT", 1}});
  SimulatedClock clock(1762567200000);
  ScriptedTransport http(clock);
  const int64_t date_s = 1762567200;
  nlohmann::json updates = nlohmann::json::array();
  for (int i = 1; i <= 3; ++i)
    updates.push_back(
        {{"update_id", 40 + i},
         {"message", {{"date", date_s}, {"text", "/help"}, {"chat", {{"id", 7}}}, {"from", {{"id", 7}}}}}});
  http.polls.push_back(Unavailable("Failed to connect to host for https://x/bot12:SECRET/getUpdates"));
  http.polls.push_back(HttpResponse{200, nlohmann::json({{"ok", true}, {"result", updates}}).dump()});
  http.sends.push_back(
      HttpResponse{429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7",
                                             "parameters":{"retry_after":7}})"});
  BotOptions o;
  o.api_base = "https://x";
  o.token = "12:SECRET";
  o.chat_ids = {7};
  o.archive_dir = dir;
  o.max_updates = 3;
  std::vector<std::string> log;
  auto st = RunBot(o, clock, http, nullptr, [&](const std::string& l) { log.push_back(l); });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->updates, 3);
  EXPECT_EQ(st->executed, 3);
  EXPECT_EQ(st->offset, 44);
  for (const auto& l : log) EXPECT_EQ(l.find("SECRET"), std::string::npos) << l;
  std::vector<int64_t> send_times;
  for (const auto& c : http.calls)
    if (c.url.find("/sendMessage") != std::string::npos) send_times.push_back(c.at_ms);
  ASSERT_EQ(send_times.size(), 4u);                // one 429 + three replies
  EXPECT_GE(send_times[1] - send_times[0], 7000);  // retry_after
  EXPECT_GE(send_times[2] - send_times[1], 1000);  // 1 message/s per chat
  EXPECT_GE(send_times[3] - send_times[2], 1000);
  // The offset survives a restart: the next run asks for update 44 on.
  http.calls.clear();
  o.max_updates = -1;
  o.max_polls = 1;
  ASSERT_TRUE(RunBot(o, clock, http, nullptr, [](const std::string&) {}).ok());
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(http.calls[0].body)["offset"], 44);
}

// A Bot API update: a text message from user "u" in `chat`.
nlohmann::json Message(int id, int64_t chat, int64_t date, const std::string& text) {
  return nlohmann::json{
      {"update_id", id},
      {"message", {{"date", date}, {"text", text}, {"chat", {{"id", chat}}}, {"from", {{"username", "u"}}}}}};
}

// A bot's surroundings: a one-champion archive, a migrated SQLite audit database, a scripted
// transport on a simulated clock, and options that allow chat 7.
struct AuditedBot {
  static constexpr int64_t kNowS = 1762567200;
  std::string dir = MakeArchive({{"SOLUSDT", 1}});
  std::unique_ptr<storage::Database> db;
  SimulatedClock clock{kNowS * 1000};
  ScriptedTransport http{clock};
  BotOptions o;

  AuditedBot() {
    auto opened = storage::OpenDatabase(testing::MakeTempDir("control_db") + "/a.db");
    if (opened.ok() && storage::Migrate(**opened).ok()) db = std::move(*opened);
    o.token = "t";
    o.chat_ids = {7};
    o.archive_dir = dir;
  }
  // One getUpdates answer carrying `updates`.
  void Poll(const nlohmann::json& updates) {
    http.polls.push_back(HttpResponse{200, nlohmann::json({{"ok", true}, {"result", updates}}).dump()});
  }
};

TEST(TelegramBot, StrangersAndStaleCommandsAreRefusedAndAudited) {
  AuditedBot b;
  ASSERT_TRUE(b.db);
  const int64_t now_s = AuditedBot::kNowS;
  b.Poll({Message(1, 5, now_s, "/pause"), Message(2, 7, now_s - 301, "/pause"), Message(3, 7, now_s, "hi")});
  b.o.max_updates = 3;
  auto st = RunBot(b.o, b.clock, b.http, b.db.get(), [](const std::string&) {});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->refused, 2);
  EXPECT_EQ(st->executed, 0);
  EXPECT_FALSE(std::filesystem::exists(PausedFlagPath(b.dir)));
  auto rows = b.db->Query("SELECT chat_id, command, result FROM control_audit ORDER BY at, chat_id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(*rows->rows[0].Text(2), "refused: chat not allowed (@u)");
  EXPECT_EQ(*rows->rows[1].Text(2), "refused: stale (301 s old)");
  EXPECT_EQ(*rows->rows[2].Text(1), "(not a command)");
}

// A flood: 500 updates in one getUpdates answer, from the allowed chat, one stranger and 50 other
// strangers. Each chat gets at most max_messages_per_minute (10) replies, 1 s apart; the rest are
// audited as rate-limited without a reply, so the bot is through the batch in seconds.
TEST(TelegramBot, AFloodOfUpdatesIsRateLimitedAndAuditedPerChat) {
  AuditedBot b;
  ASSERT_TRUE(b.db);
  nlohmann::json updates = nlohmann::json::array();
  for (int i = 0; i < 500; ++i) {
    const int64_t chat = i < 250 ? (i % 2 == 0 ? 7 : 9) : (i < 450 ? 9 : 1000 + i);
    updates.push_back(Message(i + 1, chat, AuditedBot::kNowS, "/help"));
  }
  b.Poll(updates);
  b.o.max_updates = 500;
  const int64_t start = b.clock.MonotonicMs();
  auto st = RunBot(b.o, b.clock, b.http, b.db.get(), [](const std::string&) {});
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->updates, 500);
  EXPECT_EQ(st->executed, 10);
  EXPECT_EQ(st->refused, 10 + 50);                       // chat 9's first 10, one each for the 50 others
  EXPECT_EQ(st->rate_limited, (125 - 10) + (325 - 10));  // chat 7 sent 125, chat 9 325
  EXPECT_LE(b.clock.MonotonicMs() - start, 15000) << "the bot fell behind the flood";
  std::map<int64_t, std::vector<int64_t>> sends;
  for (const auto& c : b.http.calls)
    if (c.url.find("/sendMessage") != std::string::npos)
      sends[nlohmann::json::parse(c.body)["chat_id"].get<int64_t>()].push_back(c.at_ms);
  EXPECT_EQ(sends.size(), 52u);
  for (const auto& [chat, times] : sends) {
    EXPECT_LE(times.size(), 10u) << chat;
    for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], 1000) << chat;
  }
  auto all = b.db->Query("SELECT COUNT(*) FROM control_audit");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all->rows[0].Int(0), 500);
  auto limited = b.db->Query("SELECT COUNT(*) FROM control_audit WHERE result LIKE 'refused: rate-limited%'");
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(*limited->rows[0].Int(0), st->rate_limited);
}

// Pushes leave from the pusher's thread, to every allowed chat, under the outgoing limits: a
// 429's retry_after, one message per second per chat; Raise never waits for the network.
TEST(AlertPusher, SendsEveryAlertToEveryChatUnderTheLimits) {
  SimulatedClock clock(1762567200000);
  ScriptedTransport http(clock);
  http.sends.push_back(HttpResponse{429, R"({"ok":false,"error_code":429,"description":"Too Many Requests",
                                             "parameters":{"retry_after":3}})"});
  BotOptions o;
  o.api_base = "https://x";
  o.token = "12:SECRET";
  std::vector<std::string> log;
  TelegramSender sender(o, clock, http, [&](const std::string& l) { log.push_back(l); });
  {
    AlertPusher pusher(sender, {7, 8}, [&](const std::string& l) { log.push_back(l); }, clock, {});
    pusher.Raise(live::Alert{live::AlertKind::kChampionSwap, 1, "SOLUSDT", "SOLUSDT: swap a -> b (champion)"});
    pusher.Raise(live::Alert{live::AlertKind::kDegraded, 2, "DOGEUSDT", "DOGEUSDT: degraded: gap"});
    WaitUntil([&] { return pusher.pending() == 0; });
    pusher.Stop();
    EXPECT_EQ(pusher.sent(), 4);  // 2 alerts to 2 chats
    EXPECT_EQ(pusher.dropped(), 0);
  }
  std::map<int64_t, std::vector<std::pair<std::string, int64_t>>> by_chat;
  for (const auto& c : http.calls) {
    EXPECT_EQ(c.url, "https://x/bot12:SECRET/sendMessage");
    const auto j = nlohmann::json::parse(c.body);
    by_chat[j["chat_id"].get<int64_t>()].emplace_back(j["text"].get<std::string>(), c.at_ms);
  }
  ASSERT_EQ(by_chat[7].size(), 3u);  // the 429, then both alerts
  ASSERT_EQ(by_chat[8].size(), 2u);
  EXPECT_EQ(by_chat[7][1].first, "[champion swap] SOLUSDT: swap a -> b (champion)");
  EXPECT_EQ(by_chat[8][1].first, "[degraded] DOGEUSDT: degraded: gap");
  EXPECT_GE(by_chat[7][1].second - by_chat[7][0].second, 3000);  // retry_after
  EXPECT_GE(by_chat[7][2].second - by_chat[7][1].second, 1000);  // 1 message/s per chat
  EXPECT_GE(by_chat[8][1].second - by_chat[8][0].second, 1000);
  for (const auto& l : log) EXPECT_EQ(l.find("SECRET"), std::string::npos) << l;
}

// An AlertPusher for chats 7 and 8 on the wall clock, sending through an OutageTransport with no
// interval between messages; `log` is read after Stop().
struct PushRig {
  WallClock clock;
  OutageTransport http;
  std::mutex log_mu;
  std::vector<std::string> log;
  BotOptions o = [] {
    BotOptions b;
    b.token = "12:SECRET";
    b.min_send_interval_ms = 0;
    return b;
  }();
  std::function<void(const std::string&)> add_log = [this](const std::string& l) {
    std::lock_guard<std::mutex> lock(log_mu);
    log.push_back(l);
  };
  TelegramSender sender{o, clock, http, add_log};
  AlertPusher pusher;
  explicit PushRig(AlertPusher::Options po, std::vector<int64_t> chats = {7, 8})
      : pusher(sender, std::move(chats), add_log, clock, po) {}
  bool Logged(const std::string& part) {
    std::lock_guard<std::mutex> lock(log_mu);
    return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
  }
};

live::Alert Degraded(int i) {
  return live::Alert{live::AlertKind::kDegraded, i, "SOLUSDT", "SOLUSDT: degraded: " + std::to_string(i)};
}

// Telegram unreachable for longer than any one send's retries: every chat keeps its newest
// max_queued alerts, retried with capped backoff; once Telegram is back each chat gets one line
// counting the alerts dropped from its full queue, then the kept ones, in order, each once.
TEST(AlertPusher, KeepsAlertsThroughAnOutageAndDeliversThemInOrderOnceItIsBack) {
  AlertPusher::Options po;
  po.max_queued = 3;
  po.backoff_base_ms = 5;
  po.backoff_cap_ms = 20;
  PushRig rig(po);
  OutageTransport& http = rig.http;
  AlertPusher& pusher = rig.pusher;
  const std::vector<std::string>& log = rig.log;
  http.With([&] { return http.down = true; });
  for (int i = 1; i <= 5; ++i) pusher.Raise(Degraded(i));
  // Retried well beyond a send's 4 attempts while Telegram is away.
  ASSERT_TRUE(WaitUntil([&] { return http.With([&] { return http.attempts >= 20; }); }));
  EXPECT_EQ(pusher.pending(), 6u);  // 3 per chat
  EXPECT_EQ(pusher.sent(), 0);
  http.With([&] { return http.down = false; });
  ASSERT_TRUE(WaitUntil([&] { return pusher.pending() == 0; }));
  pusher.Stop();
  const std::vector<std::string> want = {"2 alerts dropped while Telegram was unreachable",
                                         "[degraded] SOLUSDT: degraded: 3", "[degraded] SOLUSDT: degraded: 4",
                                         "[degraded] SOLUSDT: degraded: 5"};
  EXPECT_EQ(http.delivered[7], want);
  EXPECT_EQ(http.delivered[8], want);
  EXPECT_EQ(pusher.sent(), 6);
  EXPECT_EQ(pusher.dropped(), 4);
  // One line when a chat's pushes start failing and one when they go through again, not one per retry.
  int failed = 0, again = 0;
  for (const auto& l : log) {
    failed += l.rfind("push to chat ", 0) == 0 && l.find("not delivered") != std::string::npos;
    again += l.find("delivered again after") != std::string::npos;
  }
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(again, 2);
}

// A chat Telegram refuses (400) loses that alert, logged, and holds up nothing; at Stop what
// Telegram does not take at once is counted in one line per chat, and Stop does not wait for it.
TEST(AlertPusher, DropsRefusedAlertsAndLogsWhatIsLeftAtStop) {
  PushRig rig({});
  OutageTransport& http = rig.http;
  AlertPusher& pusher = rig.pusher;
  const std::vector<std::string>& log = rig.log;
  http.With([&] { return http.refuse = {8}; });
  pusher.Raise(Degraded(1));
  ASSERT_TRUE(WaitUntil([&] { return pusher.pending() == 0; }));
  EXPECT_EQ(pusher.sent(), 1);
  EXPECT_EQ(pusher.dropped(), 1);
  http.With([&] { return http.down = true; });
  pusher.Raise(Degraded(2));
  pusher.Raise(Degraded(3));
  const auto start = std::chrono::steady_clock::now();
  pusher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(http.delivered[7], std::vector<std::string>{"[degraded] SOLUSDT: degraded: 1"});
  EXPECT_EQ(http.delivered.count(8), 0u);
  EXPECT_EQ(pusher.dropped(), 5);
  std::vector<std::string> wanted = {"2 alert(s) not delivered to chat 7 at shutdown",
                                     "2 alert(s) not delivered to chat 8 at shutdown"};
  for (const auto& w : wanted) EXPECT_NE(std::find(log.begin(), log.end(), w), log.end()) << w;
  EXPECT_NE(std::find_if(log.begin(), log.end(),
                         [](const std::string& l) {
                           return l.rfind("push to chat 8 refused: sendMessage: Bad Request: chat not found", 0) == 0;
                         }),
            log.end())
      << ::testing::PrintToString(log);
}

// The outbox: what a stop during an outage leaves is in the file (written as soon as it was
// queued), per chat, in order; the next pusher sends it first, marked with its time, each once,
// then removes the file. A chat no longer allowed loses its alerts, with a log line.
TEST(AlertPusher, KeepsWhatIsLeftAtStopInTheOutboxForTheNextPusher) {
  AlertPusher::Options po;
  po.outbox_path = testing::MakeTempDir("alert_outbox") + "/state/" + kAlertOutboxFile;
  {
    PushRig rig(po);
    rig.http.With([&] { return rig.http.down = true; });
    rig.pusher.Raise(Degraded(60'000));
    ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(po.outbox_path); }));  // before Stop: crash-safe
    rig.pusher.Raise(Degraded(120'000));
    rig.pusher.Stop();
    EXPECT_EQ(rig.pusher.dropped(), 0);
    EXPECT_TRUE(rig.Logged("2 alert(s) not delivered to chat 7 at shutdown: kept in " + po.outbox_path));
  }
  auto saved = ReadFile(po.outbox_path);
  ASSERT_TRUE(saved.ok());
  const auto j = nlohmann::json::parse(*saved);
  ASSERT_EQ(j["chats"].size(), 2u);
  EXPECT_EQ(j["chats"][1]["chat_id"], 8);
  EXPECT_EQ(j["chats"][1]["alerts"][1]["at"], "1970-01-01T00:02:00Z");
  EXPECT_EQ(j["chats"][1]["alerts"][1]["text"], "[degraded] SOLUSDT: degraded: 120000");

  PushRig next(po, {7});  // chat 8 is no longer allowed
  next.pusher.Raise(Degraded(3));
  ASSERT_TRUE(WaitUntil([&] { return next.pusher.pending() == 0 && !std::filesystem::exists(po.outbox_path); }));
  next.pusher.Stop();
  const int64_t now = next.clock.NowMs();
  const std::vector<std::string> want = {PreviousRunText("[degraded] SOLUSDT: degraded: 60000", 60'000, now),
                                         PreviousRunText("[degraded] SOLUSDT: degraded: 120000", 120'000, now),
                                         "[degraded] SOLUSDT: degraded: 3"};
  EXPECT_EQ(next.http.delivered[7], want);
  EXPECT_EQ(want[0], "(from the previous run, 1970-01-01 00:01 UTC) [degraded] SOLUSDT: degraded: 60000");
  EXPECT_EQ(next.http.delivered.count(8), 0u);
  EXPECT_TRUE(next.Logged("2 alert(s) of the previous run for chat 8 dropped: the chat is no longer allowed"));
  EXPECT_FALSE(std::filesystem::exists(po.outbox_path));
  EXPECT_EQ(PreviousRunText("x", 1764505800000, 1764510000000), "(from the previous run, 12:30 UTC) x");
}

// The previous run's alerts count against the queue bound: the oldest beyond it are dropped and
// announced, as in an outage.
TEST(AlertPusher, LoadsTheOutboxUnderTheQueueBound) {
  AlertPusher::Options po;
  po.outbox_path = testing::MakeTempDir("alert_outbox") + "/" + kAlertOutboxFile;
  po.max_queued = 1;
  ASSERT_TRUE(WriteFileAtomic(po.outbox_path, R"({"version":1,"chats":[{"chat_id":7,"dropped":0,"alerts":[
      {"at_ms":60000,"text":"[degraded] A"},{"at_ms":120000,"text":"[degraded] B"}]}]})")
                  .ok());
  PushRig rig(po, {7});
  ASSERT_TRUE(WaitUntil([&] { return rig.pusher.pending() == 0 && !std::filesystem::exists(po.outbox_path); }));
  rig.pusher.Stop();
  EXPECT_EQ(
      rig.http.delivered[7],
      (std::vector<std::string>{DroppedAlertsText(1), PreviousRunText("[degraded] B", 120'000, rig.clock.NowMs())}));
}

// A corrupt outbox is named in a warning and set aside as FILE.corrupt; the pusher works on.
TEST(AlertPusher, SetsACorruptOutboxAside) {
  AlertPusher::Options po;
  po.outbox_path = testing::MakeTempDir("alert_outbox") + "/" + kAlertOutboxFile;
  ASSERT_TRUE(WriteFileAtomic(po.outbox_path, "{\"version\":1,\"chats\":[{\"chat_id\":7,\"alerts\":[{\"te").ok());
  PushRig rig(po);
  EXPECT_TRUE(rig.Logged("alert outbox " + po.outbox_path + " is unreadable"));
  EXPECT_TRUE(rig.Logged("set aside as " + po.outbox_path + ".corrupt"));
  EXPECT_TRUE(std::filesystem::exists(po.outbox_path + ".corrupt"));
  rig.pusher.Raise(Degraded(1));
  ASSERT_TRUE(WaitUntil([&] { return rig.pusher.pending() == 0; }));
  rig.pusher.Stop();
  EXPECT_EQ(rig.http.delivered[7], std::vector<std::string>{"[degraded] SOLUSDT: degraded: 1"});
  EXPECT_FALSE(std::filesystem::exists(po.outbox_path));
}

// /status inside a live process shows the runner's figures; without one it stays as it was.
TEST(ControlCommands, StatusShowsTheLiveRunnerWhenAttached) {
  const std::string dir = MakeArchive({{"SOLUSDT", 1}, {"BTCUSDT-PERP", 2}});
  ControlContext ctx = Ctx(dir);
  auto alone = StatusOf(ctx);
  ASSERT_TRUE(alone.ok());
  EXPECT_NE(RenderStatus(*alone).find("not wired to the bot yet"), std::string::npos);

  live::StatusBoard board;
  ctx.board = &board;
  auto pending = StatusOf(ctx);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(RenderStatus(*pending).rfind("Live runner: no bar processed yet.", 0), 0u);

  auto st = std::make_shared<live::LiveStatus>();
  st->mode = "paper";
  st->as_of_ms = 1762567200000;
  st->traded = {"BTCUSDT-PERP", "SOLUSDT"};
  st->symbols["SOLUSDT"].has_position = true;
  st->symbols["SOLUSDT"].position = live::OpenPosition{"long", 1762567000000, 150.5, 1000, 12.25};
  st->symbols["BTCUSDT-PERP"].degraded = "gap of 3 bars";
  st->pnl_today = -4.5;
  st->nav = 99995.5;
  st->trades = 3;
  st->feed.kind = "replay";
  st->feed.last_event_ms = st->as_of_ms;
  board.Publish(st);
  auto live = StatusOf(ctx);
  ASSERT_TRUE(live.ok());
  const std::string text = RenderStatus(*live);
  EXPECT_NE(text.find("mode: paper\nsymbols traded: 2: BTCUSDT-PERP, SOLUSDT\nopen positions: 1\n  SOLUSDT long "
                      "1000.00 @ 150.5 (unrealised +12.25)\ntoday's PnL: -4.50 (realised, 3 trades this run)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("feed: replay, fresh"), std::string::npos) << text;
  EXPECT_NE(text.find("degraded: BTCUSDT-PERP (gap of 3 bars)"), std::string::npos) << text;
  EXPECT_NE(text.find("Status (from the archive):\nchampions: 2"), std::string::npos) << text;
}

// /champions on Telegram (the bot loop on a scripted Bot API): each challenger under its
// champion, live: its shadow trades and net bps per trade against the champion's over the same
// period, and the distance from promotion under the live gates of the settings (no live runner).
TEST(TelegramBot, ChampionsShowsEachChallengerAgainstTheChampion) {
  ChallengerFixture f;
  auto reply = [&](const registry::PromotionRules& gates, int update_id) {
    SimulatedClock clock(AuditedBot::kNowS * 1000);
    ScriptedTransport http(clock);
    BotOptions o;
    o.token = "t";
    o.chat_ids = {7};
    o.archive_dir = f.archive;
    o.live_gates = gates;
    o.max_updates = 1;
    o.max_polls = 3;
    http.polls.push_back(HttpResponse{
        200,
        nlohmann::json(
            {{"ok", true}, {"result", nlohmann::json::array({Message(update_id, 7, AuditedBot::kNowS, "/champions")})}})
            .dump()});
    auto st = RunBot(o, clock, http, f.db.get(), [](const std::string&) {});
    EXPECT_TRUE(st.ok() && st->executed == 1);
    std::string text;
    for (const auto& c : http.calls)
      if (c.url.find("/sendMessage") != std::string::npos)
        text += nlohmann::json::parse(c.body)["text"].get<std::string>();
    return text;
  };
  std::string text = reply(f.gates, 1);
  EXPECT_NE(text.find("\nSOLUSDT: SOLUSDT@20251108T020000Z, age "), std::string::npos) << text;
  EXPECT_NE(text.find("\n  challenger SOLUSDT@20251108T030000Z (mechanic): 4 shadow trades, 10.00 bps/trade vs "
                      "champion 3.00 (4 trades); needs 6 more trades; the band holds (net bps lower bound 5.21)"),
            std::string::npos)
      << text;
  // The gates off (promotion.live_min_trades 0, the default): the same figures, no distance.
  text = reply(registry::PromotionRules{}, 2);  // the offset file has moved past update 1
  EXPECT_NE(text.find("4 shadow trades, 10.00 bps/trade vs champion 3.00 (4 trades); live gates off"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace huracan::control
