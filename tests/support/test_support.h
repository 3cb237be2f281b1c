// Helpers shared by the tests: where things are, and running the CLI or node as a child process.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace huracan::testing {

std::string SourceDir();
std::string HuracanBinary();
std::string SampleDir();  // data/sample in the repo
// ../shared/data/candles/<tf>, or nullopt when ../shared is not there (tests then skip).
std::optional<std::string> SharedCandlesDir(const std::string& timeframe = "1m");
// Files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> ListFiles(const std::string& dir, const std::string& suffix);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `cmd` with /bin/sh; captures stdout and stderr.
CommandResult RunCommand(const std::string& cmd);
// Runs the huracan binary with `args` (already shell-quoted as needed).
CommandResult RunHuracan(const std::string& args);
std::string ShellQuote(const std::string& s);

// True when node and the npm test tools in tests/js/node_modules are installed.
bool NodeToolsAvailable();
std::string JsDir();

// A fresh empty temp folder, removed by the OS eventually (under $TMPDIR or /tmp).
std::string MakeTempDir(const std::string& prefix);

// Fills the folder `dest` with what `make(dest)` writes, once per `key` and build of the huracan
// binary across test processes: the first caller runs `make` under a file lock and keeps a copy
// in the build tree's test-cache/; later callers (other test processes of the same ctest run)
// copy that instead. For expensive, deterministic inputs such as a trained archive; the code
// that makes them is tested on its own. `make` returns false on failure (nothing is cached).
bool CachedFolder(const std::string& key, const std::string& dest, const std::function<bool(const std::string&)>& make);

}  // namespace huracan::testing

#define HURACAN_REQUIRE_SHARED(var, tf)                                                                 \
  auto var##_opt = ::huracan::testing::SharedCandlesDir(tf);                                            \
  if (!var##_opt) GTEST_SKIP() << "../shared/data/candles/" tf " not present: skipping real-data test"; \
  const std::string var = *var##_opt

#define HURACAN_REQUIRE_NODE()                   \
  if (!::huracan::testing::NodeToolsAvailable()) \
  GTEST_SKIP() << "node test tools missing: run scripts/install-deps.sh (npm install in tests/js)"
