#include "control/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>

#include "control/status_page.h"

namespace huracan::control {
namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kJson = "application/json";
constexpr const char* kPrometheus = "text/plain; version=0.0.4; charset=utf-8";

// Compares without leaving the position of the first difference in the timing.
bool SameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

// cpp-httplib hands every accepted connection to a task queue, and a connection holds its thread
// until the client closes it or stops sending for the read timeout. Its ThreadPool has a fixed
// number of threads served in order, so a few silent or slow clients would hold them all and make
// every later request wait. This queue gives each connection a thread of its own, made on demand,
// up to `max_active` at once; only beyond that do connections wait, in order.
class ConnectionQueue : public httplib::TaskQueue {
 public:
  explicit ConnectionQueue(size_t max_active) : state_(std::make_shared<State>()) { state_->max_active = max_active; }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->active >= state_->max_active) {
      state_->pending.push_back(std::move(fn));
      return;
    }
    ++state_->active;
    // Detached; the thread owns a reference to the state, so it may outlive this queue.
    std::thread([state = state_, fn = std::move(fn)]() mutable {
      for (;;) {
        fn();
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->pending.empty()) {
          --state->active;
          state->idle.notify_all();
          return;
        }
        fn = std::move(state->pending.front());
        state->pending.pop_front();
      }
    }).detach();
  }

  // Waits for every connection to end (as ThreadPool::shutdown joins its threads).
  void shutdown() override {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->idle.wait(lock, [this] { return state_->active == 0 && state_->pending.empty(); });
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable idle;
    std::deque<std::function<void()>> pending;
    size_t active = 0;
    size_t max_active = 1;
  };
  std::shared_ptr<State> state_;
};

}  // namespace

StatusServer::StatusServer(ServeOptions opts) : opts_(std::move(opts)), server_(std::make_unique<httplib::Server>()) {
  if (!opts_.now_ms)
    opts_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
}

StatusServer::~StatusServer() { Stop(); }

ControlContext StatusServer::Context(const std::string& source) const {
  ControlContext ctx;
  ctx.archive_dir = opts_.archive_dir;
  ctx.db = opts_.db;
  ctx.now_ms = opts_.now_ms();
  ctx.source = source;
  ctx.live_gates = opts_.live_gates;
  return ctx;
}

bool StatusServer::Authorised(const httplib::Request& req, httplib::Response& res) const {
  if (opts_.token.empty()) {
    res.status = 403;
    res.set_content("refused: actions are disabled (no HURACAN_HTTP_TOKEN)\n", kText);
    return false;
  }
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.compare(0, prefix.size(), prefix) != 0 || !SameSecret(auth.substr(prefix.size()), opts_.token)) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content("refused: missing or wrong bearer token\n", kText);
    return false;
  }
  return true;
}

void StatusServer::Route() {
  httplib::Server& s = *server_;
  auto collect = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return CollectStatus(Context("http"), opts_.board);
  };
  s.Get("/", [collect](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderStatusPage(collect()), kHtml);
  });
  s.Get("/metrics", [collect](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderMetrics(collect()), kPrometheus);
  });
  s.Get("/api/status", [collect](const httplib::Request&, httplib::Response& res) {
    res.set_content(StatusToJson(collect()).dump(2) + "\n", kJson);
  });
  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    StatusData d;
    d.now_ms = opts_.now_ms();
    if (opts_.board != nullptr) d.live = opts_.board->Latest();
    if (d.feed_fresh()) {
      res.set_content("ok\n", kText);
      return;
    }
    res.status = 503;
    res.set_content(d.live == nullptr ? "unavailable: no live runner attached\n" : "unavailable: feed stale\n", kText);
  });
  for (bool pause : {true, false}) {
    s.Post(pause ? "/api/pause" : "/api/resume", [this, pause](const httplib::Request& req, httplib::Response& res) {
      if (!Authorised(req, res)) return;
      std::lock_guard<std::mutex> lock(mu_);
      auto r = SetPaused(Context("http"), pause);
      if (!r.ok()) {
        res.status = 500;
        res.set_content("error: " + r.error().message + "\n", kText);
        return;
      }
      res.set_content(RenderPause(*r) + "\n", kText);
    });
  }
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("internal error\n", kText);
  });
}

Status StatusServer::Start() {
  httplib::Server& s = *server_;
  const size_t connections = static_cast<size_t>(std::max(1, opts_.threads));
  s.new_task_queue = [connections] { return new ConnectionQueue(connections); };
  s.set_read_timeout(opts_.read_timeout_s, 0);
  s.set_write_timeout(opts_.write_timeout_s, 0);
  s.set_keep_alive_timeout(2);
  s.set_keep_alive_max_count(20);
  s.set_payload_max_length(opts_.max_body_bytes);
  Route();
  if (opts_.port == 0) {
    port_ = s.bind_to_any_port(opts_.bind);
    if (port_ <= 0) return Unavailable("serve: cannot bind " + opts_.bind + " on a free port");
  } else {
    if (!s.bind_to_port(opts_.bind, opts_.port))
      return Unavailable("serve: cannot bind " + opts_.bind + ":" + std::to_string(opts_.port));
    port_ = opts_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // 0.11 has no wait_until_ready(): poll is_running().
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (!server_->is_running()) {
    Stop();
    return Unavailable("serve: the listener did not start");
  }
  return Status::Ok();
}

void StatusServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void StatusServer::Wait() {
  while (server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

}  // namespace huracan::control
