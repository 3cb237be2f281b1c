// Progress of a training run: a live, redrawn status line when stderr is a terminal, and plain
// log lines (one per event) otherwise, so CI logs and cluster job logs stay readable.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "training/ledger.h"

namespace huracan::training {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void OnRunStart(const std::string& run_id, int total, int already_done) = 0;
  virtual void OnSymbolStart(const std::string& symbol, int attempt) = 0;
  // A symbol of another shard claimed by work stealing; its start and end follow as usual.
  virtual void OnSteal(const std::string& /*symbol*/) {}
  // status: done / failed / timeout; `retry_in_ms` > 0 when another attempt is scheduled.
  virtual void OnSymbolEnd(const std::string& symbol, LedgerStatus status, double seconds, const std::string& detail,
                           int64_t retry_in_ms) = 0;
  virtual void OnTick() = 0;  // called about once a second while the run waits
  virtual void OnRunEnd() = 0;
};

class NullProgress final : public ProgressSink {
 public:
  void OnRunStart(const std::string&, int, int) override {}
  void OnSymbolStart(const std::string&, int) override {}
  void OnSymbolEnd(const std::string&, LedgerStatus, double, const std::string&, int64_t) override {}
  void OnTick() override {}
  void OnRunEnd() override {}
};

class ConsoleProgress final : public ProgressSink {
 public:
  // `tty`: redraw one line in place; otherwise print log lines. Use ForStderr() to decide by isatty.
  ConsoleProgress(FILE* out, bool tty) : out_(out), tty_(tty) {}
  static ConsoleProgress ForStderr();

  void OnRunStart(const std::string& run_id, int total, int already_done) override;
  void OnSymbolStart(const std::string& symbol, int attempt) override;
  void OnSteal(const std::string& symbol) override;
  void OnSymbolEnd(const std::string& symbol, LedgerStatus status, double seconds, const std::string& detail,
                   int64_t retry_in_ms) override;
  void OnTick() override;
  void OnRunEnd() override;

 private:
  void Redraw();
  void Log(const std::string& line);
  double Elapsed() const;

  FILE* out_;
  bool tty_;
  std::string run_id_;
  int total_ = 0, finished_ = 0, failed_ = 0, timeouts_ = 0, skipped_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> running_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace huracan::training
