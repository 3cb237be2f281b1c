// Helpers of the security tests: a huracan process in the background that serves HTTP.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support/test_support.h"

namespace huracan::testing {

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// SIGTERM, then SIGKILL when it is still there after 5 s.
inline void StopProcess(int pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
}

// `command` (a shell command line) started in the background with its stdout and stderr in
// `log_path`; its pid and the port of the first "http://127.0.0.1:PORT" it prints (0 if none in
// 20 s). Stopped when it goes out of scope.
class ServingProcess {
 public:
  ServingProcess(const std::string& command, const std::string& log_path) : log_path_(log_path) {
    CommandResult r = RunCommand(command + " > " + ShellQuote(log_path) + " 2>&1 & echo $!");
    pid_ = std::atoi(r.out.c_str());
    for (int i = 0; i < 400 && pid_ > 0 && port_ == 0; ++i) {
      const std::string text = Slurp(log_path);
      const size_t at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) port_ = std::atoi(text.c_str() + at + 17);
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ServingProcess() { StopProcess(pid_); }
  ServingProcess(const ServingProcess&) = delete;
  ServingProcess& operator=(const ServingProcess&) = delete;

  int pid() const { return pid_; }
  int port() const { return port_; }
  std::string log() const { return Slurp(log_path_); }

 private:
  std::string log_path_;
  int pid_ = 0;
  int port_ = 0;
};

}  // namespace huracan::testing
