#include "training/scheduler.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "core/strings.h"
#include "training/worker_protocol.h"

namespace huracan::training {

const char* SchedulerModeName(SchedulerMode m) {
  switch (m) {
    case SchedulerMode::kSequential: return "sequential";
    case SchedulerMode::kParallel: return "parallel";
    case SchedulerMode::kHybrid: return "hybrid";
  }
  return "?";
}

Result<SchedulerMode> ParseSchedulerMode(std::string_view s) {
  if (s == "sequential") return SchedulerMode::kSequential;
  if (s == "parallel") return SchedulerMode::kParallel;
  if (s == "hybrid") return SchedulerMode::kHybrid;
  return InvalidArgument("--mode '" + std::string(s) + "': expected sequential, parallel or hybrid");
}

Status SchedulerOptions::Validate() const {
  if (max_concurrent < 1 || max_concurrent > 1024) return InvalidArgument("--max-concurrent must be in [1, 1024]");
  if (timeout_ms < 0) return InvalidArgument("--timeout-minutes must be >= 0");
  if (retry.retries < 0 || retry.retries > 100) return InvalidArgument("--retries must be in [0, 100]");
  if (batch_min < 1 || batch_max < batch_min)
    return InvalidArgument("hybrid batch bounds must satisfy 1 <= min <= max");
  if (claim_lease_ms < 100) return InvalidArgument("the claim lease must be at least 0.1 s");
  if (heartbeat_ms < 0 || heartbeat_ms >= claim_lease_ms)
    return InvalidArgument("the claim heartbeat must be shorter than the claim lease");
  return Status::Ok();
}

int RunReport::count(LedgerStatus s) const {
  int n = 0;
  for (const auto& o : symbols) n += o.status == s ? 1 : 0;
  return n;
}
int RunReport::skipped() const {
  int n = 0;
  for (const auto& o : symbols) n += o.skipped ? 1 : 0;
  return n;
}
int RunReport::stolen() const {
  int n = 0;
  for (const auto& o : symbols) n += o.stolen ? 1 : 0;
  return n;
}
bool RunReport::all_done() const { return count(LedgerStatus::kDone) == static_cast<int>(symbols.size()); }

int HybridBatchSize(int n, int workers, int batch_min, int batch_max) {
  workers = std::max(1, workers);
  int per = (n + workers - 1) / workers;
  return std::clamp(per, batch_min, batch_max);
}

std::vector<std::vector<std::string>> MakeJobs(const std::vector<std::string>& symbols, const SchedulerOptions& opts) {
  std::vector<std::vector<std::string>> jobs;
  size_t size = 1;
  if (opts.mode == SchedulerMode::kHybrid)
    size = static_cast<size_t>(
        HybridBatchSize(static_cast<int>(symbols.size()), opts.max_concurrent, opts.batch_min, opts.batch_max));
  for (size_t i = 0; i < symbols.size(); i += size)
    jobs.emplace_back(symbols.begin() + static_cast<long>(i),
                      symbols.begin() + static_cast<long>(std::min(symbols.size(), i + size)));
  return jobs;
}

namespace {

// Times are the Clock's monotonic milliseconds.
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxWaitMs = 1000;  // the loop wakes at least this often
// On a clock that does not move by itself, a wait for the workers' output blocks this long at
// most in real time before the loop looks at the (possibly moved) clock again.
constexpr int64_t kSimulatedPollMs = 10;

constexpr size_t kStderrTail = 4000;
// While a run steals, a symbol of its own that another owner holds is looked at again this often
// (not every heartbeat): a stealer holds it only while it trains it, and the owner should not
// wait a whole heartbeat after that.
constexpr int64_t kStealBusyPollMs = 1000;

struct Job {
  std::vector<std::string> symbols;
  int64_t not_before = 0;
};

struct Worker {
  pid_t pid = -1;
  int out_fd = -1;
  int err_fd = -1;
  std::string out_buf;
  std::string err_tail;
  std::vector<std::string> symbols;  // the batch
  size_t next = 0;                   // index of the symbol in progress (or next to start)
  bool current_started = false;      // `start` received for symbols[next]
  bool progressed = false;           // finished at least one symbol
  int64_t deadline = kNever;
  int64_t symbol_t0 = 0;
  bool killed_for_timeout = false;
  int exit_status = 0;
  bool exited = false;
};

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return fmt::format("worker exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("worker killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "worker ended";
}

std::string LastLines(const std::string& tail, int n) {
  std::string t = tail;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  size_t pos = t.size();
  for (int i = 0; i < n && pos != std::string::npos && pos > 0; ++i) pos = t.rfind('\n', pos - 1);
  std::string out = (pos == std::string::npos || pos == 0) ? t : t.substr(pos + 1);
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

class RunState {
 public:
  RunState(const SchedulerOptions& opts, const WorkerCommand& cmd, RunLedger* ledger, const Clock* clock,
           ProgressSink* progress, std::string run_id, std::string owner, const std::vector<std::string>& steal)
      : opts_(opts),
        cmd_(cmd),
        ledger_(ledger),
        clock_(clock),
        progress_(progress),
        run_id_(std::move(run_id)),
        owner_(std::move(owner)),
        heartbeat_ms_(opts.heartbeat_ms > 0 ? opts.heartbeat_ms : std::max<int64_t>(1, opts.claim_lease_ms / 4)),
        busy_poll_ms_(steal.empty() ? heartbeat_ms_ : std::min(heartbeat_ms_, kStealBusyPollMs)),
        steal_(steal.begin(), steal.end()) {}

  ~RunState() {
    for (auto& w : workers_) KillAndReap(*w);
  }

  // The outcomes of the symbols stolen from other shards, in the order they were claimed.
  std::deque<SymbolOutcome>& stolen() { return stolen_; }

  Status Run(std::vector<SymbolOutcome*> todo) {
    for (auto* o : todo) outcomes_[o->symbol] = o;
    std::vector<std::string> syms;
    for (auto* o : todo) syms.push_back(o->symbol);
    for (auto& j : MakeJobs(syms, opts_)) queue_.push_back(Job{std::move(j), Now()});
    size_t slots = opts_.mode == SchedulerMode::kSequential ? 1 : static_cast<size_t>(opts_.max_concurrent);
    next_heartbeat_ = Now() + heartbeat_ms_;

    while (!queue_.empty() || !workers_.empty() || !steal_.empty()) {
      int64_t now = Now();
      if (now >= next_heartbeat_) {
        // Best effort: a failed renewal is tried again at the next heartbeat.
        (void)ledger_->RenewClaims(run_id_, owner_, clock_->NowMs(), opts_.claim_lease_ms);
        next_heartbeat_ = Now() + heartbeat_ms_;
        now = Now();
      }
      // Launch ready jobs into free slots.
      while (workers_.size() < slots) {
        auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Job& j) { return j.not_before <= now; });
        if (it == queue_.end()) {
          HURACAN_ASSIGN_OR_RETURN(bool stole, StealOne());
          if (!stole) break;
          continue;
        }
        Job job = std::move(*it);
        queue_.erase(it);
        HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> claimed, ClaimJob(job.symbols));
        if (!claimed.empty()) HURACAN_RETURN_IF_ERROR(Launch(std::move(claimed)));
      }
      if (queue_.empty() && workers_.empty() && steal_.empty()) break;  // nothing left to wait for
      Wait();
      now = Now();
      for (auto& w : workers_) {
        if (!w->exited && now >= w->deadline) {
          w->killed_for_timeout = true;
          KillAndReap(*w);
        }
      }
      for (size_t i = 0; i < workers_.size();) {
        Worker& w = *workers_[i];
        if (!w.exited) {
          int st = 0;
          pid_t r = ::waitpid(w.pid, &st, WNOHANG);
          if (r == w.pid) {
            w.exited = true;
            w.exit_status = st;
          }
        }
        if (w.exited) {
          Drain(w);
          HURACAN_RETURN_IF_ERROR(OnWorkerExit(w));
          CloseFds(w);
          workers_.erase(workers_.begin() + static_cast<long>(i));
        } else {
          ++i;
        }
      }
      progress_->OnTick();
    }
    return Status::Ok();
  }

 private:
  // Claims the job's symbols; returns those this invocation may train now. A symbol another
  // owner holds waits a heartbeat and is tried again; one that is done elsewhere is finished.
  Result<std::vector<std::string>> ClaimJob(const std::vector<std::string>& symbols) {
    std::vector<std::string> claimed;
    for (const std::string& sym : symbols) {
      HURACAN_ASSIGN_OR_RETURN(ClaimResult c,
                               ledger_->Claim(run_id_, sym, owner_, clock_->NowMs(), opts_.claim_lease_ms));
      if (c == ClaimResult::kClaimed) {
        claimed.push_back(sym);
      } else if (c == ClaimResult::kBusy) {
        queue_.push_back(Job{{sym}, Now() + busy_poll_ms_});
      } else {
        SymbolOutcome* o = outcomes_.at(sym);
        o->status = LedgerStatus::kDone;
        o->skipped = true;
        o->error.clear();
        progress_->OnSymbolEnd(sym, LedgerStatus::kDone, 0, "done by another worker", 0);
      }
    }
    return claimed;
  }

  // Claims the next symbol of the steal list that is neither done nor held, and launches a worker
  // for it; false when the list is used up.
  Result<bool> StealOne() {
    if (steal_.empty()) return false;
    // One look at the ledger first, so that the symbols already done or held elsewhere (most of
    // them, late in a run) cost no claim each; the claim alone decides for the others.
    HURACAN_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, ledger_->Entries(run_id_));
    std::map<std::string_view, const LedgerEntry*> by_symbol;
    for (const LedgerEntry& e : entries) by_symbol[e.symbol] = &e;
    const int64_t now_ms = clock_->NowMs();
    while (!steal_.empty()) {
      std::string sym = std::move(steal_.front());
      steal_.pop_front();
      auto it = by_symbol.find(sym);
      if (it != by_symbol.end()) {
        const LedgerEntry& e = *it->second;
        const bool held = !e.claim_owner.empty() && e.claim_owner != owner_ && e.claim_expires_ms > now_ms;
        if (e.status == LedgerStatus::kDone || held) continue;
      }
      HURACAN_ASSIGN_OR_RETURN(ClaimResult c,
                               ledger_->Claim(run_id_, sym, owner_, clock_->NowMs(), opts_.claim_lease_ms));
      if (c != ClaimResult::kClaimed) continue;
      SymbolOutcome& o = stolen_.emplace_back();
      o.symbol = sym;
      o.stolen = true;
      outcomes_[sym] = &o;
      progress_->OnSteal(sym);
      HURACAN_RETURN_IF_ERROR(Launch({sym}));
      return true;
    }
    return false;
  }

  Status Launch(std::vector<std::string> symbols) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      return Internal(std::string("pipe: ") + std::strerror(errno));
    }
    std::vector<std::string> args = cmd_.argv;
    args.push_back("--symbols");
    args.push_back(Join(symbols, ","));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
      for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
      return Internal(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // Child: own process group (so the whole group can be killed), die with the scheduler.
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::dup2(out_pipe[1], STDOUT_FILENO);
      ::dup2(err_pipe[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      const char msg[] = "huracan scheduler: exec of the worker failed\n";
      ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof(msg) - 1);
      (void)ignored;
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works whichever runs first
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    auto w = std::make_unique<Worker>();
    w->pid = pid;
    w->out_fd = out_pipe[0];
    w->err_fd = err_pipe[0];
    SetNonBlocking(w->out_fd);
    SetNonBlocking(w->err_fd);
    w->symbols = std::move(symbols);
    ArmDeadline(*w);
    workers_.push_back(std::move(w));
    return Status::Ok();
  }

  int64_t Now() const { return clock_->MonotonicMs(); }

  void ArmDeadline(Worker& w) {
    const int64_t now = Now();
    w.symbol_t0 = now;
    w.deadline = opts_.timeout_ms > 0 ? now + opts_.timeout_ms : kNever;
  }

  // Waits for worker output, a deadline or the next queued job, whichever comes first (at most
  // kMaxWaitMs). With no worker running only time can bring the next event: the clock sleeps
  // (a SimulatedClock jumps to it).
  void Wait() {
    const int64_t now = Now();
    int64_t wake = now + kMaxWaitMs;
    for (auto& w : workers_) wake = std::min(wake, w->deadline);
    wake = std::min(wake, next_heartbeat_);
    for (auto& j : queue_)
      if (workers_.size() < static_cast<size_t>(opts_.max_concurrent) || opts_.mode == SchedulerMode::kSequential)
        wake = std::min(wake, j.not_before);
    std::vector<pollfd> fds;
    for (auto& w : workers_) {
      if (w->out_fd >= 0) fds.push_back({w->out_fd, POLLIN, 0});
      if (w->err_fd >= 0) fds.push_back({w->err_fd, POLLIN, 0});
    }
    const int64_t wait_ms = std::clamp<int64_t>(wake - now, 0, kMaxWaitMs);
    if (workers_.empty()) {
      clock_->SleepMs(wait_ms);
      return;
    }
    int timeout = static_cast<int>(clock_->realtime() ? wait_ms : std::min(wait_ms, kSimulatedPollMs));
    if (fds.empty()) {
      // Nothing to read: a worker with closed pipes is about to be reaped; poll its exit briefly.
      ::poll(nullptr, 0, std::min(timeout, 20));
      return;
    }
    int r = ::poll(fds.data(), fds.size(), timeout);
    if (r <= 0) return;
    for (auto& w : workers_) ReadAvailable(*w);
  }

  void ReadAvailable(Worker& w) {
    char buf[8192];
    if (w.out_fd >= 0) {
      for (;;) {
        ssize_t n = ::read(w.out_fd, buf, sizeof(buf));
        if (n > 0) {
          w.out_buf.append(buf, static_cast<size_t>(n));
          continue;
        }
        if (n == 0) {
          ::close(w.out_fd);
          w.out_fd = -1;
        }
        break;
      }
      HandleLines(w);
    }
    if (w.err_fd >= 0) {
      for (;;) {
        ssize_t n = ::read(w.err_fd, buf, sizeof(buf));
        if (n > 0) {
          w.err_tail.append(buf, static_cast<size_t>(n));
          if (w.err_tail.size() > 2 * kStderrTail) w.err_tail.erase(0, w.err_tail.size() - kStderrTail);
          continue;
        }
        if (n == 0) {
          ::close(w.err_fd);
          w.err_fd = -1;
        }
        break;
      }
    }
  }

  void Drain(Worker& w) {
    // The worker is gone; whatever is left in the pipes is complete.
    if (w.out_fd >= 0) SetNonBlocking(w.out_fd);
    ReadAvailable(w);
  }

  void CloseFds(Worker& w) {
    if (w.out_fd >= 0) ::close(w.out_fd);
    if (w.err_fd >= 0) ::close(w.err_fd);
    w.out_fd = w.err_fd = -1;
  }

  void KillAndReap(Worker& w) {
    if (w.exited || w.pid <= 0) return;
    ::kill(-w.pid, SIGKILL);
    ::kill(w.pid, SIGKILL);
    int st = 0;
    while (::waitpid(w.pid, &st, 0) < 0 && errno == EINTR) {
    }
    w.exited = true;
    w.exit_status = st;
  }

  void HandleLines(Worker& w) {
    size_t pos;
    while ((pos = w.out_buf.find('\n')) != std::string::npos) {
      std::string line = w.out_buf.substr(0, pos);
      w.out_buf.erase(0, pos + 1);
      auto ev = ParseWorkerEvent(line);
      if (!ev || w.next >= w.symbols.size()) continue;
      if (ev->symbol != w.symbols[w.next]) continue;  // protocol violation: ignore stray lines
      if (ev->kind == WorkerEvent::Kind::kStart) {
        if (!w.current_started) StartSymbol(w);
        continue;
      }
      if (!w.current_started) StartSymbol(w);
      bool ok = ev->kind == WorkerEvent::Kind::kDone;
      FinishSymbol(w, ok ? LedgerStatus::kDone : LedgerStatus::kFailed, ok ? "" : ev->payload, ok ? ev->payload : "");
    }
  }

  void StartSymbol(Worker& w) {
    const std::string& sym = w.symbols[w.next];
    SymbolOutcome* o = outcomes_.at(sym);
    o->attempts += 1;
    w.current_started = true;
    Status st = ledger_->MarkRunning(run_id_, sym, clock_->NowMs());
    if (!st.ok()) ledger_error_ = st.error();
    progress_->OnSymbolStart(sym, o->attempts);
  }

  // Records the end of the symbol in progress and moves the worker to its next symbol.
  void FinishSymbol(Worker& w, LedgerStatus status, const std::string& error, const std::string& result) {
    const std::string& sym = w.symbols[w.next];
    SymbolOutcome* o = outcomes_.at(sym);
    o->seconds = static_cast<double>(Now() - w.symbol_t0) / 1000.0;
    o->status = status;
    o->error = error;
    if (status == LedgerStatus::kDone) o->result_json = result;
    if (status == LedgerStatus::kTimeout) o->timeouts += 1;
    Status st = ledger_->MarkFinished(run_id_, sym, status, clock_->NowMs(), error);
    if (!st.ok()) ledger_error_ = st.error();
    // A worker that committed `done` and died before saying so: the ledger knows better.
    if (status != LedgerStatus::kDone) {
      auto entries = ledger_->Entries(run_id_);
      if (entries.ok()) {
        const LedgerEntry* e = FindEntry(*entries, sym);
        if (e && e->status == LedgerStatus::kDone) {
          o->status = status = LedgerStatus::kDone;
          o->error.clear();
        }
      }
    }
    int64_t retry_in = 0;
    if (status != LedgerStatus::kDone && o->attempts <= opts_.retry.retries) {
      retry_in = opts_.retry.BackoffMs(o->attempts);
      queue_.push_back(Job{{sym}, Now() + retry_in});
    }
    progress_->OnSymbolEnd(sym, status, o->seconds, status == LedgerStatus::kDone ? Brief(result) : error, retry_in);
    w.next += 1;
    w.current_started = false;
    w.progressed = true;
    ArmDeadline(w);
  }

  static std::string Brief(const std::string& result_json) {
    // The worker's result carries a one-line "brief" for the log; keep the log independent of JSON.
    auto p = result_json.find("\"brief\":\"");
    if (p == std::string::npos) return "";
    p += 9;
    auto e = result_json.find('"', p);
    return e == std::string::npos ? "" : result_json.substr(p, e - p);
  }

  Status OnWorkerExit(Worker& w) {
    if (w.next < w.symbols.size()) {
      bool blame_current = w.current_started || !w.progressed || w.killed_for_timeout;
      if (blame_current) {
        if (!w.current_started) StartSymbol(w);
        if (w.killed_for_timeout) {
          FinishSymbol(w, LedgerStatus::kTimeout,
                       fmt::format("timed out after {:.0f} s; worker killed", opts_.timeout_ms / 1000.0), "");
        } else {
          std::string why = DescribeExit(w.exit_status);
          std::string tail = LastLines(w.err_tail, 3);
          FinishSymbol(w, LedgerStatus::kFailed, tail.empty() ? why : why + ": " + tail, "");
        }
      }
      // Symbols of the batch that never started go to a fresh worker, without an attempt counted.
      if (w.next < w.symbols.size())
        queue_.push_front(
            Job{std::vector<std::string>(w.symbols.begin() + static_cast<long>(w.next), w.symbols.end()), Now()});
    }
    // Always Unavailable, whatever the ledger's own code: the run cannot go on without it.
    if (ledger_error_) return WithContext(Unavailable(ledger_error_->message), "run ledger");
    return Status::Ok();
  }

  const SchedulerOptions& opts_;
  const WorkerCommand& cmd_;
  RunLedger* ledger_;
  const Clock* clock_;
  ProgressSink* progress_;
  std::string run_id_;
  std::string owner_;
  int64_t heartbeat_ms_;
  int64_t busy_poll_ms_;  // how soon a symbol another owner holds is claimed again
  int64_t next_heartbeat_ = 0;
  std::deque<std::string> steal_;     // symbols of other shards not tried yet
  std::deque<SymbolOutcome> stolen_;  // stable addresses: outcomes_ points into it
  std::map<std::string, SymbolOutcome*> outcomes_;
  std::deque<Job> queue_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<Error> ledger_error_;
};

}  // namespace

Result<RunReport> Scheduler::Run(const std::string& run_id, const std::vector<std::string>& symbols,
                                 const std::vector<std::string>& steal) {
  HURACAN_RETURN_IF_ERROR(opts_.Validate());
  if (cmd_.argv.empty()) return InvalidArgument("scheduler: empty worker command");
  const int64_t t0 = clock_->MonotonicMs();
  RunReport report;
  report.run_id = run_id;
  HURACAN_RETURN_IF_ERROR(ledger_->Enroll(run_id, symbols));
  HURACAN_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, ledger_->Entries(run_id));
  report.symbols.resize(symbols.size());
  std::vector<SymbolOutcome*> todo;
  int already = 0;
  for (size_t i = 0; i < symbols.size(); ++i) {
    SymbolOutcome& o = report.symbols[i];
    o.symbol = symbols[i];
    const LedgerEntry* e = FindEntry(entries, symbols[i]);
    if (e && e->status == LedgerStatus::kDone) {
      o.status = LedgerStatus::kDone;
      o.skipped = true;
      ++already;
    } else {
      todo.push_back(&o);
    }
  }
  progress_->OnRunStart(run_id, static_cast<int>(symbols.size()), already);
  const std::string owner = opts_.claim_owner.empty() ? MakeClaimOwner() : opts_.claim_owner;
  Status st;
  {
    RunState state(opts_, cmd_, ledger_, clock_, progress_, run_id, owner, steal);
    st = state.Run(todo);
    for (SymbolOutcome& o : state.stolen()) report.symbols.push_back(std::move(o));
  }  // every worker is reaped here, so nothing of ours still trains a released symbol
  // Unfinished symbols (failed, timed out, or a scheduler error) are free for the next retry.
  Status released = ledger_->ReleaseClaims(run_id, owner);
  HURACAN_RETURN_IF_ERROR(st);
  HURACAN_RETURN_IF_ERROR_CTX(released, "run ledger");
  report.seconds = static_cast<double>(clock_->MonotonicMs() - t0) / 1000.0;
  progress_->OnRunEnd();
  return report;
}

}  // namespace huracan::training
