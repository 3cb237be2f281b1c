#include "core/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace huracan {
namespace fs = std::filesystem;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss(path + ": read error");
  return ss.str();
}

int WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

namespace {
WriteFaultHook& FaultHook() {
  static WriteFaultHook hook;
  return hook;
}
}  // namespace

void SetWriteFaultHookForTesting(WriteFaultHook hook) { FaultHook() = std::move(hook); }

int WriteFileTo(int fd, std::string_view bytes, const std::string& path) {
  if (const WriteFaultHook& hook = FaultHook(); hook) {
    if (int err = hook(path); err != 0) {
      (void)WriteAll(fd, bytes.substr(0, bytes.size() / 2));
      errno = err;
      return err;
    }
  }
  return WriteAll(fd, bytes);
}

Result<std::string> StageFile(const std::string& path, std::string_view bytes) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return Unavailable(path + ": cannot create folder: " + ec.message());
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(tmp + ": cannot create: " + std::strerror(errno));
  if (int err = WriteFileTo(fd, bytes, path); err != 0) {
    std::string why = std::strerror(err);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Unavailable(tmp + ": write failed: " + why);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Unavailable(tmp + ": fsync/close failed");
  }
  return tmp;
}

Status PublishStagedFile(const std::string& staged, const std::string& path) {
  if (::rename(staged.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(staged.c_str());
    return Unavailable(path + ": rename failed: " + why);
  }
  fs::path target(path);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  HURACAN_ASSIGN_OR_RETURN(std::string staged, StageFile(path, bytes));
  return PublishStagedFile(staged, path);
}

}  // namespace huracan
