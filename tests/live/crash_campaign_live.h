// A crash campaign against `huracan live --replay` (docs/RELIABILITY.md, "Crashes"): the runner
// is started, killed with SIGKILL at a seeded random point, restarted, killed again, ..., then
// left to finish, and what it wrote is compared to an uninterrupted run's
// (tests/live/crash_campaign_test.cpp). This file holds what such a campaign needs besides the
// live runner's own checks:
//   - Spawn / TryWait / Wait / KillAndWait: the huracan binary forked and exec'd directly (no
//     shell in between, so the pid killed is the runner's), and how it ended (Ended::killed);
//   - ScratchDir / ScopedDir: a folder on /dev/shm when there is one, removed at scope exit;
//   - CampaignSeed / EnvCount: the seed (printed, overridable by an environment variable) and a
//     count from the environment;
//   - SavedFeedPosition: the live state's saved bar, read without opening the store;
//   - TableRows: every row of a table, all columns as text.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "support/test_support.h"

extern char** environ;

namespace huracan::live::crash {

// A started process: its pid and where its stderr goes.
struct Child {
  pid_t pid = -1;
  std::string err_path;
};

// How a process ended: by SIGKILL, or by exit with `code` (another signal: code 128 + signal).
struct Ended {
  bool killed = false;
  int code = 0;
};

inline Ended FromWaitStatus(int status) {
  if (WIFSIGNALED(status)) return {WTERMSIG(status) == SIGKILL, 128 + WTERMSIG(status)};
  return {false, WEXITSTATUS(status)};
}

// Runs the huracan binary with `args` in `cwd`, the environment plus `env` ("K=V"), stdout and
// stderr to the files given (truncated). Everything the child needs is prepared before fork.
inline Child Spawn(const std::string& cwd, const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& out_path, const std::string& err_path) {
  const std::string binary = huracan::testing::HuracanBinary();
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = env;
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);  // ours first: the first wins in getenv
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::chdir(cwd.c_str()) != 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(126);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  return {pid, err_path};
}

// The end of the process when it has ended (reaped), else nothing.
inline std::optional<Ended> TryWait(const Child& c) {
  int status = 0;
  if (::waitpid(c.pid, &status, WNOHANG) == c.pid) return FromWaitStatus(status);
  return std::nullopt;
}

inline Ended Wait(const Child& c) {
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return FromWaitStatus(status);
}

// SIGKILL, then reap. `killed` is false when the process had exited on its own first (a kill of
// an unreaped zombie changes nothing).
inline Ended KillAndWait(const Child& c) {
  ::kill(c.pid, SIGKILL);
  return Wait(c);
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch folder on a tmpfs when there is one (/dev/shm): a kill -9 is a process crash, not a
// power loss, so the page cache survives it and the fsyncs of each bar's state save (15 ms each
// on a busy disk, 20 s per replayed day) are not what is tested. Else the usual temp folder.
inline std::string ScratchDir(const std::string& prefix) {
  if (::access("/dev/shm", W_OK) == 0) {
    std::string tmpl = "/dev/shm/huracan-" + prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data())) return tmpl;
  }
  return huracan::testing::MakeTempDir(prefix);
}

// Removes the folder at the end of the scope.
struct ScopedDir {
  std::string path;
  ~ScopedDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// The campaign's seed: the environment variable `name` when set, else a random one; printed, so
// that a failing campaign can be rerun with it (the hook kills land at the same bars; outside
// kills at the same delays, which need not be the same bars).
inline uint64_t CampaignSeed(const char* name) {
  uint64_t seed = 0;
  if (const char* v = std::getenv(name); v && *v) {
    seed = std::strtoull(v, nullptr, 10);
  } else {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  std::printf("crash campaign seed %llu (rerun with %s=%llu)\n", static_cast<unsigned long long>(seed), name,
              static_cast<unsigned long long>(seed));
  return seed;
}

// A positive integer from the environment variable `name`, else `fallback`.
inline int EnvCount(const char* name, int fallback) {
  const char* v = std::getenv(name);
  const int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : fallback;
}

// The feed position (the last bar time whose state was saved, ms) of a live state folder, read
// from the file without opening the store (which would tidy the folder); nothing before the
// first save.
inline std::optional<int64_t> SavedFeedPosition(const std::string& state_dir) {
  const std::string text = ReadAll(state_dir + "/state.json");
  const std::string key = "\"feed_position\":\"";
  const size_t at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  return std::strtoll(text.c_str() + at + key.size(), nullptr, 10);
}

// Every row of `table`, all columns as text ('|'-joined, NULL as "NULL"), ordered by the first
// column (a key of every live table).
inline std::vector<std::string> TableRows(storage::Database& db, const std::string& table) {
  std::vector<std::string> out;
  auto rows = db.Query("SELECT * FROM " + table + " ORDER BY 1");
  EXPECT_TRUE(rows.ok()) << table << ": " << (rows.ok() ? "" : rows.error().message);
  if (!rows.ok()) return out;
  for (const auto& r : rows->rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r.cell(i).ToText().value_or("NULL");
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace huracan::live::crash
