// Crash campaigns: kill a command with SIGKILL at seeded random points of its run and check what
// it leaves behind. Header-only helpers shared by the crash tests:
//   CrashSeed / EnvInt                      the seed and sizes, printed and overridable by env var
//   CrashRng::Fraction                      reproducible uniform numbers in [0, 1) from the seed
//   SpawnInOwnGroup                         a shell command started in its own process group
//   ProcessAlive / Descendants              is a pid running (not a zombie); its process tree
//   KillProcessTree                         SIGKILL to the process, its group and every descendant
//   WaitForExit / WaitUntilGone             reap our child; wait for others' processes to vanish
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace huracan::testing {

// The value of the environment variable `name` when set to a number, else `fallback`.
inline int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return end && *end == '\0' ? static_cast<int64_t>(n) : fallback;
}

// The campaign's seed: `env_var` when set, else `fallback`; printed so a failure can be replayed.
inline uint64_t CrashSeed(const char* env_var, uint64_t fallback) {
  const uint64_t seed = static_cast<uint64_t>(EnvInt(env_var, static_cast<int64_t>(fallback)));
  std::printf("crash campaign seed %llu (set %s=%llu to replay)\n", static_cast<unsigned long long>(seed), env_var,
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  return seed;
}

// splitmix64: the same numbers from the same seed on every platform and standard library.
class CrashRng {
 public:
  explicit CrashRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Fraction() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// Starts `/bin/sh -c shell_cmd` as the leader of a new process group; the caller reaps it with
// WaitForExit. Use `exec` in the command so that the pid is the program's own.
inline pid_t SpawnInOwnGroup(const std::string& shell_cmd) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sh", "sh", "-c", shell_cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid > 0) ::setpgid(pid, pid);
  return pid;
}

// The process's parent and state letter from /proc/PID/stat; false when it is gone.
inline bool ReadProcStat(pid_t pid, pid_t* ppid, char* state) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 4 > line.size()) return false;
  *state = line[close + 2];
  *ppid = static_cast<pid_t>(std::atol(line.c_str() + close + 4));
  return true;
}

// True while `pid` exists and is not a zombie (a zombie has finished, it only waits to be reaped).
inline bool ProcessAlive(pid_t pid) {
  pid_t ppid = 0;
  char state = 0;
  return ReadProcStat(pid, &ppid, &state) && state != 'Z' && state != 'X';
}

// Every live descendant of `root` (children, their children, ...), not `root` itself.
inline std::vector<pid_t> Descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t ppid = 0;
    char state = 0;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (ReadProcStat(pid, &ppid, &state) && state != 'Z' && state != 'X') children.emplace(ppid, pid);
  }
  std::vector<pid_t> out, todo{root};
  while (!todo.empty()) {
    const pid_t p = todo.back();
    todo.pop_back();
    for (auto [it, end] = children.equal_range(p); it != end; ++it) {
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

// SIGKILL, as close to at once as user space can: `root`'s process group, `root`, and every
// descendant with its own group (a worker that leads a group of its own). Returns the processes
// that were alive and signalled (0: the run had already ended).
inline std::vector<pid_t> KillProcessTree(pid_t root) {
  std::vector<pid_t> tree = Descendants(root);
  std::vector<pid_t> killed;
  if (ProcessAlive(root)) killed.push_back(root);
  ::kill(-root, SIGKILL);
  ::kill(root, SIGKILL);
  for (pid_t p : tree) {
    ::kill(-p, SIGKILL);
    if (::kill(p, SIGKILL) == 0) killed.push_back(p);
  }
  return killed;
}

// Reaps our child `pid`; returns its wait status.
inline int WaitForExit(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

// Waits until none of `pids` is alive (they are not our children, so polls /proc); false after
// `timeout`.
inline bool WaitUntilGone(const std::vector<pid_t>& pids,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool any = false;
    for (pid_t p : pids) any = any || ProcessAlive(p);
    if (!any) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace huracan::testing
