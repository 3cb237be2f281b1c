// The status server (docs/CONTROL.md, "Status page"): `/` (HTML), `/metrics` (Prometheus),
// `/healthz`, `/api/status` (JSON) and, only with a token, POST `/api/pause` and `/api/resume`.
// cpp-httplib on its own threads. `huracan serve` runs it against the archive and the database;
// a live runner can run it on a thread with its StatusBoard attached.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/commands.h"
#include "core/status.h"
#include "live/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace huracan::control {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (StatusServer::port() tells which)
  std::string archive_dir;
  storage::Database* db = nullptr;  // may be null (the page says so); used under the server's lock
  // HURACAN_HTTP_TOKEN: empty = every action is refused (403). Never logged nor shown.
  std::string token;
  const live::StatusBoard* board = nullptr;  // null: no live runner attached
  registry::PromotionRules live_gates;       // without a live runner: the live gates shown (settings)
  std::function<int64_t()> now_ms;           // wall clock (epoch ms)
  // Connections served at once, each on a thread of its own made on demand (more wait in order).
  int threads = 64;
  int read_timeout_s = 5;
  int write_timeout_s = 5;
  size_t max_body_bytes = 4096;
};

class StatusServer {
 public:
  explicit StatusServer(ServeOptions opts);
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Binds and starts serving on a thread of its own; returns once it is listening.
  Status Start();
  int port() const { return port_; }
  // Stops listening and joins the thread (safe to call twice).
  void Stop();
  // Blocks until Stop() (from another thread) or a listen failure.
  void Wait();

 private:
  void Route();
  // Answers 401/403 when the request may not act; true when it may.
  bool Authorised(const httplib::Request& req, httplib::Response& res) const;
  ControlContext Context(const std::string& source) const;

  ServeOptions opts_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::mutex mu_;  // one request at a time touches the archive and the database
  int port_ = 0;
};

}  // namespace huracan::control
