// tests/js/fake_binance.mjs as a child process, for the tests of the Binance source and of the
// runner on it: started on a free port, killed on destruction.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "live/binance_source.h"
#include "support/test_support.h"

namespace huracan::testing {

// The fake replays the bar times from..from + bars min of `files` (see the script's header).
class FakeBinance {
 public:
  FakeBinance(const std::vector<std::string>& files, const std::string& scenario, int64_t from, int bars,
              const std::vector<std::string>& extra = {})
      : from_(from), bars_(bars) {
    log_ = MakeTempDir("fake-binance") + "/log.jsonl";
    std::string data;
    for (const auto& f : files) data += (data.empty() ? "" : ",") + f;
    std::vector<std::string> args = {
        "node",   JsDir() + "/fake_binance.mjs", "--data",     data,     "--from", std::to_string(from),
        "--bars", std::to_string(bars),          "--scenario", scenario, "--log",  log_};
    args.insert(args.end(), extra.begin(), extra.end());
    tls_ = std::find(extra.begin(), extra.end(), "--tls") != extra.end();
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("node", argv.data());
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    if (line.rfind("listening ", 0) == 0) port_ = std::stoi(line.substr(10));
  }
  ~FakeBinance() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  // Lines of the log containing `needle`.
  int Count(const std::string& needle) const {
    std::ifstream in(log_);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
    return n;
  }
  // ws:// and http://, or wss:// and https:// with --tls.
  live::BinanceOptions Options() const {
    live::BinanceOptions o;
    o.ws_url = std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_);
    o.rest_url = std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
    o.from_ms = from_;
    o.until_ms = from_ + bars_ * int64_t{60'000};
    o.backoff_base_ms = 20;
    o.backoff_max_ms = 200;
    o.poll_ms = 20;
    o.stale_after_ms = 1500;  // on the SimulatedClock, moved by idle polls only
    o.max_connect_failures = 50;
    o.jitter_seed = 7;
    return o;
  }

 private:
  int64_t from_ = 0;
  int bars_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  bool tls_ = false;
  std::string log_;
};

}  // namespace huracan::testing
