#include "storage/local_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/fs.h"
#include "core/sha256.h"

namespace huracan::storage {
namespace fs = std::filesystem;
namespace {

std::string Errno() { return std::strerror(errno); }

// This machine's name as it appears in temp file names: dots and slashes replaced, so that the
// fields of a temp name split on '.'.
const std::string& HostTag() {
  static const std::string tag = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return std::string("host");
    std::string s(buf);
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '.' || c == '/'; }, '_');
    return s;
  }();
  return tag;
}

// The start of the temp names of `target`'s writers on this machine.
std::string TempPrefixFor(const fs::path& target) {
  return ".tmp-" + target.filename().string() + "." + HostTag() + ".";
}

// A unique temp name in the target's folder: host, pid, a process-wide counter and a random tag,
// so concurrent writers (threads or processes, here or on other machines sharing the folder)
// never share a temp file: .tmp-NAME.HOST.PID.COUNTER.RANDOM
std::string TempPathFor(const fs::path& target) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return (target.parent_path() / (TempPrefixFor(target) + std::to_string(::getpid()) + "." +
                                  std::to_string(counter.fetch_add(1)) + "." + std::to_string(rng() % 1000000)))
      .string();
}

// The writer's pid of a temp name's rest after TempPrefixFor ("PID.COUNTER.RANDOM", digits
// only), or 0 when the rest is not of that form.
pid_t TempWriterPid(const std::string& rest) {
  size_t fields = 1;
  for (char c : rest) {
    if (c == '.')
      ++fields;
    else if (c < '0' || c > '9')
      return 0;
  }
  if (fields != 3 || rest.front() == '.') return 0;
  return static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
}

// True when no process `pid` runs on this machine: none exists, or it is a zombie (killed, and
// not yet reaped by its parent, or by init after its parent died with it).
bool ProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;  // EPERM: it exists, under another user
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && (line[close + 2] == 'Z' || line[close + 2] == 'X');
}

// Removes the temp files of `target` whose writer, a process of this machine, is gone: a Put cut
// short by a crash (kill -9) leaves its temp file, which List and Get never show but nothing
// else would delete. Temp files of live processes (another Put in flight) and of other machines
// sharing the folder (their pids mean nothing here) stay. Best effort: errors are ignored.
void RemoveOrphanedTemps(const fs::path& target) {
  const std::string prefix = TempPrefixFor(target);
  std::error_code ec;
  for (fs::directory_iterator it(target.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const pid_t pid = TempWriterPid(name.substr(prefix.size()));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (!ProcessGone(pid)) continue;
    std::error_code rm;
    fs::remove(it->path(), rm);
  }
}

Status SyncDir(const fs::path& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Unavailable(dir.string() + ": cannot open folder to fsync: " + Errno());
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Unavailable(dir.string() + ": fsync of folder failed: " + Errno());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(const std::string& root, LocalStoreOptions options) {
  if (root.empty()) return InvalidArgument("local object store: empty root folder");
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Unavailable("local object store " + root + ": cannot create folder: " + ec.message());
  if (!fs::is_directory(root, ec)) return FailedPrecondition("local object store " + root + ": not a folder");
  fs::path abs = fs::absolute(root, ec).lexically_normal();
  if (ec) return Internal("local object store " + root + ": " + ec.message());
  std::string s = abs.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(std::move(s), std::move(options)));
}

Result<std::string> LocalObjectStore::PathFor(const std::string& key) const {
  HURACAN_RETURN_IF_ERROR(ValidateKey(key));
  if (key.back() == '/') return InvalidArgument("object key '" + key + "': ends with '/'");
  return root_ + "/" + key;
}

std::string LocalObjectStore::Describe() const { return "file://" + root_; }

Status LocalObjectStore::Put(const std::string& key, std::string_view bytes) {
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  fs::path target(path);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Unavailable(path + ": cannot create folder: " + ec.message());
  RemoveOrphanedTemps(target);
  std::string tmp = TempPathFor(target);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(tmp + ": cannot create: " + Errno());
  auto abort_with = [&](Error e) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (WriteFileTo(fd, bytes, path) != 0) return abort_with(Unavailable(path + ": write failed: " + Errno()));
  if (options_.fsync && ::fsync(fd) != 0) return abort_with(Unavailable(path + ": fsync failed: " + Errno()));
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return abort_with(Unavailable(path + ": close failed: " + Errno()));
  if (options_.before_rename) {
    Status hook = options_.before_rename(key, tmp);
    if (!hook.ok()) return abort_with(hook.error());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return abort_with(Unavailable(path + ": rename failed: " + Errno()));
  if (options_.fsync) HURACAN_RETURN_IF_ERROR(SyncDir(target.parent_path()));
  return Status::Ok();
}

Result<std::string> LocalObjectStore::Get(const std::string& key) const {
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound(Describe() + ": no object '" + key + "'");
  return ReadFile(path);
}

Result<bool> LocalObjectStore::Exists(const std::string& key) const {
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

Result<std::string> LocalObjectStore::Checksum(const std::string& key) const {
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound(Describe() + ": no object '" + key + "'");
  return Sha256File(path);
}

Result<std::vector<std::string>> LocalObjectStore::List(const std::string& prefix) const {
  std::vector<std::string> keys;
  // Walk only the deepest folder the prefix names fully ("models/BTC" walks "models/").
  std::string dir_part = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
  if (!dir_part.empty()) {
    std::string d = dir_part.substr(0, dir_part.size() - 1);
    Status valid = ValidateKey(d);
    if (!valid.ok()) return valid.error();
  }
  fs::path start = dir_part.empty() ? fs::path(root_) : fs::path(root_) / dir_part;
  std::error_code ec;
  if (!fs::is_directory(start, ec)) return keys;
  fs::recursive_directory_iterator it(start, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return Unavailable(start.string() + ": cannot list: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Unavailable(start.string() + ": cannot list: " + ec.message());
    const std::string name = it->path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) continue;
    if (!it->is_regular_file(ec)) continue;
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (key.rfind(prefix, 0) == 0) keys.push_back(std::move(key));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

Status LocalObjectStore::Delete(const std::string& key) {
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Unavailable(path + ": delete failed: " + Errno());
  // Remove folders left empty, up to the root (best effort).
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  while (dir.string().size() > root_.size() && fs::is_empty(dir, ec) && !ec) {
    if (!fs::remove(dir, ec) || ec) break;
    dir = dir.parent_path();
  }
  return Status::Ok();
}

Result<std::string> LocalObjectStore::UrlFor(const std::string& key, int64_t expiry_seconds) const {
  (void)expiry_seconds;  // local files do not expire
  HURACAN_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  return "file://" + path;
}

}  // namespace huracan::storage
