// huracan live: the live runner (docs/LIVE.md). --replay DIR replays candle files; --feed binance
// trades on the exchange's kline stream.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/live_control.h"
#include "core/json.h"
#include "data/timestamps.h"
#include "live/runner.h"

namespace huracan::cli {
namespace {

struct LiveArgs {
  std::string mode = "paper", symbols = "all", state_dir, replay, speed = "max", from, to, feed, ws_url, rest_url;
  std::string decisions_out;
  LiveControl::Options control;  // --telegram, --serve, --bind
};

nlohmann::ordered_json ReportJson(const live::LiveOptions& o, const live::LiveReport& r) {
  using nlohmann::ordered_json;
  ordered_json out;
  out["mode"] = o.mode == live::LiveMode::kPaper ? "paper" : "shadow";
  out["bar_times"] = r.bar_times;
  out["caught_up"] = r.caught_up;
  out["trades_logged"] = r.trades_logged;
  out["seconds"] = JsonNumber<ordered_json>(r.seconds);
  out["decision_latency_us"] = {{"p50", JsonNumber<ordered_json>(r.latency_p50_us)},
                                {"p99", JsonNumber<ordered_json>(r.latency_p99_us)}};
  out["paused_bar_times"] = r.paused_bar_times;
  ordered_json swaps = ordered_json::array();
  for (const live::SwapRecord& w : r.swaps) {
    auto id = [](const std::string& m) { return m.empty() ? ordered_json(nullptr) : ordered_json(m); };
    swaps.push_back({{"at", data::FormatIsoUtc(w.at_ms)},
                     {"symbol", w.symbol},
                     {"old_model_id", id(w.old_model_id)},
                     {"new_model_id", id(w.new_model_id)},
                     {"reason", w.reason}});
  }
  out["swaps"] = std::move(swaps);
  ordered_json syms = ordered_json::object();
  for (const auto& [sym, s] : r.symbols) {
    ordered_json j;
    j["model_id"] = s.model_id.empty() ? ordered_json(nullptr) : ordered_json(s.model_id);
    if (!s.error.empty()) j["error"] = s.error;
    j["warmup_bars"] = s.warmup_bars;
    j["bars"] = s.bars;
    j["trades"] = s.trades;
    j["degraded"] = s.degraded.empty() ? ordered_json(nullptr) : ordered_json(s.degraded);
    syms[sym] = std::move(j);
  }
  out["symbols"] = std::move(syms);
  return out;
}

}  // namespace

void RegisterLiveCommands(CLI::App& app, Action* out) {
  auto a = std::make_shared<LiveArgs>();
  CLI::App* cmd = app.add_subcommand("live", "Trade the champions on a bar feed: paper or shadow (docs/LIVE.md)");
  cmd->add_option("--mode", a->mode, "paper (one portfolio, guardrails, live_trades) or shadow (default paper)")
      ->check(CLI::IsMember({"paper", "shadow"}));
  cmd->add_option("--archive", "Archive folder or s3://bucket/prefix: champions, trade day files (default ./archive)");
  cmd->add_option("--db", "Database path or URL (default $DATABASE_URL, else ./huracan.db)");
  cmd->add_option("--symbols", a->symbols, "all | topN (most liquid) | A,B (default all)");
  cmd->add_option("--costs", "Costs: a preset or a JSON file (default: each champion's own costs)");
  cmd->add_option("--state-dir", a->state_dir, "Folder of the restart state, saved at each bar (default: none)");
  cmd->add_option("--replay", a->replay, "Replay the candle files of this folder");
  cmd->add_option("--speed", a->speed, "Replay speed: N (N x real time) or max (default max)");
  cmd->add_option("--from", a->from,
                  "First bar traded (ISO-8601 UTC); the bars before warm up the features (--feed: default the "
                  "minute forming now)");
  cmd->add_option("--to", a->to,
                  "End, exclusive (ISO-8601 UTC; default: the end of the files; --feed: runs until stopped)");
  cmd->add_option("--feed", a->feed, "binance: the exchange's kline stream, with REST warm-up and backfill")
      ->check(CLI::IsMember({"binance"}));
  cmd->add_option("--ws-url", a->ws_url, "With --feed: websocket base URL, ws://host:port (default: Binance's)");
  cmd->add_option("--rest-url", a->rest_url, "With --feed: REST base URL, http://host:port (default: Binance's)");
  cmd->add_option("--decisions-out", a->decisions_out,
                  "Write every traded bar's serialised Decision to this file, one per line");
  cmd->add_flag("--telegram", a->control.telegram,
                "Run the Telegram bot and the alert pushes inside the live process (same settings as `huracan bot`)");
  cmd->add_option("--serve", a->control.serve_port,
                  "Serve the status page, /metrics, /healthz and /api/status on this port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", a->control.bind, "With --serve: address to listen on (default 127.0.0.1)");
  cmd->callback([a, out] {
    *out = [a]() -> Result<int> {
      if (a->feed.empty() == a->replay.empty())
        return InvalidArgument("live: give one of --replay DIR or --feed binance");
      const config::Settings& s = ActiveSettings();
      live::LiveOptions o;
      HURACAN_ASSIGN_OR_RETURN(o.mode, live::ParseLiveMode(a->mode));
      o.archive = s.String("archive.url");
      o.db = s.DatabaseUrl();
      o.symbols = a->symbols;
      if (AnyCostsGiven(s)) {
        HURACAN_ASSIGN_OR_RETURN(o.costs, s.Costs());
      }
      o.state_dir = a->state_dir;
      o.replay_dir = a->replay;
      o.recipe = s.String("features.recipe");
      o.decisions_out = a->decisions_out;
      o.poll_seconds = s.Double("live.poll_seconds");
      o.max_challengers = static_cast<size_t>(s.Int("live.max_challengers"));
      o.promotion = s.InlineRules();
      HURACAN_ASSIGN_OR_RETURN(o.replay.speed, live::ParseReplaySpeed(a->speed));
      if (!a->from.empty()) {
        HURACAN_ASSIGN_OR_RETURN(o.replay.from_ms, live::ParseReplayBound(a->from, "--from"));
      }
      if (!a->to.empty()) {
        HURACAN_ASSIGN_OR_RETURN(o.replay.to_ms, live::ParseReplayBound(a->to, "--to"));
      }
      if (const char* crash = std::getenv("HURACAN_TEST_CRASH_AT_BAR")) o.crash_at_bar = std::atoll(crash);
      HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<LiveControl> control, LiveControl::Start(a->control, s, &o));
      WallClock clock;
      // The feed's log lines go to stderr with the progress: stdout is the JSON report.
      if (!a->feed.empty()) spdlog::set_default_logger(spdlog::stderr_color_mt("live"));
      live::BinanceOptions feed;
      feed.ws_url = a->ws_url;
      feed.rest_url = a->rest_url;
      HURACAN_ASSIGN_OR_RETURN(live::LiveReport r,
                               a->feed.empty() ? live::RunLiveReplay(o, clock) : live::RunLiveFeed(o, feed, clock));
      control->Stop();
      std::cout << ReportJson(o, r).dump() << "\n";
      for (const auto& [sym, rep] : r.symbols) {
        if (!rep.error.empty()) std::fprintf(stderr, "%s: not traded: %s\n", sym.c_str(), rep.error.c_str());
        if (!rep.degraded.empty()) std::fprintf(stderr, "%s: degraded: %s\n", sym.c_str(), rep.degraded.c_str());
      }
      return kExitOk;
    };
  });
}

}  // namespace huracan::cli
