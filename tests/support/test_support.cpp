#include "support/test_support.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/sha256.h"

namespace huracan::testing {
namespace fs = std::filesystem;

std::string SourceDir() {
  const char* env = std::getenv("HURACAN_SOURCE_DIR");
  return env ? env : HURACAN_SOURCE_DIR;
}

std::string HuracanBinary() {
  const char* env = std::getenv("HURACAN_BINARY");
  return env ? env : HURACAN_BINARY;
}

std::string SampleDir() { return SourceDir() + "/data/sample"; }

std::optional<std::string> SharedCandlesDir(const std::string& timeframe) {
  fs::path p = fs::path(SourceDir()) / ".." / "shared" / "data" / "candles" / timeframe;
  std::error_code ec;
  if (!fs::is_directory(p, ec)) return std::nullopt;
  return fs::weakly_canonical(p).string();
}

std::vector<std::string> ListFiles(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& cmd) {
  std::string dir = MakeTempDir("cmd");
  std::string out_path = dir + "/out", err_path = dir + "/err";
  std::string full = "(" + cmd + ") >" + out_path + " 2>" + err_path;
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

CommandResult RunHuracan(const std::string& args) { return RunCommand(ShellQuote(HuracanBinary()) + " " + args); }

std::string JsDir() {
  const char* env = std::getenv("HURACAN_JS_DIR");
  return env ? env : SourceDir() + "/tests/js";
}

bool NodeToolsAvailable() {
  static const bool ok = [] {
    std::error_code ec;
    return fs::is_directory(JsDir() + "/node_modules/hyparquet", ec) &&
           std::system("node --version >/dev/null 2>&1") == 0;
  }();
  return ok;
}

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/huracan-" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* made = ::mkdtemp(buf.data());
  return made ? std::string(made) : std::string();
}

bool CachedFolder(const std::string& key, const std::string& dest,
                  const std::function<bool(const std::string&)>& make) {
  // The binary's size and modification time stand for its build: a rebuild makes new entries.
  struct stat st {};
  const std::string binary = HuracanBinary();
  const std::string identity = ::stat(binary.c_str(), &st) == 0
                                   ? std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
                                         std::to_string(st.st_mtim.tv_nsec)
                                   : std::string("none");
  const fs::path cache = fs::path(binary).parent_path() / "test-cache";
  std::error_code ec;
  fs::create_directories(cache, ec);
  const std::string id = Sha256Hex(key + "\n" + binary + "\n" + identity).substr(0, 24);
  const fs::path entry = cache / id;
  const int lock = ::open((cache / (id + ".lock")).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock >= 0) ::flock(lock, LOCK_EX);
  bool ok = true;
  if (fs::exists(entry / ".complete")) {
    fs::create_directories(dest, ec);
    fs::copy(entry, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    fs::remove(fs::path(dest) / ".complete", ec);
    ok = !ec;
  } else {
    ok = make(dest);
    if (ok) {
      const fs::path tmp = cache / (id + ".tmp");
      fs::remove_all(tmp, ec);
      fs::copy(dest, tmp, fs::copy_options::recursive, ec);
      if (!ec) std::ofstream(tmp / ".complete") << key << "\n";
      if (!ec) fs::rename(tmp, entry, ec);
      if (ec) fs::remove_all(tmp, ec);
    }
  }
  if (lock >= 0) ::close(lock);
  return ok;
}

}  // namespace huracan::testing
