#include "training/progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace huracan::training {

ConsoleProgress ConsoleProgress::ForStderr() { return ConsoleProgress(stderr, ::isatty(STDERR_FILENO) == 1); }

double ConsoleProgress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ConsoleProgress::Log(const std::string& line) {
  if (tty_) std::fputs("\r\x1b[K", out_);
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
  if (tty_) Redraw();
  std::fflush(out_);
}

void ConsoleProgress::Redraw() {
  if (!tty_) return;
  int done = finished_ + skipped_;
  int width = 24;
  int filled = total_ > 0 ? done * width / total_ : width;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(static_cast<size_t>(width), '.');
  std::string running;
  auto now = std::chrono::steady_clock::now();
  int shown = 0;
  for (const auto& [sym, t0] : running_) {
    if (shown++ == 3) {
      running += " ...";
      break;
    }
    running += fmt::format(" {}({:.0f}s)", sym, std::chrono::duration<double>(now - t0).count());
  }
  std::string eta;
  if (finished_ > 0 && done < total_) {
    double per = Elapsed() / finished_;
    eta = fmt::format(" eta ~{:.0f}s", per * (total_ - done));
  }
  std::fputs(fmt::format("\r\x1b[K[{}] {}/{} failed {} timeout {} {:.0f}s{}{}", bar, done, total_, failed_, timeouts_,
                         Elapsed(), eta, running.empty() ? "" : " |" + running)
                 .c_str(),
             out_);
  std::fflush(out_);
}

void ConsoleProgress::OnRunStart(const std::string& run_id, int total, int already_done) {
  run_id_ = run_id;
  total_ = total;
  skipped_ = already_done;
  start_ = std::chrono::steady_clock::now();
  Log(fmt::format("train: run {}: {} symbols, {} already done (skipped)", run_id, total, already_done));
}

void ConsoleProgress::OnSymbolStart(const std::string& symbol, int attempt) {
  running_[symbol] = std::chrono::steady_clock::now();
  if (!tty_)
    Log(fmt::format("train: {} started (attempt {})", symbol, attempt));
  else
    Redraw();
}

void ConsoleProgress::OnSteal(const std::string& symbol) {
  ++total_;
  if (!tty_) Log(fmt::format("train: {} stolen from another shard", symbol));
}

void ConsoleProgress::OnSymbolEnd(const std::string& symbol, LedgerStatus status, double seconds,
                                  const std::string& detail, int64_t retry_in_ms) {
  running_.erase(symbol);
  if (retry_in_ms <= 0) {
    ++finished_;
    if (status == LedgerStatus::kFailed) ++failed_;
    if (status == LedgerStatus::kTimeout) ++timeouts_;
  }
  std::string line = fmt::format("train: {} {} in {:.1f}s", symbol, LedgerStatusName(status), seconds);
  if (!detail.empty()) line += ": " + detail;
  if (retry_in_ms > 0) line += fmt::format(" (retry in {:.1f}s)", retry_in_ms / 1000.0);
  line += fmt::format(" [{}/{}]", finished_ + skipped_, total_);
  Log(line);
}

void ConsoleProgress::OnTick() { Redraw(); }

void ConsoleProgress::OnRunEnd() {
  if (tty_) std::fputs("\r\x1b[K", out_);
  std::fputs(fmt::format("train: run {} finished in {:.1f}s: {} done, {} failed, {} timeout, {} skipped\n", run_id_,
                         Elapsed(), finished_ - failed_ - timeouts_, failed_, timeouts_, skipped_)
                 .c_str(),
             out_);
  std::fflush(out_);
}

}  // namespace huracan::training
